/**
 * `smsguard inspect report --year YYYY --content-provider X`: the annual inspection report of one
 * content provider as a self-contained HTML file (inline SVG charts, print stylesheet), and as PDF
 * with `--pdf` when Debian's chromium is installed. Thin: the figures are src/app/report-annual.ts,
 * the page is src/web/annual-report.ts.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { loadConfig } from '../config/schema.js';
import { sqliteTuning } from '../config/sqlite-tuning.js';
import { resolveProfile, type ParamOverrides, type ProfileId } from '../profiles/index.js';
import { openStore } from '../store/open.js';
import { SmsguardError } from '../domain/errors.js';
import { App } from '../app/app.js';
import { SystemClock } from '../simulator/clock.js';
import { buildAnnualReport, REPORT_YEARS } from '../app/report-annual.js';
import { renderAnnualReport } from '../web/annual-report.js';

const CHROMIUM = '/usr/bin/chromium';

/** The PDF `--pdf` writes beside the HTML: the same name, `.pdf` for `.html`. */
const pdfPathOf = (html: string): string => html.replace(/\.html?$/i, '') + '.pdf';

/** Prints an HTML file to PDF with headless chromium (A4, the page's own print stylesheet). */
export async function htmlToPdf(htmlPath: string, pdfPath: string): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new SmsguardError('invalid_request', `--pdf needs ${CHROMIUM} (apt-get install chromium); the HTML has a print stylesheet: open it and print to PDF`);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await browser.newPage();
    await page.goto(`file://${resolve(htmlPath)}`);
    await page.pdf({ path: pdfPath, format: 'A4', printBackground: true, preferCSSPageSize: true });
  } finally {
    await browser.close();
  }
}

/**
 * Adds `report` under the `inspect` command (created if no one made it yet). Call after any other
 * code that creates `inspect`, so the two share one parent command.
 */
export function registerInspectReport(program: Command, common: (c: Command) => Command): void {
  const inspect = program.commands.find((c) => c.name() === 'inspect') ?? program.command('inspect').description('inspections by the telecom administration');
  common(inspect.command('report').description("annual inspection report of one content provider: HTML with charts and a print stylesheet (--pdf: also PDF)"))
    .requiredOption('--year <yyyy>', 'calendar year (Asia/Shanghai)')
    .requiredOption('--content-provider <id>', 'content provider id or unified social credit code')
    .option('--out <file>', 'HTML file to write, new (never overwritten; default ./inspection/annual-report-<id>-<year>.html)')
    .option('--pdf', 'also write a PDF beside it, new as well (needs /usr/bin/chromium)')
    .addOption(new Option('--lang <lang>', 'language').choices(['zh', 'en']).default('zh'))
    .action(async (opts) => {
      const year = Number(opts.year);
      if (!/^\d{4}$/.test(String(opts.year))) throw new SmsguardError('invalid_request', `--year: not a year (YYYY): ${opts.year}`, {}, 'year');
      // Checked here too, not only by buildAnnualReport (whose `year: …` names the API's field): the
      // person at the terminal is told the flag, as every other bad flag value says it, and before any store is opened.
      if (year < REPORT_YEARS.min || year > REPORT_YEARS.max) throw new SmsguardError('invalid_request', `--year: a year from ${REPORT_YEARS.min} to ${REPORT_YEARS.max}: ${opts.year}`, {}, 'year');
      const config = loadConfig({ db: opts.db, dbSchema: opts.dbSchema, profile: opts.profile });
      const { store } = await openStore(config.db, { sqlite: sqliteTuning(config), schema: config.dbSchema, existing: true });
      try {
        const app = new App({ store, clock: new SystemClock(), profile: resolveProfile(config.profile as ProfileId, JSON.parse(config.profileOverrides) as ParamOverrides) });
        let cpId = String(opts.contentProvider);
        if (!(await store.directory.getContentProvider(cpId))) {
          const byCode = (await store.directory.listContentProviders()).find((c) => c.creditCode === cpId);
          if (!byCode) throw new SmsguardError('not_found', `no content provider ${cpId} (neither an id nor a unified social credit code)`, {}, 'content-provider');
          cpId = byCode.id;
        }
        const out = resolve(opts.out ?? `./inspection/annual-report-${cpId}-${year}.html`);
        const pdf = opts.pdf ? pdfPathOf(out) : undefined;
        // As `inspect export --out` and `backup --to`: a report handed to an inspector is never
        // replaced by a later run (told before the year's records are read).
        for (const [flag, file] of [['--out', out], ['--pdf', pdf]] as const) {
          if (file !== undefined && existsSync(file)) throw new SmsguardError('conflict', `${flag}: ${file} already exists: give a new file name (--out); a report never replaces another`, {}, 'out');
        }
        const report = await buildAnnualReport(app.ctx, cpId, year);
        mkdirSync(dirname(out), { recursive: true });
        // 'wx': should another run have written this file since the check above, this one fails rather than replace it
        writeFileSync(out, renderAnnualReport(report, opts.lang), { flag: 'wx' });
        await store.records.appendAudit(Date.now(), 'cli', 'report.annual', { contentProviderId: cpId, year, file: out });
        process.stdout.write(`annual report ${year} for ${report.provider.name}: ${report.totals.accepted} messages accepted, ${report.totals.rejected} rejected, ${report.complaints.total} complaints, ${report.recordsScanned} records scanned\n  HTML ${out}\n`);
        if (pdf !== undefined) {
          await htmlToPdf(out, pdf);
          process.stdout.write(`  PDF  ${pdf}\n`);
        }
      } finally {
        await store.close();
      }
    });
}
