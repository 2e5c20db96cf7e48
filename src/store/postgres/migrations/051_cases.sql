-- Complaint and report cases, their event trail, measures, credit-file entries and monthly volume
-- (issue 7; same number as the SQLite migration so the two folders read side by side).
CREATE TABLE cases (
  seq                 bigserial PRIMARY KEY,
  id                  text NOT NULL UNIQUE,
  reference           text NOT NULL UNIQUE,
  external_ref        text UNIQUE,
  source              text NOT NULL,
  state               text NOT NULL,
  msisdn              text NOT NULL,
  sender              text,
  content_provider_id text,
  message_text        text,
  received_message_at bigint,
  request             text,
  screenshot          text,
  matched_message_id  text,
  evidence            jsonb NOT NULL,
  access_code_hash    text,
  created_at          bigint NOT NULL,
  forwarded_at        bigint,
  answered_at         bigint,
  closed_at           bigint,
  forward_due_at      bigint NOT NULL,
  answer_due_at       bigint NOT NULL,
  finding             text,
  answer_text         text,
  answer_message_id   text,
  escalated_reason    text,
  updated_at          bigint NOT NULL
);
CREATE INDEX cases_cp_created ON cases (content_provider_id, created_at);
CREATE INDEX cases_msisdn ON cases (msisdn);
CREATE INDEX cases_state ON cases (state);

-- Append-only: who moved a case, when, from which state to which, and why.
CREATE TABLE case_events (
  seq        bigserial PRIMARY KEY,
  id         text NOT NULL UNIQUE,
  case_id    text NOT NULL REFERENCES cases (id),
  at         bigint NOT NULL,
  kind       text NOT NULL,
  from_state text,
  to_state   text,
  actor      text NOT NULL,
  actor_id   text NOT NULL,
  reason     text,
  detail     jsonb NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, seq);
CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'case_events is append-only';
END $$;
CREATE TRIGGER case_events_no_change BEFORE UPDATE OR DELETE ON case_events
  FOR EACH ROW EXECUTE FUNCTION case_events_append_only();

CREATE TABLE case_measures (
  seq                 bigserial PRIMARY KEY,
  id                  text NOT NULL UNIQUE,
  case_id             text NOT NULL REFERENCES cases (id),
  content_provider_id text,
  kind                text NOT NULL,
  at                  bigint NOT NULL,
  actor_id            text NOT NULL,
  detail              jsonb NOT NULL
);
CREATE INDEX case_measures_cp ON case_measures (content_provider_id, at);

CREATE TABLE credit_entries (
  seq            bigserial PRIMARY KEY,
  id             text NOT NULL UNIQUE,
  subject_type   text NOT NULL,
  subject_id     text NOT NULL,
  kind           text NOT NULL,
  at             bigint NOT NULL,
  actor_id       text NOT NULL,
  amount_yuan    double precision,
  notes          text,
  public_summary text NOT NULL,
  evidence       jsonb NOT NULL,
  dedup_key      text UNIQUE,
  published_at   bigint,
  published_by   text
);
CREATE INDEX credit_entries_subject ON credit_entries (subject_id, seq);
CREATE INDEX credit_entries_published ON credit_entries (published_at) WHERE published_at IS NOT NULL;

CREATE TABLE cp_monthly_volume (
  content_provider_id text NOT NULL,
  month               text NOT NULL,
  type                text NOT NULL,
  accepted            bigint NOT NULL DEFAULT 0,
  rejected            bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (content_provider_id, month, type)
);
