/**
 * `smsguard mnp check NUMBER [--mnp-file PATH]`: which carrier the ported-numbers list (携号转网)
 * gives a number, as the upstream routing would read it, and what the file's bad lines are. For an
 * operator checking a new list before signalling the gateway to reload it, and for scripts: the exit
 * code says the answer (MNP_EXIT).
 */
import type { Command } from 'commander';
import { loadMnpFile, mnpProblemLines } from '../config/mnp-file.js';
import { ConfigError, loadConfig, settingFrom } from '../config/schema.js';
import { normalizeMsisdnLenient } from '../domain/msisdn.js';
import { PortedNumbers } from '../smpp/client/ported-numbers.js';

/**
 * `mnp check`'s exit codes. 0: the number is in the list, its carrier printed. 2: a mainland mobile
 * number that is not in the list (sent by prefix), or listed under two carriers and left out (the
 * problem printed on stderr). 1, as for every command's failure (src/main.ts): no file given, the
 * file unreadable, not a mainland mobile number, a bad flag. Like `records verify`'s 2 (damage
 * found), 2 is an answer, not a failure: a script tells "not ported" from "could not tell".
 */
export const MNP_EXIT = { ported: 0, notListed: 2 } as const;

export function registerMnpCommand(program: Command): void {
  const mnp = program.command('mnp').description('the ported-numbers list (--mnp-file)');
  mnp.command('check <number>').description("a number's current carrier in the list, and the file's bad lines; exit 0 in the list, 2 not in it, 1 an error (no file, unreadable, not a mobile number)")
    .option('--mnp-file <path>', 'the CSV of ported numbers (default: SMSGUARD_MNP_FILE)')
    .action((number: string, opts: { mnpFile?: string }) => {
      // SMSGUARD_MNP_FILE through the configuration, as `start` reads it
      const config = loadConfig({ mnpFile: opts.mnpFile });
      const path = config.mnpFile;
      if (!path) throw new ConfigError(['mnpFile: give --mnp-file PATH or SMSGUARD_MNP_FILE']);
      const msisdn = normalizeMsisdnLenient(number);
      if (!msisdn) throw new ConfigError([`number: ${number} is not a mainland mobile number`]);
      const { data, problems, skipped } = loadMnpFile(path, settingFrom(config, 'mnpFile'));
      for (const line of mnpProblemLines(path, problems, skipped)) process.stderr.write(`${line}\n`);
      const list = new PortedNumbers(data);
      const carrier = list.carrierOf(msisdn.slice(1));
      process.stdout.write(carrier
        ? `${msisdn}: ported, now ${carrier} (sent to links with carrier=${carrier}, if any)\n`
        : `${msisdn}: not in the list of ${list.size} numbers (sent by prefix)\n`);
      process.exitCode = carrier ? MNP_EXIT.ported : MNP_EXIT.notListed;
    });
}
