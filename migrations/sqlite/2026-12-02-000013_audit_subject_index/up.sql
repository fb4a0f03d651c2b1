-- Finding a person's audit events without an index on audit_events (org_id, subject): that
-- index took one random page write per event, which cost audited reads most of their speed.
-- Instead, an indexer files the events of each organisation's chain in passes, sorted by
-- subject, a few subjects per transaction, so each subject's new postings land on one page.
-- A search reads the postings up to `indexed_seq` and scans the events after it.
--
-- A pass in progress covers the events after `indexed_seq` up to `pass_upto`; every subject up
-- to and including `pass_done_through` has its postings for them.
CREATE TABLE audit_subject_marks (
    org_id TEXT PRIMARY KEY NOT NULL REFERENCES organisations (id),
    indexed_seq BIGINT NOT NULL,
    pass_upto BIGINT,
    pass_done_through TEXT
);

CREATE TABLE audit_subject_postings (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    subject TEXT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (org_id, subject, seq)
) WITHOUT ROWID;

CREATE TRIGGER audit_subject_postings_no_update BEFORE UPDATE ON audit_subject_postings
BEGIN
    SELECT RAISE(ABORT, 'audit subject postings are append-only');
END;
CREATE TRIGGER audit_subject_postings_no_delete BEFORE DELETE ON audit_subject_postings
BEGIN
    SELECT RAISE(ABORT, 'audit subject postings are append-only');
END;

-- Everything already in the trail is filed now.
INSERT INTO audit_subject_postings (org_id, subject, seq)
    SELECT org_id, subject, seq FROM audit_events WHERE subject IS NOT NULL
    ORDER BY org_id, subject, seq;
INSERT INTO audit_subject_marks (org_id, indexed_seq)
    SELECT org_id, last_seq FROM audit_chains;

DROP INDEX audit_events_org_subject;
-- Pages run by the chain's own order, (org_id, seq), which the UNIQUE constraint indexes.
DROP INDEX audit_events_org_id;
