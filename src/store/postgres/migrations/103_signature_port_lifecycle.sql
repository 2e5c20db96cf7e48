-- Taking back a signature or a port (src/app/registry-lifecycle.ts). A revoked signature keeps its row
-- (status stays as reviewed; revoked_at set means it reads back as `revoked`) so it stays listed with
-- when and why, and its text stays bound: it never passes again. A retired port keeps its row too:
-- MO to it still reaches its holder's opt-out handling; a new registration of the number takes the
-- row over (the earlier tenure stays in the statutory records, audit `port.retire`).
ALTER TABLE signatures ADD COLUMN IF NOT EXISTS revoked_at bigint;
ALTER TABLE signatures ADD COLUMN IF NOT EXISTS revoked_reason text;
ALTER TABLE ports ADD COLUMN IF NOT EXISTS retired_at bigint;
ALTER TABLE ports ADD COLUMN IF NOT EXISTS retired_reason text;
