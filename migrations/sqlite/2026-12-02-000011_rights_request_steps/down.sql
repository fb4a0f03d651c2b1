ALTER TABLE rights_requests DROP COLUMN extended_due_on;
DROP TABLE rights_request_steps;
-- Requests answered or waiting are open again in the schema before steps.
UPDATE rights_requests SET status = 'open' WHERE status <> 'open';
