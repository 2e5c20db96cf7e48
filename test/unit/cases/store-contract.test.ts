/**
 * The complaints store port (src/ports/cases.ts) against every adapter: SQLite always, PostgreSQL
 * when it is reachable (each run in a schema of its own, dropped afterwards).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import type { Store } from '../../../src/ports/store.js';
import type { CaseEventRow, CaseRow, CreditEntryRow } from '../../../src/ports/cases.js';
import { SmsguardError } from '../../../src/domain/errors.js';

const T0 = Date.parse('2026-11-30T04:00:00Z');
const DAY = 86_400_000;
const uid = (p: string) => `${p}_${randomBytes(6).toString('hex')}`;

function caseRow(over: Partial<CaseRow> = {}): CaseRow {
  return {
    id: uid('case'), reference: `C20261130${randomBytes(3).toString('hex').toUpperCase()}`, externalRef: null, source: 'api', state: 'received',
    msisdn: '+8613800138000', sender: '10690001', contentProviderId: 'cp_a', messageText: '全场五折', receivedMessageAt: T0 - 3_600_000,
    request: '停止', screenshot: null, matchedMessageId: 'msg_1', evidence: { match: { id: 'msg_1' }, candidates: [1, 2] }, accessCodeHash: 'h',
    createdAt: T0, forwardedAt: null, answeredAt: null, closedAt: null, forwardDueAt: T0 + 7 * DAY, answerDueAt: T0 + 28 * DAY,
    finding: null, answerText: null, answerMessageId: null, escalatedReason: null, updatedAt: T0, ...over,
  };
}

function ev(c: CaseRow, kind: CaseEventRow['kind'], from: CaseRow['state'] | null, to: CaseRow['state'] | null, at = T0): CaseEventRow {
  return { id: uid('cev'), caseId: c.id, at, kind, fromState: from, toState: to, actor: 'report-centre', actorId: 'tok_1', reason: 'why', detail: { k: 1 } };
}

function entry(over: Partial<CreditEntryRow> = {}): CreditEntryRow {
  return { id: uid('cfe'), subjectType: 'content-provider', subjectId: 'cp_a', kind: 'warning', at: T0, actorId: 'tok_reg', amountYuan: null, notes: null, publicSummary: '警告', summaryTemplate: null, evidence: {}, dedupKey: null, publishedAt: null, publishedBy: null, withdrawal: null, ...over };
}

function contract(name: string, open: () => Promise<{ store: Store; dispose(): Promise<void> } | null>): void {
  describe(`complaints store contract: ${name}`, () => {
    let h: { store: Store; dispose(): Promise<void> } | null = null;
    let skip: string | false = false;
    before(async () => {
      try { h = await open(); } catch (e) { skip = (e as Error).message.split('\n')[0]; }
    });
    after(async () => h?.dispose());
    const s = () => {
      if (!h) throw new Error(`store unavailable: ${skip}`);
      return h.store.cases;
    };

    test('create and read back every field; reference and external reference look-ups; duplicate external reference is a conflict', async (t) => {
      if (skip) return t.skip(skip);
      const c = caseRow({ externalRef: uid('12321') });
      await s().createCase(c, ev(c, 'created', null, 'received'));
      assert.deepEqual(await s().getCase(c.id), c);
      assert.equal((await s().getCaseByReference(c.reference))?.id, c.id);
      assert.equal((await s().getCaseByExternalRef(c.externalRef!))?.id, c.id);
      assert.equal(await s().getCase('nope'), null);
      const dup = caseRow({ externalRef: c.externalRef });
      await assert.rejects(s().createCase(dup, ev(dup, 'created', null, 'received')), (e: unknown) => e instanceof SmsguardError && e.code === 'conflict');
      assert.equal(await s().getCase(dup.id), null, 'nothing half-made');
      assert.deepEqual((await s().events(c.id)).map((e) => e.kind), ['created']);
    });

    test('transition applies only from the expected state, with its event in the same step', async (t) => {
      if (skip) return t.skip(skip);
      const c = caseRow();
      await s().createCase(c, ev(c, 'created', null, 'received'));
      assert.equal(await s().transition(c.id, 'received', { state: 'forwarded', forwardedAt: T0 + 1, answerDueAt: T0 + 20 * DAY, evidence: { x: 2 } }, ev(c, 'forward', 'received', 'forwarded', T0 + 1), T0 + 1), true);
      assert.equal(await s().transition(c.id, 'received', { state: 'escalated' }, ev(c, 'escalate', 'received', 'escalated', T0 + 2), T0 + 2), false, 'stale state');
      const got = (await s().getCase(c.id))!;
      assert.equal(got.state, 'forwarded');
      assert.equal(got.forwardedAt, T0 + 1);
      assert.equal(got.answerDueAt, T0 + 20 * DAY);
      assert.deepEqual(got.evidence, { x: 2 });
      assert.equal(got.updatedAt, T0 + 1);
      assert.equal(got.messageText, c.messageText, 'untouched fields stay');
      const events = await s().events(c.id);
      assert.deepEqual(events.map((e) => [e.kind, e.fromState, e.toState]), [['created', null, 'received'], ['forward', 'received', 'forwarded']]);
      assert.deepEqual(events[1].detail, { k: 1 });
    });

    test('list: filters, newest first, keyset cursor; overdue; cases of a provider in a range', async (t) => {
      if (skip) return t.skip(skip);
      const cp = uid('cp');
      const rows = [0, 1, 2, 3, 4].map((i) => caseRow({ contentProviderId: cp, createdAt: T0 + i, msisdn: i === 4 ? '+8613900139000' : '+8613800138000', state: i === 0 ? 'answered' : 'received', forwardDueAt: T0 + (i === 1 ? 10 : 7 * DAY) }));
      for (const c of rows) await s().createCase(c, ev(c, 'created', null, c.state));
      const p1 = await s().listCases({ contentProviderId: cp, limit: 2 });
      assert.deepEqual(p1.cases.map((c) => c.id), [rows[4].id, rows[3].id]);
      const p2 = await s().listCases({ contentProviderId: cp, limit: 2, cursor: p1.nextCursor! });
      assert.deepEqual(p2.cases.map((c) => c.id), [rows[2].id, rows[1].id]);
      const p3 = await s().listCases({ contentProviderId: cp, limit: 2, cursor: p2.nextCursor! });
      assert.deepEqual(p3.cases.map((c) => c.id), [rows[0].id]);
      assert.equal(p3.nextCursor, null);
      assert.deepEqual((await s().listCases({ contentProviderId: cp, states: ['answered'], limit: 10 })).cases.map((c) => c.id), [rows[0].id]);
      assert.deepEqual((await s().listCases({ contentProviderId: cp, msisdn: '+8613900139000', limit: 10 })).cases.map((c) => c.id), [rows[4].id]);
      assert.deepEqual((await s().listCases({ contentProviderId: cp, from: T0 + 1, to: T0 + 3, limit: 10 })).cases.map((c) => c.id), [rows[2].id, rows[1].id]);
      const due = (await s().overdue(T0 + 100, 1000)).filter((c) => c.contentProviderId === cp);
      assert.deepEqual(due.map((c) => c.id), [rows[1].id]);
      assert.deepEqual((await s().casesOf(cp, T0 + 1, T0 + 4)).map((c) => c.id), [rows[1].id, rows[2].id, rows[3].id]);
    });

    test('list by the 12321 centre\'s reference, and by the deadline owed: passed or running, escalated cases by the one they owe', async (t) => {
      if (skip) return t.skip(skip);
      const cp = uid('cp');
      const ext = uid('12321');
      const at = T0 + 10 * DAY;
      const rows = {
        receivedLate: caseRow({ contentProviderId: cp, externalRef: ext, forwardDueAt: at - 1 }),
        receivedDueNow: caseRow({ contentProviderId: cp, forwardDueAt: at }),
        receivedRunning: caseRow({ contentProviderId: cp, forwardDueAt: at + 1 }),
        forwardedLate: caseRow({ contentProviderId: cp, state: 'forwarded', forwardedAt: T0, forwardDueAt: at + DAY, answerDueAt: at - 1 }),
        investigatingRunning: caseRow({ contentProviderId: cp, state: 'investigating', forwardedAt: T0, forwardDueAt: at - DAY, answerDueAt: at + DAY }),
        escalatedOwesForward: caseRow({ contentProviderId: cp, state: 'escalated', forwardDueAt: at - 1, answerDueAt: at + DAY }),
        escalatedOwesAnswer: caseRow({ contentProviderId: cp, state: 'escalated', forwardedAt: T0, forwardDueAt: at - DAY, answerDueAt: at + DAY }),
        answered: caseRow({ contentProviderId: cp, state: 'answered', forwardedAt: T0, answeredAt: T0, forwardDueAt: at - DAY, answerDueAt: at - DAY }),
        withdrawn: caseRow({ contentProviderId: cp, state: 'withdrawn', forwardDueAt: at - DAY }),
      };
      for (const c of Object.values(rows)) await s().createCase(c, ev(c, 'created', null, c.state));
      const ids = async (f: Omit<Parameters<Store['cases']['listCases']>[0], 'limit' | 'contentProviderId'>) =>
        (await s().listCases({ ...f, contentProviderId: cp, limit: 50 })).cases.map((c) => c.id).sort();
      const of = (...names: (keyof typeof rows)[]) => names.map((n) => rows[n].id).sort();
      assert.deepEqual(await ids({ externalRef: ext }), of('receivedLate'));
      assert.deepEqual(await ids({ externalRef: uid('12321') }), []);
      assert.deepEqual(await ids({ deadline: { at, overdue: true } }), of('receivedLate', 'receivedDueNow', 'forwardedLate', 'escalatedOwesForward'));
      assert.deepEqual(await ids({ deadline: { at, overdue: false } }), of('receivedRunning', 'investigatingRunning', 'escalatedOwesAnswer'));
      assert.deepEqual(await ids({ deadline: { at, overdue: true }, states: ['escalated'] }), of('escalatedOwesForward'));
    });

    test('credit entries by kind', async (t) => {
      if (skip) return t.skip(skip);
      const subject = uid('cp');
      const rows = [entry({ subjectId: subject, kind: 'warning' }), entry({ subjectId: subject, kind: 'fine', amountYuan: 10000 }), entry({ subjectId: subject, kind: 'note' })];
      for (const e of rows) await s().addEntry(e);
      const ids = async (kinds: CreditEntryRow['kind'][]) => (await s().listEntries({ subjectId: subject, kinds, limit: 10 })).entries.map((e) => e.id).sort();
      assert.deepEqual(await ids(['fine']), [rows[1].id]);
      assert.deepEqual(await ids(['warning', 'note']), [rows[0].id, rows[2].id].sort());
      assert.deepEqual(await ids([]), rows.map((e) => e.id).sort(), 'none given: every kind');
    });

    test('countCasesOf (when the adapter has it) agrees with counting casesOf', async (t) => {
      if (skip) return t.skip(skip);
      const cp = uid('cp');
      const specs: [CaseRow['state'], CaseRow['finding']][] = [['received', null], ['withdrawn', null], ['closed', 'unfounded'], ['closed', 'confirmed'], ['answered', 'partly_confirmed']];
      for (const [i, [state, finding]] of specs.entries()) {
        const c = caseRow({ contentProviderId: cp, createdAt: T0 + i, state, finding });
        await s().createCase(c, ev(c, 'created', null, state));
      }
      const all = await s().casesOf(cp, T0, T0 + 10);
      const counted = all.filter((c) => c.state !== 'withdrawn' && c.finding !== 'unfounded').length;
      const confirmed = all.filter((c) => c.finding === 'confirmed' || c.finding === 'partly_confirmed').length;
      assert.deepEqual(await s().countCasesOf!(cp, T0, T0 + 10), { total: 5, counted, confirmed, complainants: 1, confirmedComplainants: 1 });
      assert.deepEqual({ counted, confirmed }, { counted: 3, confirmed: 2 });
      assert.deepEqual(await s().countCasesOf!(cp, T0 + 100, T0 + 200), { total: 0, counted: 0, confirmed: 0, complainants: 0, confirmedComplainants: 0 });
    });

    test('countCasesOf counts distinct complainants: one number complaining five times is one complainant', async (t) => {
      if (skip) return t.skip(skip);
      const cp = uid('cp');
      const specs: [string, CaseRow['state'], CaseRow['finding']][] = [
        ['+8613800138001', 'received', null], ['+8613800138001', 'received', null], ['+8613800138001', 'closed', 'confirmed'],
        ['+8613800138001', 'answered', 'partly_confirmed'], ['+8613800138001', 'received', null],
        ['+8613800138002', 'received', null], ['+8613800138002', 'closed', 'confirmed'],
        // withdrawn or found unfounded: not counted, nor is its complainant
        ['+8613800138003', 'withdrawn', null], ['+8613800138004', 'closed', 'unfounded'],
      ];
      for (const [i, [msisdn, state, finding]] of specs.entries()) {
        const c = caseRow({ contentProviderId: cp, msisdn, createdAt: T0 + i, state, finding });
        await s().createCase(c, ev(c, 'created', null, state));
      }
      assert.deepEqual(await s().countCasesOf(cp, T0, T0 + 100), { total: 9, counted: 7, confirmed: 3, complainants: 2, confirmedComplainants: 2 });
    });

    test('measures by case and by provider in a range', async (t) => {
      if (skip) return t.skip(skip);
      const c = caseRow({ contentProviderId: uid('cp') });
      await s().createCase(c, ev(c, 'created', null, 'received'));
      await s().addMeasure({ id: uid('msr'), caseId: c.id, contentProviderId: c.contentProviderId, kind: 'opt_out', at: T0, actorId: 'tok', detail: { a: 1 } });
      await s().addMeasure({ id: uid('msr'), caseId: c.id, contentProviderId: c.contentProviderId, kind: 'refund', at: T0 + DAY, actorId: 'tok', detail: {} });
      assert.deepEqual((await s().measures({ caseId: c.id })).map((m) => m.kind), ['opt_out', 'refund']);
      assert.deepEqual((await s().measures({ contentProviderId: c.contentProviderId!, from: T0 + 1, to: T0 + 2 * DAY })).map((m) => m.kind), ['refund']);
      assert.deepEqual((await s().measures({ caseId: c.id }))[0].detail, { a: 1 });
    });

    test('credit entries: dedup key, publish once, public filter, search never a pattern language', async (t) => {
      if (skip) return t.skip(skip);
      const subject = uid('cp');
      const dedupKey = uid('case');
      assert.equal(await s().addEntry(entry({ subjectId: subject, kind: 'confirmed_complaint', dedupKey, publicSummary: '投诉属实 100%' })), true);
      assert.equal(await s().addEntry(entry({ subjectId: subject, kind: 'confirmed_complaint', dedupKey })), false);
      const fine = entry({ subjectId: subject, kind: 'fine', amountYuan: 20000, notes: '内部', publicSummary: '罚款' });
      await s().addEntry(fine);
      assert.deepEqual((await s().listEntries({ subjectId: subject, limit: 10 })).entries.map((e) => e.kind), ['fine', 'confirmed_complaint']);
      assert.equal((await s().listEntries({ subjectId: subject, publishedOnly: true, limit: 10 })).entries.length, 0);
      assert.equal(await s().publish(fine.id, T0 + 5, 'tok_reg'), true);
      assert.equal(await s().publish(fine.id, T0 + 6, 'tok_reg'), false);
      const { entries: pub } = await s().listEntries({ subjectId: subject, publishedOnly: true, limit: 10 });
      assert.equal(pub.length, 1);
      assert.equal(pub[0].publishedAt, T0 + 5);
      assert.equal(pub[0].amountYuan, 20000);
      assert.deepEqual(await s().getEntry(fine.id), { ...fine, publishedAt: T0 + 5, publishedBy: 'tok_reg' });
      assert.deepEqual((await s().listEntries({ subjectId: subject, q: '100%', limit: 10 })).entries.map((e) => e.kind), ['confirmed_complaint']);
      assert.equal((await s().listEntries({ subjectId: subject, q: '%', limit: 10 })).entries.length, 1, '% is a character, not a wildcard');
      assert.equal((await s().listEntries({ subjectId: subject, q: '投诉_', limit: 10 })).entries.length, 0, '_ is a character, not a wildcard');
    });

    test('credit entries: withdraw once, with its audit record in the same step; off the public filter, kept in the file; a withdrawn entry is not published', async (t) => {
      if (skip) return t.skip(skip);
      const subject = uid('cp');
      const pub = entry({ subjectId: subject, kind: 'fine', amountYuan: 10000, publicSummary: '罚款' });
      const draft = entry({ subjectId: subject, kind: 'warning' });
      await s().addEntry(pub);
      await s().addEntry(draft);
      assert.equal(await s().publish(pub.id, T0 + 5, 'tok_reg'), true);
      const w = { at: T0 + 10, by: 'tok_reg2', reason: '复议撤销' };
      const got = await s().withdraw(pub.id, w);
      assert.deepEqual(got, { ...pub, publishedAt: T0 + 5, publishedBy: 'tok_reg', withdrawal: w });
      assert.deepEqual(await s().getEntry(pub.id), got, 'read back with who, when and why');
      assert.equal(await s().withdraw(pub.id, { at: T0 + 11, by: 'tok_other', reason: 'again' }), null, 'twice: nothing');
      assert.deepEqual((await s().getEntry(pub.id))?.withdrawal, w, 'the first withdrawal stands');
      assert.equal(await s().withdraw('cfe_nope', w), null);
      assert.deepEqual((await s().listEntries({ subjectId: subject, publishedOnly: true, limit: 10 })).entries, [], 'off the public register');
      assert.deepEqual((await s().listEntries({ subjectId: subject, limit: 10 })).entries.map((e) => [e.id, e.withdrawal?.reason ?? null]), [[draft.id, null], [pub.id, '复议撤销']], 'kept in the file');
      assert.ok(await s().withdraw(draft.id, { at: T0 + 12, by: 'tok_reg', reason: '录入错误' }));
      assert.equal(await s().publish(draft.id, T0 + 13, 'tok_reg'), false, 'a withdrawn entry is not published');
      const audit = (await h!.store.records.queryRecords({ kind: 'audit', contentProviderId: subject, limit: 10 })).records
        .map((r) => r.body as { action: string; actor: string; entryId: string; reason: string; publishedAt: number | null });
      assert.deepEqual(audit.filter((b) => b.action === 'credit.withdraw').map((b) => [b.entryId, b.actor, b.reason, b.publishedAt]).sort(),
        [[draft.id, 'tok_reg', '录入错误', null], [pub.id, 'tok_reg2', '复议撤销', T0 + 5]].sort(), 'one audit record per withdrawal, none for the refused second one');
    });

    test('monthly volume adds up; rejected per provider', async (t) => {
      if (skip) return t.skip(skip);
      const cp = uid('cp');
      await s().addVolume([{ contentProviderId: cp, month: '2026-11', type: 'verification', accepted: 3, rejected: 1 }]);
      await s().addVolume([{ contentProviderId: cp, month: '2026-11', type: 'verification', accepted: 2, rejected: 0 }, { contentProviderId: cp, month: '2026-12', type: 'commercial', accepted: 1, rejected: 4 }]);
      const v = await s().volume(cp, '2026-11', '2026-12');
      assert.deepEqual(v.map((r) => [r.month, r.type, r.accepted, r.rejected]), [['2026-11', 'verification', 5, 1], ['2026-12', 'commercial', 1, 4]]);
      assert.deepEqual((await s().rejectedByProvider('2026-12')).filter((r) => r.contentProviderId === cp), [{ contentProviderId: cp, rejected: 4 }]);
    });
  });
}

contract('sqlite', async () => {
  const store = new SqliteStore(':memory:');
  return { store, dispose: () => store.close() };
});

contract('postgres', async () => {
  const { openTestPgStore } = await import('../../helpers/pg.js');
  return openTestPgStore();
});
