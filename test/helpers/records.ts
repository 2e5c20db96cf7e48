/** Test helpers for the statutory records. */
import assert from 'node:assert/strict';
import type { RecordArchive } from '../../src/ports/store.js';
import { verifyChains, type VerifyReport } from '../../src/app/records-verify.js';

/** Verifies every chain and fails with the whole report unless all hold (and, when given, exactly `checked` records were checked). */
export async function assertChainsHold(archive: RecordArchive, checked?: number): Promise<VerifyReport> {
  const v = await verifyChains(archive);
  assert.equal(v.ok, true, JSON.stringify(v));
  if (checked !== undefined) assert.equal(v.checked, checked);
  return v;
}
