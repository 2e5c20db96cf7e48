/**
 * The ported-numbers list of `--mnp-file PATH` (携号转网): a CSV file, one `msisdn,carrier` a line,
 * numbers in any form the lenient phone-number reading takes (`13800138000`, `+8613800138000`,
 * `0086 138 0013 8000`…). Blank lines, `#` comments and a `msisdn,carrier` header are skipped.
 *
 * A bad line (not a mainland mobile, no carrier) is reported with its line number and skipped, not a
 * reason to refuse the file: a list of millions from a carrier feed with a few broken lines would
 * otherwise leave every ported number misrouted. A number listed under two carriers is reported and
 * left out (which one is right cannot be told), so it is routed by prefix. A file that cannot be read
 * is refused: at start a configuration error, on a reload the list in use is kept.
 */
import { readFileSync } from 'node:fs';
import { normalizeMsisdn, normalizeMsisdnLenient, maskMsisdn } from '../domain/msisdn.js';
import { carrierKey, portedData, type PortedNumbersData } from '../smpp/client/ported-numbers.js';
import { ConfigError } from './schema.js';

/** One problem line (1-based), or line 0 for a problem of the whole list. */
export interface MnpProblem {
  line: number;
  message: string;
}

export interface MnpParse {
  data: PortedNumbersData;
  /** The first MAX_KEPT_PROBLEMS problems (a file of garbage must not make a list as long as itself). */
  problems: MnpProblem[];
  /** How many lines (or numbers) were skipped in all. */
  skipped: number;
}

const MAX_KEPT_PROBLEMS = 1000;

/** Carrier indexes are a byte each. */
const MAX_CARRIERS = 255;

/** Parses the CSV text; never throws for a bad line (see the module comment). */
export function parseMnpCsv(text: string): MnpParse {
  const problems: MnpProblem[] = [];
  let skipped = 0;
  const problem = (line: number, message: string): void => {
    skipped++;
    if (problems.length < MAX_KEPT_PROBLEMS) problems.push({ line, message });
  };
  const names: string[] = [];
  const index = new Map<string, number>();
  // national number * 256 + carrier index: exact in a double (national < 2e10), so one numeric sort
  // of one typed array orders by number and keeps the carrier, without an object per line
  let packed = new Float64Array(1024);
  let n = 0;
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    lineNo++;
    if (line === '' || line.startsWith('#')) continue;
    const comma = line.indexOf(',');
    if (comma < 0) { problem(lineNo, 'expected msisdn,carrier'); continue; }
    const rawNumber = line.slice(0, comma).trim();
    const carrier = carrierKey(line.slice(comma + 1));
    if (lineNo === 1 && rawNumber.toLowerCase() === 'msisdn') continue;
    // the strict reading first: it skips the lenient one's Unicode folding, most of a load's time
    const msisdn = normalizeMsisdn(rawNumber) ?? normalizeMsisdnLenient(rawNumber);
    if (!msisdn) { problem(lineNo, `not a mainland mobile number: ${rawNumber.slice(0, 32)}`); continue; }
    if (carrier === '' || carrier.includes(',')) { problem(lineNo, 'expected one carrier name after the number'); continue; }
    let ci = index.get(carrier);
    if (ci === undefined) {
      if (names.length >= MAX_CARRIERS) { problem(lineNo, `more than ${MAX_CARRIERS} carriers`); continue; }
      ci = names.length;
      names.push(carrier);
      index.set(carrier, ci);
    }
    if (n === packed.length) {
      const grown = new Float64Array(packed.length * 2);
      grown.set(packed);
      packed = grown;
    }
    packed[n++] = Number(msisdn.slice(3)) * 256 + ci;
  }
  const sorted = packed.subarray(0, n).sort();
  const numbers = new Float64Array(n);
  const carriers = new Uint8Array(n);
  let m = 0;
  for (let i = 0; i < n;) {
    const key = Math.floor(sorted[i] / 256);
    const ci = sorted[i] % 256;
    let j = i + 1;
    let conflict = false;
    for (; j < n && Math.floor(sorted[j] / 256) === key; j++) if (sorted[j] % 256 !== ci) conflict = true;
    if (conflict) {
      const under = [...new Set(Array.from(sorted.subarray(i, j), (v) => names[v % 256]))];
      problem(0, `${maskMsisdn(`+86${key}`)} is listed under ${under.join(' and ')}: left out, routed by prefix`);
    } else {
      numbers[m] = key;
      carriers[m] = ci;
      m++;
    }
    i = j;
  }
  return { data: portedData(numbers.subarray(0, m), carriers.subarray(0, m), names), problems, skipped };
}

/** Reads and parses the file; throws ConfigError only when it cannot be read. `from`: the flag or variable that named it (settingFrom). */
export function loadMnpFile(path: string, from?: string): MnpParse {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError([`mnpFile${from ? ` (${from})` : ''}: cannot read ${path}: ${(e as Error).message}`]);
  }
  return parseMnpCsv(text);
}

/** The problems as log lines: the first `max` of them, then how many more (of `skipped` in all). */
export function mnpProblemLines(path: string, problems: MnpProblem[], skipped = problems.length, max = 20): string[] {
  const out = problems.slice(0, max).map((p) => (p.line ? `${path}:${p.line}: ${p.message}` : `${path}: ${p.message}`));
  const shown = Math.min(max, problems.length);
  if (skipped > shown) out.push(`${path}: ${skipped - shown} more problems`);
  return out;
}
