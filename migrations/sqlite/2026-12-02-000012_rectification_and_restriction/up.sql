-- Rectification (Art 16) with its notices to recipients (Art 19), and restriction (Art 18)
-- placed by an objection (Art 21(1), 18(1)(d)).

-- A change to a person record made to answer a rights request (an Art 16 correction) names it.
ALTER TABLE person_changes ADD COLUMN request_id TEXT REFERENCES rights_requests (id);

-- Each rectification applied for a request: the fields of the person record corrected (a JSON
-- array of their names; the values are in the record and its history), the record's version the
-- correction made, and the supplementary statement that completes the data, if any.
CREATE TABLE rectifications (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    request_id TEXT NOT NULL REFERENCES rights_requests (id),
    corrected TEXT NOT NULL,
    person_version BIGINT,
    supplementary_statement TEXT,
    rectified_at TIMESTAMP NOT NULL,
    rectified_by_id TEXT REFERENCES people (id),
    rectified_by_account TEXT,
    CHECK ((rectified_by_id IS NULL) <> (rectified_by_account IS NULL))
);
CREATE INDEX rectifications_person ON rectifications (org_id, person_id, id);
CREATE INDEX rectifications_request ON rectifications (request_id);
CREATE INDEX rectifications_rectified_by_account ON rectifications (org_id, rectified_by_account) WHERE rectified_by_account IS NOT NULL;

-- What each recipient of a person's data was told of its rectification, erasure or restriction
-- (Art 19): what was done and to what (a JSON array of field names or purpose ids), the words
-- of the notice, when and for which request. Never the data itself.
CREATE TABLE recipient_notices (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    -- A recipient entry of the organisation's register, as the disclosures log names it.
    recipient_id TEXT NOT NULL,
    action TEXT NOT NULL,
    request_id TEXT REFERENCES rights_requests (id),
    items TEXT NOT NULL,
    notice TEXT NOT NULL,
    notified_at TIMESTAMP NOT NULL,
    notified_by_id TEXT REFERENCES people (id),
    notified_by_account TEXT,
    CHECK ((notified_by_id IS NULL) <> (notified_by_account IS NULL))
);
CREATE INDEX recipient_notices_person ON recipient_notices (org_id, person_id, id);
CREATE INDEX recipient_notices_request ON recipient_notices (request_id);
CREATE INDEX recipient_notices_notified_by_account ON recipient_notices (org_id, notified_by_account) WHERE notified_by_account IS NOT NULL;

-- Restrictions of processing (Art 18): whose, on which ground, for which request, the purposes
-- restricted (a JSON array, as they stood when it was placed), who placed it and when, and who
-- lifted it, when, why and what the person was told first (Art 18(3)).
CREATE TABLE restrictions (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    ground TEXT NOT NULL,
    request_id TEXT NOT NULL REFERENCES rights_requests (id),
    purposes TEXT NOT NULL,
    placed_at TIMESTAMP NOT NULL,
    placed_by_id TEXT REFERENCES people (id),
    placed_by_account TEXT,
    lifted_at TIMESTAMP,
    lifted_by_id TEXT REFERENCES people (id),
    lifted_by_account TEXT,
    lift_reason TEXT,
    lifting_notice TEXT,
    CHECK ((placed_by_id IS NULL) <> (placed_by_account IS NULL)),
    CHECK (lifted_by_id IS NULL OR lifted_by_account IS NULL),
    CHECK ((lifted_at IS NULL) = (lifting_notice IS NULL))
);
CREATE INDEX restrictions_person ON restrictions (org_id, person_id, id);
CREATE UNIQUE INDEX restrictions_request ON restrictions (request_id);
CREATE INDEX restrictions_placed_by_account ON restrictions (org_id, placed_by_account) WHERE placed_by_account IS NOT NULL;
CREATE INDEX restrictions_lifted_by_account ON restrictions (org_id, lifted_by_account) WHERE lifted_by_account IS NOT NULL;
