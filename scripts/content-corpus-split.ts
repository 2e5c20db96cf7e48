/**
 * Assigns the train/held-out split of data/content/sms-corpus.tsv to rows that have none yet, and ids
 * to rows without one. Existing assignments are never changed, so the held-out set stays fixed as the
 * corpus grows. Rule for new rows: within each message type, order the new rows by an FNV-1a hash of
 * their text and send every fourth to `heldout` (a stratified 25 % split that no author picks by hand).
 *
 * Usage: npx tsx scripts/content-corpus-split.ts [path]
 */
import { readFileSync, writeFileSync } from 'node:fs';

const path = process.argv[2] ?? 'data/content/sms-corpus.tsv';
const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
const header = lines.shift()!;
if (header !== 'id\tsplit\ttype\tsector\ttext') throw new Error(`unexpected header: ${header}`);
const rows = lines.map((l) => {
  const [id, split, type, sector, ...rest] = l.split('\t');
  return { id, split, type, sector, text: rest.join('\t') };
});
const fnv = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
};
const prefix: Record<string, string> = { verification: 'v', notification: 'n', commercial: 'c', public_welfare: 'p' };
for (const type of Object.keys(prefix)) {
  const ofType = rows.filter((r) => r.type === type);
  let next = 1 + Math.max(0, ...ofType.filter((r) => r.id).map((r) => Number(r.id.slice(1))));
  for (const r of ofType) if (!r.id) r.id = `${prefix[type]}${String(next++).padStart(3, '0')}`;
  const fresh = ofType.filter((r) => !r.split).sort((a, b) => fnv(a.text) - fnv(b.text));
  fresh.forEach((r, i) => (r.split = i % 4 === 0 ? 'heldout' : 'train'));
}
const unknown = rows.filter((r) => !(r.type in prefix));
if (unknown.length) throw new Error(`unknown type in rows: ${unknown.map((r) => r.text).join(' | ')}`);
writeFileSync(path, [header, ...rows.map((r) => [r.id, r.split, r.type, r.sector, r.text].join('\t'))].join('\n') + '\n');
const count = (f: (r: (typeof rows)[number]) => boolean): number => rows.filter(f).length;
console.error(`${rows.length} rows, ${count((r) => r.split === 'heldout')} held out`);
