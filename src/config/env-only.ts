/**
 * The settings of ConfigSchema that no `smsguard start` flag sets, only the environment
 * (`SMSGUARD_` + the key in upper snake case), and the variables read beside the schema. Listed in
 * `smsguard start --help`, so an operator finds every setting where the flags are; a test holds
 * each schema key to a flag or an entry here.
 */
export const ENV_ONLY_SETTINGS: Readonly<Record<string, string>> = {
  dbPoolSize: 'PostgreSQL connections per process, 1-200 (default 10)',
  queuePartitions: 'recipient partitions on the bus, 1-1024 (default 16; fix it before the first start, it routes numbers: a process given another count than its deployment\'s bus is refused)',
  queueLeaseMs: 'egress lease on a claimed message, ms, 500 to a day (default 60000)',
  queueGraceMs: 'a handed-over message not yet done is handed over again after this long, ms (default 30000)',
  queueAckWaitMs: 'JetStream redelivery of an unacknowledged message, ms (default 30000)',
  profileOverrides: 'JSON object of profile parameters, e.g. {"maxLength":300} (checked against the profile)',
  smppDeliveryMaxAgeHours: 'receipts/MO an ESME has not taken are dropped after this many hours, at most 8760 (default 72)',
  reportPort: 'the report port where 举报 SMS open complaints, 3-21 digits (default 12321)',
  recordsSigningKey: 'Ed25519 key signing the records\' heads: PEM, base64 DER or file:PATH (default: records-signing.key beside the SQLite file; on PostgreSQL ./var/records-signing.key of the working directory)',
  recordsTrustedKeys: 'public keys of retired head-signing keys, or file:PATH (default: records-trusted-keys beside the signing key\'s default)',
  // Tuning and benchmark settings (the SQLite store's SqliteTuning and the worker threads' boot):
  // the defaults are what the gateway is measured and meant to run with (docs/PERFORMANCE.md).
  sqliteSync: 'tuning/benchmark: SQLite PRAGMA synchronous, OFF|NORMAL|FULL|EXTRA (default NORMAL; OFF can lose commits in a crash)',
  walBuffer: 'tuning/benchmark: the WAL-buffering VFS where the native library is built, 0|1 (default 1)',
  nativeWrite: 'tuning/benchmark: the records writer\'s native append where built, 0|1 (default 1)',
  nativeVerify: 'tuning/benchmark: records verify\'s native link proof where built, 0|1 (default 1)',
  recordsThread: 'tuning/benchmark: the records thread (SQLite), 0|1 (default 0)',
  recordsThreadTimeoutMs: 'tuning/benchmark: wait for the records thread\'s commit, ms, 100 to 3600000 (default 60000)',
  verifyThreads: 'tuning/benchmark: threads records verify uses, 1-256 (default: the machine\'s cores)',
  workerBundle: 'tuning/test: worker threads run a bundle (on) or boot through tsx (off), on|off (default on)',
};

/** Read at start beside the schema (their files are checked by the content loader). */
export const OTHER_VARIABLES: Readonly<Record<string, string>> = {
  DATABASE_URL: 'the database when neither --db nor SMSGUARD_DB is given',
  SMSGUARD_ADMIN_TOKEN: 'the admin token to use instead of one generated at the first start: visible ASCII characters, no spaces (under 16 is warned of)',
  SMSGUARD_CONTENT_LEXICON: 'prohibited-content lexicon extension files, comma-separated (docs/CONTENT.md)',
  SMSGUARD_EARLY_WARNING_POLICY: 'early-warning policy file replacing the shipped one',
  SMSGUARD_CONTENT_THRESHOLD: 'advertising classifier threshold, 0-1',
};
