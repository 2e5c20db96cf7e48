/**
 * The benchmark groups `npm run bench` runs, in this order: name → module (relative to the repository
 * root) exporting `run: Bench`. Add yours here (one line).
 */
export const GROUPS: Readonly<Record<string, string>> = {
  spine: 'bench/spine-bench.ts',
  content: 'bench/content-bench.ts',
  'smpp-fuzz': 'bench/smpp-fuzz.ts',
  smpp: 'bench/smpp-e2e.ts',
  'smpp-kannel': 'bench/smpp-kannel.ts',
  consent: 'bench/consent-bench.ts',
  complaints: 'bench/complaints-bench.ts',
  records: 'bench/records-bench.ts',
  // PostgreSQL + NATS JetStream (needs both running, as on CI machines).
  scale: 'bench/scale-smpp-pg-nats.ts',
};
