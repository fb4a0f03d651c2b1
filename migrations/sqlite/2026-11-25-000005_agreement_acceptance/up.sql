-- A processing agreement binds the processor only once the processor accepts it. Agreements
-- recorded before that rule were written by the controller alone, so none of them shows the
-- processor's say: each becomes what it is, a proposal, stated in its document. A processor
-- whose agreement is genuine accepts it once (POST .../acceptance) and acts for the controller
-- again. Documents are compact JSON objects, so the field is appended as serde writes it.
UPDATE register_entries
SET body = substr(body, 1, length(body) - 1) || ',"standing":{"status":"proposed"}}'
WHERE kind = 'processing_agreement' AND body NOT LIKE '%"standing":%';
