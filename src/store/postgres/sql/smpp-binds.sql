-- Live SMPP binds across processes (smpp-binds.ts). Times are wall-clock epoch ms.

-- name: lockCredential
-- Serialises the claims of one credential (every process claims under this row lock), so two
-- processes cannot both take its last slot. A credential row deleted meanwhile locks nothing: the
-- claim then proceeds; the credential check ends such binds.
SELECT 1 FROM smpp_credentials WHERE id = $1 FOR UPDATE;

-- name: countOne
-- $1 credential, $2 now, $3 the claiming member: live binds in all, and those of other processes.
SELECT count(*)::int AS total,
       count(*) FILTER (WHERE member <> $3)::int AS binds,
       count(DISTINCT member) FILTER (WHERE member <> $3)::int AS processes
  FROM smpp_binds WHERE credential_id = $1 AND seen_until > $2;

-- name: insert
INSERT INTO smpp_binds (id, member, credential_id, seen_until) VALUES ($1, $2, $3, $4);

-- name: release
DELETE FROM smpp_binds WHERE id = $1;

-- name: renew
-- $1 member, $2 bind ids, $3 their credential ids, $4 lease end: the member's binds held now; a row
-- missing (the bind was accepted while the store could not be reached) is written again.
INSERT INTO smpp_binds (id, member, credential_id, seen_until)
SELECT b.id, $1, b.credential_id, $4 FROM unnest($2::text[], $3::text[]) AS b(id, credential_id)
ON CONFLICT (id) DO UPDATE SET seen_until = excluded.seen_until;

-- name: elsewhere
-- $1 member, $2 credential ids, $3 now: per credential, live binds and processes other than $1.
SELECT credential_id, count(*)::int AS binds, count(DISTINCT member)::int AS processes
  FROM smpp_binds WHERE credential_id = ANY($2::text[]) AND member <> $1 AND seen_until > $3
 GROUP BY credential_id;

-- name: prune
-- rows lapsed a minute ago (killed processes), so the table does not grow with every restart
DELETE FROM smpp_binds WHERE seen_until < $1::bigint - 60000;

-- name: leave
DELETE FROM smpp_binds WHERE member = $1;
