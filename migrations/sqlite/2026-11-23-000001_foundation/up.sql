-- Organisations are the tenants; every other row hangs from one.
CREATE TABLE organisations (
    id TEXT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- One sequence per organisation and ticket kind: references are never reused.
CREATE TABLE ticket_sequences (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    last_number BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, kind)
);

CREATE TABLE tickets (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    reference TEXT NOT NULL,
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    requester TEXT NOT NULL,
    raised_by TEXT NOT NULL,
    assigned_team TEXT,
    assigned_agent TEXT,
    contains_special_category BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    closed_at TIMESTAMP,
    UNIQUE (org_id, reference)
);
-- Keyset pages run newest first by id (UUID v7) within an organisation, optionally per party.
CREATE INDEX tickets_org_id ON tickets (org_id, id);
CREATE INDEX tickets_org_requester ON tickets (org_id, requester, id);
CREATE INDEX tickets_org_raised_by ON tickets (org_id, raised_by, id);
CREATE INDEX tickets_org_status ON tickets (org_id, status, id);

CREATE TABLE ticket_comments (
    id TEXT PRIMARY KEY NOT NULL,
    ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    author TEXT NOT NULL,
    visibility TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX ticket_comments_ticket ON ticket_comments (ticket_id, id);
