-- Verification counters are read one day back (src/app/housekeeping.ts VERIFICATION_SENDS_KEPT_MS),
-- commercial ones a month: housekeeping now prunes verification rows after two days instead of a
-- month and a week (2 days of rows and numbers instead of 37 for a gateway sending mostly codes). This
-- index finds them without walking the commercial rows kept in between; appends land at its end.
CREATE INDEX sends_verification_at ON sends (at) WHERE type = 'verification';
