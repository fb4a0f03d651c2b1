-- Code before acceptance ignores the field; the proposals it marked go back to unmarked.
UPDATE register_entries
SET body = replace(body, ',"standing":{"status":"proposed"}}', '}')
WHERE kind = 'processing_agreement';
