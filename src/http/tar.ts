/**
 * A POSIX ustar archive of files on disk, streamed: what the inspection export hands over through
 * the API (the records file and its signed manifest, byte for byte as `smsguard inspect export`
 * writes them into a directory), so `tar -xf` gives the recipient the CLI's files. Regular files with
 * short names only (the export's two): no dependency for 60 lines of a format POSIX fixes.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

const BLOCK = 512;

/** A ustar header for a regular file of `size` bytes (`name` ASCII, ≤ 100 bytes). */
export function tarHeader(name: string, size: number, mtimeMs: number): Buffer {
  if (!/^[\x21-\x7e]{1,100}$/.test(name)) throw new Error(`tar: unsupported file name ${name}`);
  const h = Buffer.alloc(BLOCK, 0);
  const put = (off: number, len: number, s: string) => h.write(s, off, len, 'ascii');
  const octal = (off: number, len: number, n: number) => put(off, len, `${n.toString(8).padStart(len - 1, '0')}\0`);
  put(0, 100, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, Math.floor(mtimeMs / 1000));
  put(148, 8, '        ');
  put(156, 1, '0');
  put(257, 6, 'ustar\0');
  put(263, 2, '00');
  let sum = 0;
  for (const b of h) sum += b;
  put(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

/** The archive's bytes, file by file (each padded to a block), then the two zero blocks that end it. */
export async function* tarOf(files: readonly { name: string; path: string }[], mtimeMs: number): AsyncGenerator<Buffer> {
  for (const f of files) {
    const { size } = await stat(f.path);
    yield tarHeader(f.name, size, mtimeMs);
    let n = 0;
    for await (const chunk of createReadStream(f.path)) {
      n += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    if (n !== size) throw new Error(`tar: ${f.name} changed while archived`);
    if (size % BLOCK) yield Buffer.alloc(BLOCK - (size % BLOCK), 0);
  }
  yield Buffer.alloc(2 * BLOCK, 0);
}
