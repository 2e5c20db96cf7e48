-- registered_delivery keeps the SMPP value, as the SQLite column (INTEGER) does: 0 no receipt, 1 a
-- receipt for every final status, 2 a receipt on failure only (SMPP 3.4 §5.2.17). A boolean could not
-- say "failure only", so such ESMEs got DELIVRD receipts they had not asked for. Existing rows: true → 1.
-- Rewrites message_status (kept small: finished statuses are pruned). Processes of the previous
-- version write booleans into it and fail: upgrade every process sharing the database together.
ALTER TABLE message_status ALTER COLUMN registered_delivery TYPE smallint USING registered_delivery::int;
