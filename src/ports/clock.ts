/** Time as a port: the system clock, or a simulated one that only moves when told to. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}
