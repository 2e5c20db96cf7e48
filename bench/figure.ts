/** One benchmark figure: printed as one JSON line on stdout by bench/run.ts. */
import { cpus, totalmem } from 'node:os';

export interface Figure {
  figure: string;
  value: number;
  unit: string;
  /** Machine, sizes and settings the value was measured under. */
  conditions: Record<string, unknown>;
}

export interface BenchOptions {
  quick: boolean;
}

export type Bench = (opts: BenchOptions) => Promise<Figure[]>;

/** Logs progress to stderr (stdout carries only figures). */
export function note(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

/** The machine a figure was measured on, for its conditions. */
export function machine(): Record<string, unknown> {
  const c = cpus();
  return { node: process.version, cores: c.length, cpu: c[0]?.model ?? 'unknown', memGiB: Math.round(totalmem() / 2 ** 30) };
}
