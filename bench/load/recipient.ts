/**
 * The recipients of a benchmark's messages: `recipient(k)` is eight digits, distinct for every k below
 * 10^8, in scrambled order (k · 39,916,801 mod 10^8 is a bijection: the multiplier is prime to 10^8).
 * Real traffic reaches numbers in no particular order, and numbers in order would turn every index
 * keyed by the number (records, frequency counters) into an append: measured 2026-12-04, the HTTP batch
 * figure was 16,554 and 17,117 msgs/s with numbers in order against 11,997 and 13,064 scrambled
 * (alternating runs), before the records' number index was bucketed (docs/PERFORMANCE.md).
 */
export const recipient = (k: number): string => String(((k % 1e8) * 39_916_801) % 1e8).padStart(8, '0');
