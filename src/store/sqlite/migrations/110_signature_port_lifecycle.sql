-- Taking back a signature or a port (src/app/registry-lifecycle.ts). A revoked signature keeps its row
-- (status stays as reviewed; revoked_at set means it reads back as `revoked`) so it stays listed with
-- when and why, and its text stays bound: it never passes again. A retired port keeps its row too:
-- MO to it still reaches its holder's opt-out handling; a new registration of the number takes the
-- row over (the earlier tenure stays in the statutory records, audit `port.retire`).
ALTER TABLE signatures ADD COLUMN revoked_at INTEGER;
ALTER TABLE signatures ADD COLUMN revoked_reason TEXT;
ALTER TABLE ports ADD COLUMN retired_at INTEGER;
ALTER TABLE ports ADD COLUMN retired_reason TEXT;
