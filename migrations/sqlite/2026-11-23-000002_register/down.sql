DROP TABLE privacy_notices;
DROP TABLE register_changes;
DROP TABLE register_entries;
ALTER TABLE organisations DROP COLUMN register_version;
