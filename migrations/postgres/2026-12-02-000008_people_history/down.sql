DROP INDEX hr_sync_requests_created;
DROP TABLE person_changes;
