-- The erasure ledger: one row for every erasure of a person (Art 17), whether answering a request
-- or a retention sweep. It holds no personal data: the person's id points at the anonymised
-- stand-in the erasure left, the scope names record kinds, the report counts rows per table.
-- A restore replays it, so a person erased after a backup was taken is erased again.
-- No foreign keys: a ledger carried over a restore may name a person the backup never had.
CREATE TABLE erasure_ledger (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    -- A JSON array of the holdings erased, or null for everything.
    scope TEXT,
    -- request, sweep or replay, and the id of what caused it.
    cause TEXT NOT NULL,
    cause_id TEXT NOT NULL,
    -- What was deleted, anonymised and kept, per table (JSON).
    report TEXT NOT NULL,
    erased_at TIMESTAMP NOT NULL,
    -- When the erased values were also removed from the database's free space and logs.
    scrubbed_at TIMESTAMP
);
CREATE INDEX erasure_ledger_person ON erasure_ledger (org_id, person_id, id);
CREATE INDEX erasure_ledger_cause ON erasure_ledger (cause_id);
CREATE INDEX erasure_ledger_unscrubbed ON erasure_ledger (erased_at) WHERE scrubbed_at IS NULL;
