DROP TABLE audit_checkpoints;
DROP TABLE audit_events;
DROP TABLE audit_chains;
DROP TABLE audit_signing_keys;
DROP TABLE audit_pseudonym_keys;
DROP FUNCTION audit_refuse_change();
