-- Complaint and report cases, their event trail, measures, credit-file entries and monthly volume
-- (issue 7). 050 was taken by SMPP credentials; complaints use 051–059.
CREATE TABLE cases (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  reference TEXT NOT NULL UNIQUE,
  external_ref TEXT UNIQUE,
  source TEXT NOT NULL,
  state TEXT NOT NULL,
  msisdn TEXT NOT NULL,
  sender TEXT,
  content_provider_id TEXT,
  message_text TEXT,
  received_message_at INTEGER,
  request TEXT,
  screenshot TEXT,
  matched_message_id TEXT,
  evidence TEXT NOT NULL,
  access_code_hash TEXT,
  created_at INTEGER NOT NULL,
  forwarded_at INTEGER,
  answered_at INTEGER,
  closed_at INTEGER,
  forward_due_at INTEGER NOT NULL,
  answer_due_at INTEGER NOT NULL,
  finding TEXT,
  answer_text TEXT,
  answer_message_id TEXT,
  escalated_reason TEXT,
  updated_at INTEGER NOT NULL
);
CREATE INDEX cases_cp_created ON cases (content_provider_id, created_at);
CREATE INDEX cases_msisdn ON cases (msisdn);
CREATE INDEX cases_state ON cases (state);

-- Append-only: who moved a case, when, from which state to which, and why.
CREATE TABLE case_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  case_id TEXT NOT NULL REFERENCES cases (id),
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT,
  actor TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  reason TEXT,
  detail TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, seq);
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;

CREATE TABLE case_measures (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  case_id TEXT NOT NULL REFERENCES cases (id),
  content_provider_id TEXT,
  kind TEXT NOT NULL,
  at INTEGER NOT NULL,
  actor_id TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX case_measures_cp ON case_measures (content_provider_id, at);

CREATE TABLE credit_entries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  subject_type TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  at INTEGER NOT NULL,
  actor_id TEXT NOT NULL,
  amount_yuan REAL,
  notes TEXT,
  public_summary TEXT NOT NULL,
  evidence TEXT NOT NULL,
  dedup_key TEXT UNIQUE,
  published_at INTEGER,
  published_by TEXT
);
CREATE INDEX credit_entries_subject ON credit_entries (subject_id, seq);
CREATE INDEX credit_entries_published ON credit_entries (published_at) WHERE published_at IS NOT NULL;

-- Accepted / rejected submissions per provider, Shanghai month and type: the denominator of the
-- complaint rate. Counted from decisions in batches (a crash can lose at most the last batch).
CREATE TABLE cp_monthly_volume (
  content_provider_id TEXT NOT NULL,
  month TEXT NOT NULL,
  type TEXT NOT NULL,
  accepted INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (content_provider_id, month, type)
) WITHOUT ROWID;
