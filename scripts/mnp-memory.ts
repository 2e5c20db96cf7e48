/**
 * How much memory the ported-numbers list (src/smpp/client/ported-numbers.ts) takes per number, and
 * how long a load takes: builds an N-number CSV in memory, parses it, and reports the list's bytes
 * (its SharedArrayBuffers) and the process's growth. Not a test and not a benchmark: a note-taker.
 *
 *   node --import tsx --expose-gc scripts/mnp-memory.ts [N=2000000]
 */
import { parseMnpCsv } from '../src/config/mnp-file.js';
import { PortedNumbers } from '../src/smpp/client/ported-numbers.js';

const n = Number(process.argv[2] ?? 2_000_000);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const carriers = ['cmcc', 'cucc', 'ctcc'];
const prefixes = ['138', '139', '150', '186', '133', '189', '177', '135'];
const lines: string[] = [];
for (let i = 0; i < n; i++) lines.push(`${prefixes[i % prefixes.length]}${String((i * 7919) % 1e8).padStart(8, '0')},${carriers[i % 3]}`);
const text = lines.join('\n');
lines.length = 0;
gc();
const before = process.memoryUsage();
const t0 = process.hrtime.bigint();
const { data, problems } = parseMnpCsv(text);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
gc();
const after = process.memoryUsage();
const list = new PortedNumbers(data);
const bytes = data.numbers.byteLength + data.carriers.byteLength;
const t1 = process.hrtime.bigint();
let found = 0;
for (let i = 0; i < 1_000_000; i++) if (list.carrierIndexOf(`86${prefixes[i % 8]}${String((i * 7919) % 1e8).padStart(8, '0')}`) >= 0) found++;
const lookupNs = Number(process.hrtime.bigint() - t1) / 1e6;
console.log(JSON.stringify({
  numbers: list.size, skipped: problems.length, loadMs: Math.round(ms),
  listBytesPerNumber: +(bytes / list.size).toFixed(2),
  heapAndBuffersGrowthBytesPerNumber: +((after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / list.size).toFixed(2),
  lookupNsEachWithDigitsBuilt: +lookupNs.toFixed(0), found,
}));
