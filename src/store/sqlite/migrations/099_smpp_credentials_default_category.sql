-- Default consent category of an SMPP credential (docs/SMPP.md, "Message type and category"): a
-- commercial submit_sm without TLV 0x1401 takes it, so a stock ESME (Kannel, Net::SMPP), which cannot
-- add TLVs, can send commercial messages. NULL = none (such a submit is refused as before).
ALTER TABLE smpp_credentials ADD COLUMN default_category TEXT;
