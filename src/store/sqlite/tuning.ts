/**
 * Memory settings shared by the SQLite connections (a module of its own, with no imports, so that
 * the records verifier's worker bundle can take it without the store's migrations).
 */

/**
 * SQLite's own page cache per connection that writes on the message path (main file, month being
 * written), in KiB: kept small on purpose. A B-tree page split (balance_nonroot) parks a page under
 * the lock page's number for a moment (page 262,145 with 4 KiB pages, 65,537 with 16 KiB), which
 * leaves that number as the cache's largest key; at every commit SQLite then truncates the cache to
 * the database's size and, while the file is under 1 GiB, walks every cached page to do it. With
 * the 256 MiB cache the main file used to ask for, that walk cost ~0.3 ms per commit once the cache had
 * filled (`bench/sqlite-commit-cache.ts`); 8 MiB bounds it at 2,048 pages of 4 KiB (512 of a month
 * file's 16 KiB). Measured in the benchmarks (docs/PERFORMANCE.md): 8 MiB gave `http_batch_msgs_per_s`
 * 21,570–23,366 against 19,413–19,546 with 32 MiB; with 2 MiB commercial decisions were slower
 * (one run, 22,100/s against 25,000–28,800/s with 8 MiB).
 */
export const PAGE_CACHE_KIB = 8_192;
/**
 * The main file is read through a memory map instead (SQLite's largest by default, 0x7fff0000): a
 * clean page costs neither a read call nor a copy into the cache, so the consent look-up index
 * (~100 MB per million consents, docs/CONSENT.md) reads as fast as when a big cache held it.
 */
export const MMAP_BYTES = 2_147_418_112;
