-- The people whose data the desk holds, and what the desk does for them: accounts, assets and
-- licences, satisfaction surveys on consent.

CREATE TABLE people (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    -- The HR or identity system's key; tokens name people by it (`sub`).
    external_id TEXT,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    address TEXT,
    date_of_birth DATE,
    clearance TEXT NOT NULL,
    starts_on DATE,
    leaves_on DATE,
    status TEXT NOT NULL,
    -- The effective date of the last HR event applied: an older one never overwrites it.
    hr_effective_date DATE,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (org_id, external_id)
);
CREATE INDEX people_org ON people (org_id, id);
CREATE INDEX people_org_status ON people (org_id, status, id);

-- Health and disability details apart from the person (Art 5(1)(c), 9): never in a list.
CREATE TABLE person_adjustments (
    person_id TEXT PRIMARY KEY NOT NULL REFERENCES people (id),
    org_id TEXT NOT NULL REFERENCES organisations (id),
    reasonable_adjustments TEXT NOT NULL,
    condition TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);

-- Agents granted a need to read adjustments, by token subject.
CREATE TABLE adjustment_readers (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    subject TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, subject)
);

CREATE TABLE accounts (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    kind TEXT NOT NULL,
    system TEXT NOT NULL,
    identifier TEXT NOT NULL,
    status TEXT NOT NULL,
    approved_by TEXT,
    granted_at TIMESTAMP,
    removed_at TIMESTAMP,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (org_id, system, identifier)
);
CREATE INDEX accounts_org ON accounts (org_id, id);
CREATE INDEX accounts_person ON accounts (person_id, id);

-- Every change of an account's status, with the ticket that asked for it.
CREATE TABLE account_changes (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    ticket_id TEXT REFERENCES tickets (id),
    at TIMESTAMP NOT NULL
);
CREATE INDEX account_changes_account ON account_changes (account_id, id);

CREATE TABLE assets (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    tag TEXT NOT NULL,
    serial TEXT,
    model TEXT,
    seats BIGINT,
    -- Assignments approved or issued: guarded by one UPDATE so seats are never exceeded.
    active_assignments BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (org_id, tag)
);
CREATE INDEX assets_org ON assets (org_id, id);

CREATE TABLE asset_assignments (
    id TEXT PRIMARY KEY NOT NULL,
    asset_id TEXT NOT NULL REFERENCES assets (id),
    org_id TEXT NOT NULL REFERENCES organisations (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    requested_by TEXT NOT NULL,
    status TEXT NOT NULL,
    approved_by TEXT,
    requested_at TIMESTAMP NOT NULL,
    approved_at TIMESTAMP,
    issued_at TIMESTAMP,
    ended_at TIMESTAMP,
    version BIGINT NOT NULL
);
CREATE INDEX asset_assignments_asset ON asset_assignments (asset_id, id);
CREATE INDEX asset_assignments_person ON asset_assignments (person_id, id);

CREATE TABLE assignment_changes (
    id TEXT PRIMARY KEY NOT NULL,
    assignment_id TEXT NOT NULL REFERENCES asset_assignments (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX assignment_changes_assignment ON assignment_changes (assignment_id, id);

-- HR sync answers by Idempotency-Key: a replay gets the first answer.
CREATE TABLE hr_sync_requests (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code BIGINT NOT NULL,
    response TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, idempotency_key)
);

CREATE TABLE consents (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    purpose_id TEXT NOT NULL,
    notice_version BIGINT,
    given_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP
);
CREATE INDEX consents_person ON consents (org_id, person_id, id);

CREATE TABLE survey_answers (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    ticket_id TEXT NOT NULL UNIQUE REFERENCES tickets (id),
    respondent TEXT NOT NULL REFERENCES people (id),
    consent_id TEXT NOT NULL REFERENCES consents (id),
    team TEXT,
    rating BIGINT,
    comment TEXT,
    answered_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP
);
CREATE INDEX survey_answers_org ON survey_answers (org_id, answered_at);
