-- Requests by people to exercise their rights (UK GDPR Chapter III, Art 7(3), DPA 2018
-- s.164A): who the request is about, which right, when and how it was received, who logged it,
-- and the statutory dates computed from them (Art 12(3) due date; s.164A acknowledgement of a
-- complaint). The relevant-time columns besides received_at (identity confirmed, clarification
-- received, fee paid) come with the steps that set them.
CREATE TABLE rights_requests (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    right_kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    nation TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    due_on DATE NOT NULL,
    acknowledge_by DATE,
    status TEXT NOT NULL,
    logged_by_id TEXT REFERENCES people (id),
    logged_by_account TEXT,
    logged_at TIMESTAMP NOT NULL
);
-- The DPO's work queue: by due date, then id.
CREATE INDEX rights_requests_queue ON rights_requests (org_id, due_on, id);
CREATE INDEX rights_requests_person ON rights_requests (org_id, person_id, id);
CREATE INDEX rights_requests_logged_by_account ON rights_requests (logged_by_account) WHERE logged_by_account IS NOT NULL;
