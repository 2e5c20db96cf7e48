-- Same as the SQLite migration 091: verification counters are pruned after two days (their rules look
-- one day back), found through this partial index without walking the commercial rows kept longer.
CREATE INDEX sends_verification_at ON sends (at) WHERE type = 'verification';
