-- Verification counters are read one day back (src/app/housekeeping.ts VERIFICATION_SENDS_KEPT_MS),
-- commercial ones a month: housekeeping now prunes verification rows after two days instead of a
-- month and a week, so a gateway sending mostly codes keeps ~1/18 of the rows (and numbers). This
-- index finds them without walking the commercial rows kept in between; appends land at its end.
CREATE INDEX sends_verification_at ON sends (at) WHERE type = 'verification';
