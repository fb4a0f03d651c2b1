-- Retention sweeps (Art 5(1)(e)): runs of an organisation's retention policies over the people
-- whose data has come due, what each did, and the lease that lets one run at a time.

-- One run over the organisation's policies: running until completed or failed; who started it.
CREATE TABLE retention_sweeps (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    status TEXT NOT NULL,
    started_by_id TEXT REFERENCES people (id),
    started_by_account TEXT,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    failure TEXT,
    CHECK ((started_by_id IS NULL) <> (started_by_account IS NULL))
);
CREATE INDEX retention_sweeps_org ON retention_sweeps (org_id, id);
CREATE INDEX retention_sweeps_running ON retention_sweeps (status) WHERE status = 'running';
CREATE INDEX retention_sweeps_started_by_id ON retention_sweeps (org_id, started_by_id, id) WHERE started_by_id IS NOT NULL;
CREATE INDEX retention_sweeps_started_by_account ON retention_sweeps (org_id, started_by_account, id) WHERE started_by_account IS NOT NULL;

-- Each policy a sweep applies, as the register stated it when the sweep began (the purposes and
-- holdings it reaches, as JSON arrays), how far the sweep has gone through the people in id
-- order, and how many it acted on and found blocked. Moved on in the transaction of each
-- person's action, so a sweep cut short resumes after the last person done.
CREATE TABLE retention_sweep_policies (
    sweep_id TEXT NOT NULL REFERENCES retention_sweeps (id),
    org_id TEXT NOT NULL REFERENCES organisations (id),
    policy_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    trigger_event TEXT NOT NULL,
    period TEXT NOT NULL,
    action TEXT NOT NULL,
    purposes TEXT NOT NULL,
    holdings TEXT NOT NULL,
    last_person_id TEXT,
    finished BOOLEAN NOT NULL DEFAULT FALSE,
    acted BIGINT NOT NULL DEFAULT 0,
    blocked BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (sweep_id, policy_id)
);
CREATE INDEX retention_sweep_policies_cursor ON retention_sweep_policies (org_id, last_person_id, sweep_id, policy_id) WHERE last_person_id IS NOT NULL;

-- The people a sweep found due but could not act on, and what blocks it (a JSON array of legal
-- holds and open rights requests, by id).
CREATE TABLE retention_sweep_blocked (
    sweep_id TEXT NOT NULL REFERENCES retention_sweeps (id),
    org_id TEXT NOT NULL REFERENCES organisations (id),
    policy_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES people (id),
    blockers TEXT NOT NULL,
    PRIMARY KEY (sweep_id, policy_id, person_id)
);
CREATE INDEX retention_sweep_blocked_person ON retention_sweep_blocked (org_id, person_id, sweep_id, policy_id);

-- What each policy did to each person: once, so a person acted on under a policy is not due
-- under it again (erased, anonymised, or a review raised with the ticket that asks for it).
CREATE TABLE retention_actions (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    policy_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES people (id),
    sweep_id TEXT NOT NULL REFERENCES retention_sweeps (id),
    action TEXT NOT NULL,
    ticket_id TEXT REFERENCES tickets (id),
    acted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, policy_id, person_id)
);
CREATE INDEX retention_actions_person ON retention_actions (org_id, person_id, policy_id);

-- One sweep at a time for each organisation, whichever server runs it: the holder of a lease
-- that has not expired. Renewed while the sweep runs; a crashed holder's lease expires and is
-- taken over.
CREATE TABLE retention_sweep_leases (
    org_id TEXT PRIMARY KEY NOT NULL REFERENCES organisations (id),
    sweep_id TEXT NOT NULL,
    holder TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
