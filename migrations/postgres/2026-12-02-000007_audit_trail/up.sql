-- The audit trail: every change to personal data and every read of it, per organisation,
-- hash-chained, naming people only by keyed pseudonyms.

-- The pseudonym key of each organisation, apart from the events: destroying a row
-- crypto-shreds the link between the trail and the people it names.
CREATE TABLE audit_pseudonym_keys (
    org_id TEXT PRIMARY KEY NOT NULL REFERENCES organisations (id),
    secret BYTEA NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- The Ed25519 key each organisation signs checkpoints with; the public half is given to
-- auditors.
CREATE TABLE audit_signing_keys (
    org_id TEXT PRIMARY KEY NOT NULL REFERENCES organisations (id),
    private_key BYTEA NOT NULL,
    public_key BYTEA NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- The last link of each organisation's chain. Appending updates it, which queues concurrent
-- appenders of the same organisation behind one another.
CREATE TABLE audit_chains (
    org_id TEXT PRIMARY KEY NOT NULL REFERENCES organisations (id),
    last_seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);

CREATE TABLE audit_events (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    seq BIGINT NOT NULL,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    operation TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id TEXT,
    subject TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (org_id, seq)
);
-- Keyset pages run newest first by id (UUID v7) within an organisation, optionally per person.
CREATE INDEX audit_events_org_id ON audit_events (org_id, id);
CREATE INDEX audit_events_org_subject ON audit_events (org_id, subject, id);
CREATE INDEX audit_events_org_actor ON audit_events (org_id, actor, id);

CREATE TABLE audit_checkpoints (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    signature TEXT NOT NULL,
    PRIMARY KEY (org_id, seq)
);

-- Append-only: the database itself refuses to change or remove an event or a checkpoint,
-- row by row or by TRUNCATE.
CREATE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
