/**
 * A configuration problem names the setting and where its value came from, as the operator typed it:
 * every problem used to name the environment variable (`httpPort (SMSGUARD_HTTP_PORT)`), so
 * `smsguard start --http-port 99999` read as if a variable the operator never set were wrong.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError, settingLabel, settingSource } from '../../../src/config/schema.js';

const problems = (flags: Record<string, unknown>, env: Record<string, string> = {}): string[] => {
  try {
    loadConfig(flags, env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

test('a value given as a flag is named by the flag, not the environment variable', () => {
  assert.deepEqual(problems({ httpPort: '99999' }), ['httpPort (--http-port): Too big: expected number to be <=65535']);
  assert.match(problems({ queuePrefix: 'bad prefix' })[0]!, /^queuePrefix \(--queue-prefix\): /);
  assert.match(problems({ db: 'mysql://u@h/db' })[0]!, /^db \(--db\): mysql:\/\/…: not a database/);
  // the flag wins over the variable, and so does its name
  assert.match(problems({ httpPort: 'x' }, { SMSGUARD_HTTP_PORT: '8080' })[0]!, /^httpPort \(--http-port\): not a decimal number: "x"$/);
  assert.doesNotMatch(problems({ httpPort: '99999' }).join('\n'), /SMSGUARD_HTTP_PORT/);
});

test('a value from the environment is named by its variable, DATABASE_URL included', () => {
  assert.deepEqual(problems({}, { SMSGUARD_HTTP_PORT: '99999' }), ['httpPort (SMSGUARD_HTTP_PORT): Too big: expected number to be <=65535']);
  assert.match(problems({}, { DATABASE_URL: 'mysql://u@h/db' })[0]!, /^db \(DATABASE_URL\): mysql:\/\/…: not a database/);
  assert.match(problems({}, { SMSGUARD_TLS_CERT: 'c.pem' })[0]!, /^tlsCert \(SMSGUARD_TLS_CERT\): only used with smppTlsPort/);
});

test('a default or an unset setting at fault is said to be one', () => {
  // the TLS port clashes with the plain port's default
  assert.deepEqual(problems({ smppTlsPort: '2775', tlsCert: 'c.pem', tlsKey: 'k.pem' }), [
    'smppTlsPort (--smpp-tls-port): 2775 is the plain SMPP port too, smppPort (default 2775); give TLS its own (conventionally 3550)',
  ]);
  assert.match(problems({ smppTlsPort: '3550', smppPort: '3550', tlsCert: 'c.pem', tlsKey: 'k.pem' })[0]!, /plain SMPP port too, smppPort \(--smpp-port\);/);
  assert.match(problems({}, { SMSGUARD_SMPP_TLS_PORT: '3550', SMSGUARD_TLS_KEY: 'k.pem' })[0]!, /^tlsCert \(not set\): required with smppTlsPort \(SMSGUARD_SMPP_TLS_PORT\): give --tls-cert PATH or SMSGUARD_TLS_CERT=PATH/);
});

test('the sources outlive validation, for problems found after it (a file that cannot be read, a bus the store cannot carry)', () => {
  const c = loadConfig({ httpPort: '9000', upstreamFile: 'links.json' }, { SMSGUARD_QUEUE: 'nats://127.0.0.1:4222', SMSGUARD_HTTP_PORT: '1', DATABASE_URL: 'postgres://u@h/db' });
  assert.deepEqual(settingSource(c, 'httpPort'), { kind: 'flag', name: '--http-port' });
  assert.deepEqual(settingSource(c, 'queue'), { kind: 'env', name: 'SMSGUARD_QUEUE' });
  assert.deepEqual(settingSource(c, 'db'), { kind: 'env', name: 'DATABASE_URL' });
  assert.equal(settingLabel(c, 'upstreamFile'), 'upstreamFile (--upstream-file)');
  assert.equal(settingLabel(c, 'role'), 'role (default all)');
  assert.equal(settingLabel(c, 'mnpFile'), 'mnpFile (not set)');
  assert.ok(Object.isFrozen(c));
});

test('a file named by a flag or a variable: its problems name that, the path and the key in the file', async () => {
  const { parseUpstreamFile, loadUpstreamFile } = await import('../../../src/config/upstream-file.js');
  const bad = JSON.stringify({ links: [{ name: 'a', host: 'h', systemId: 's', password: 'p', window: 0 }] });
  const problemsOf = (f: () => unknown): string[] => {
    try {
      f();
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
    assert.fail('expected a ConfigError');
  };
  assert.match(problemsOf(() => parseUpstreamFile(bad, 'links.json', '--upstream-file'))[0]!, /^upstreamFile \(--upstream-file links\.json\) links\.0\.window: takes /);
  assert.match(problemsOf(() => parseUpstreamFile(bad, 'links.json', 'SMSGUARD_UPSTREAM_FILE'))[0]!, /^upstreamFile \(SMSGUARD_UPSTREAM_FILE=links\.json\) links\.0\.window: takes /);
  assert.match(problemsOf(() => loadUpstreamFile('/nonexistent/links.json', 'SMSGUARD_UPSTREAM_FILE'))[0]!, /^upstreamFile \(SMSGUARD_UPSTREAM_FILE\): cannot read \/nonexistent\/links\.json: ENOENT/);
  const { loadMnpFile } = await import('../../../src/config/mnp-file.js');
  assert.match(problemsOf(() => loadMnpFile('/nonexistent/ported.csv', '--mnp-file'))[0]!, /^mnpFile \(--mnp-file\): cannot read \/nonexistent\/ported\.csv: ENOENT/);
  // the TLS files, given in the environment, named by their variables
  const { loadTlsIdentity } = await import('../../../src/config/tls-identity.js');
  const c = loadConfig({}, { SMSGUARD_SMPP_TLS_PORT: '3550', SMSGUARD_TLS_CERT: '/nonexistent/c.pem', SMSGUARD_TLS_KEY: '/nonexistent/k.pem' });
  const tls = problemsOf(() => loadTlsIdentity(c.tlsCert!, c.tlsKey!, { cert: settingLabel(c, 'tlsCert'), key: settingLabel(c, 'tlsKey') }));
  assert.match(tls[0]!, /^tlsCert \(SMSGUARD_TLS_CERT\): cannot read \/nonexistent\/c\.pem/);
  assert.match(tls[1]!, /^tlsKey \(SMSGUARD_TLS_KEY\): cannot read \/nonexistent\/k\.pem/);
});

test('a listener that cannot open names its host and port settings as given, not `http-host / http-port`', async () => {
  const { listenLine } = await import('../../../src/config/schema.js');
  assert.equal(listenLine(loadConfig({ httpPort: '8080' }, {}), 'httpHost', 'httpPort', 8080, 'address in use (EADDRINUSE)'),
    'httpHost (default 127.0.0.1) / httpPort (--http-port): 127.0.0.1:8080: address in use (EADDRINUSE)');
  assert.equal(listenLine(loadConfig({}, { SMSGUARD_HTTP_HOST: '10.0.0.9' }), 'httpHost', 'httpPort', 8080, 'x'), 'httpHost (SMSGUARD_HTTP_HOST) / httpPort (default 8080): 10.0.0.9:8080: x');
  const tls = loadConfig({ smppHost: '0.0.0.0', smppTlsPort: '3550', tlsCert: 'c.pem', tlsKey: 'k.pem' }, { SMSGUARD_SMPP_PORT: '2776' });
  assert.equal(listenLine(tls, 'smppHost', 'smppPort', 2776, 'x'), 'smppHost (--smpp-host) / smppPort (SMSGUARD_SMPP_PORT): 0.0.0.0:2776: x');
  assert.equal(listenLine(tls, 'smppHost', 'smppTlsPort', 3550, 'x'), 'smppHost (--smpp-host) / smppTlsPort (--smpp-tls-port): 0.0.0.0:3550: x');
});

test('an upstream link\'s problem at start names the setting that gave the links, as given: --upstream, its variable, or the file', async () => {
  const { upstreamLine } = await import('../../../src/config/schema.js');
  assert.equal(upstreamLine(loadConfig({ upstream: 'smpp://u:p@h' }, {}), 'upstream: window=abc is not a decimal number'), 'upstream (--upstream): window=abc is not a decimal number');
  assert.equal(upstreamLine(loadConfig({}, { SMSGUARD_UPSTREAM: 'smpp://u:p@h' }), 'upstream: bind=rx is not one of trx, tx+rx'), 'upstream (SMSGUARD_UPSTREAM): bind=rx is not one of trx, tx+rx');
  // the file wins over --upstream: a link's TLS file problem is the file's
  assert.equal(upstreamLine(loadConfig({ upstreamFile: '/etc/smsguard/links.json' }, {}), 'upstream: link a: ca=/x.pem: cannot read'), 'upstreamFile (--upstream-file): link a: ca=/x.pem: cannot read');
  // anything else: the upstream and the SMPP port, each as given (it said `upstream / smpp-port: …`)
  assert.equal(upstreamLine(loadConfig({}, {}), 'boom'), 'upstream (default simulator) / smppPort (default 2775): boom');
});
