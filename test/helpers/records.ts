/** Test helpers for the statutory records. */
import assert from 'node:assert/strict';
import type { RecordArchive, RecordStore } from '../../src/ports/store.js';
import { verifyChains, type VerifyReport } from '../../src/app/records-verify.js';
import { recordsFor } from '../../src/app/records-service.js';
import type { TestGateway } from './gateway.js';

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

/**
 * What the records API shows after the first purge of the records scenario (test/e2e/records.test.ts
 * on SQLite, test/integration/pg/records-archive.test.ts on PostgreSQL): March of the unheld number
 * 13700137000 gone, the held number's five MTs and the live consent of 13600136000 still readable, one
 * purge audited (March first), and every chain verifying. Returns the verification for more checks.
 */
export async function assertMarchPurged(g: Pick<TestGateway, 'http' | 'app' | 'admin'>): Promise<Awaited<ReturnType<ReturnType<typeof recordsFor>['verify']>>> {
  const get = async (qs: string) => (await g.http.inject({ method: 'GET', url: `/v1/records?${qs}`, headers: g.admin })).json().records;
  assert.equal((await get('msisdn=13700137000')).length, 0);
  assert.equal((await get('msisdn=13800138000&kind=mt')).length, 5, 'held March records still readable');
  assert.equal((await get('msisdn=13600136000&kind=subscription')).length, 1);
  const audit = await get('kind=audit&type=records.purge');
  assert.equal(audit.length, 1);
  assert.equal(audit[0].body.months[0].month, '2026-03');
  const v = await recordsFor(g.app.ctx).verify();
  assert.equal(v.ok, true, JSON.stringify(v));
  return v;
}
