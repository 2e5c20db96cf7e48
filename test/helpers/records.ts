/** Test helpers for the statutory records. */
import assert from 'node:assert/strict';
import type { RecordArchive, RecordStore } from '../../src/ports/store.js';
import { verifyChains, type VerifyReport } from '../../src/app/records-verify.js';

/** Verifies every chain and fails with the whole report unless all hold (and, when given, exactly `checked` records were checked). */
export async function assertChainsHold(archive: RecordArchive, checked?: number): Promise<VerifyReport> {
  const v = await verifyChains(archive);
  assert.equal(v.ok, true, JSON.stringify(v));
  if (checked !== undefined) assert.equal(v.checked, checked);
  return v;
}

/** Bodies of the `records.uncommitted` audit records (records above their month's commit mark), oldest first. */
export async function uncommittedAudits(records: RecordStore): Promise<{ month: string; fromSeq: number; toSeq: number; count: number }[]> {
  const page = await records.queryRecords({ kind: 'audit', limit: 100 });
  return page.records.filter((r) => r.body.action === 'records.uncommitted').reverse().map((r) => r.body as { month: string; fromSeq: number; toSeq: number; count: number });
}
