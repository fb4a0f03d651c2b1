DROP TABLE restrictions;
DROP TABLE recipient_notices;
DROP TABLE rectifications;
ALTER TABLE person_changes DROP COLUMN request_id;
