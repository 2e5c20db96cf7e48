/**
 * Complaint figures, on a SQLite file holding a month of one provider's traffic (1,000,000 accepted
 * notifications to 50,000 numbers; quick: 100,000 to 5,000):
 * - `complaint_intake_per_s`: complaints filed in process (validation, evidence matched against the
 *   records of that number in the window, consent and decision trail loaded, case and event written);
 * - `complaint_rate_ms`: one complaintRate(provider, month) call with every case of the month stored
 *   (median of 20);
 * - `annual_report_records_per_s`: records scanned per second while building the annual report.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/store/sqlite/index.js';
import { BENCH_SQLITE } from './store-tuning.js';
import { App } from '../src/app/app.js';
import { SimulatedClock } from '../src/simulator/clock.js';
import { resolveProfile } from '../src/profiles/index.js';
import { installComplaints } from '../src/app/complaint-service.js';
import { buildAnnualReport } from '../src/app/report-annual.js';
import type { Principal } from '../src/app/types.js';
import { machine, note, type BenchOptions, type Figure } from './figure.js';

const START = Date.parse('2026-11-01T01:00:00Z'); // 09:00 Shanghai, 1 November
const msisdn = (i: number) => `+86139${String(i).padStart(8, '0')}`;

export async function run(opts: BenchOptions): Promise<Figure[]> {
  const messages = opts.quick ? 50_000 : 1_000_000;
  const numbers = messages / 20;
  const complaints = opts.quick ? 500 : 2_000;
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-complaints-bench-'));
  const store = new SqliteStore(join(dir, 'complaints.db'), BENCH_SQLITE);
  try {
    const clock = new SimulatedClock(START);
    const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
    const svc = installComplaints(app, { volumeFlushMs: 0 });
    const admin: Principal = { role: 'admin', actorId: 'bench' };
    const { creditCodeCheckChar } = await import('../src/domain/credit-code.js');
    const body = '91350100M00900001'.slice(0, 17);
    const { id: cpId } = await app.createContentProvider(admin, { name: '投诉压测科技有限公司', creditCode: body + creditCodeCheckChar(body) });
    await app.addSignature(admin, cpId, { signature: '【压测】' });
    await app.addPort(admin, { number: '106900091', contentProviderId: cpId, kind: 'service' });
    const cp: Principal = { role: 'content-provider', contentProviderId: cpId, actorId: 'bench' };

    note(`complaints: storing ${messages} messages to ${numbers} numbers`);
    const batch = 1000;
    // Spread over ~25 days so the month holds them all.
    const step = Math.floor((25 * 86_400_000) / (messages / batch));
    for (let i = 0; i < messages; i += batch) {
      const inputs = [];
      for (let k = i; k < i + batch; k++) inputs.push({ from: '106900091', to: msisdn(k % numbers), text: `【压测】您的订单${k}已发货，单号${(k * 7919) % 1_000_000}`, type: 'notification' });
      await app.submitMessages(cp, inputs, 'http');
      clock.advance(step);
    }
    await svc.volume.flush();
    const month = '2026-11';

    note(`complaints: filing ${complaints} complaints`);
    const public_: Principal = { role: 'public', actorId: 'public' };
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < complaints; i++) {
      const k = (i * 97) % messages;
      await svc.fileComplaint(public_, { msisdn: msisdn(k % numbers), sender: '106900091', text: `订单${k}已发货` }, 'api');
    }
    const intakeS = Number(process.hrtime.bigint() - t0) / 1e9;

    const times: number[] = [];
    let rate = null;
    for (let i = 0; i < 20; i++) {
      const s = process.hrtime.bigint();
      rate = await svc.complaintRate(cpId, month);
      times.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
    times.sort((a, b) => a - b);

    note('complaints: building the annual report');
    const r0 = process.hrtime.bigint();
    const report = await buildAnnualReport(app.ctx, cpId, 2026);
    const reportS = Number(process.hrtime.bigint() - r0) / 1e9;
    await svc.stop();

    const conditions = { ...machine(), store: 'sqlite file', messages, numbers, complaints, quick: opts.quick };
    return [
      { figure: 'complaint_intake_per_s', value: Math.round(complaints / intakeS), unit: 'complaints/s', conditions: { ...conditions, note: 'evidence matched against ~20 records per number; one process, one core' } },
      { figure: 'complaint_rate_ms', value: Math.round(times[10] * 100) / 100, unit: 'ms', conditions: { ...conditions, cases: rate?.complaints, ratePerMillion: rate?.ratePerMillion } },
      { figure: 'annual_report_records_per_s', value: Math.round(report.recordsScanned / reportS), unit: 'records/s', conditions: { ...conditions, recordsScanned: report.recordsScanned, seconds: Math.round(reportS * 100) / 100 } },
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
