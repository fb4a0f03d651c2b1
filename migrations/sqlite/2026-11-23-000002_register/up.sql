-- Bumped by every register write: the row lock it takes serialises an organisation's register
-- changes, so each is checked against the register as the previous one left it.
ALTER TABLE organisations ADD COLUMN register_version BIGINT NOT NULL DEFAULT 0;

-- The register as it stands: one row an entry, its body the domain document (JSON). A register
-- is read and checked whole (dozens of entries), never queried by field.
CREATE TABLE register_entries (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    -- The other organisation an entry binds: the processor of a processing agreement.
    party_org_id TEXT REFERENCES organisations (id),
    body TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX register_entries_org ON register_entries (org_id, kind, id);
CREATE INDEX register_entries_party ON register_entries (party_org_id, kind, id);

-- Every change to a register, never updated or deleted: who, when, before and after. The
-- register at any past moment is the last change of each entry made by then.
CREATE TABLE register_changes (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    party_org_id TEXT REFERENCES organisations (id),
    version BIGINT NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_org_id TEXT NOT NULL REFERENCES organisations (id),
    at TIMESTAMP NOT NULL,
    before_body TEXT,
    after_body TEXT,
    UNIQUE (entry_id, version)
);
CREATE INDEX register_changes_org ON register_changes (org_id, at, id);
CREATE INDEX register_changes_party ON register_changes (party_org_id, at, id);

-- Published privacy notices: immutable snapshots generated from the register.
CREATE TABLE privacy_notices (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    version BIGINT NOT NULL,
    effective_date DATE NOT NULL,
    published_at TIMESTAMP NOT NULL,
    published_by TEXT NOT NULL,
    content TEXT NOT NULL,
    changes TEXT NOT NULL,
    PRIMARY KEY (org_id, version)
);
