-- Every change to a person, as the register keeps its entries' history: the record before and
-- after (JSON), who changed it and when. Keyed by the version the change made, so a person's
-- history reads newest first by its primary key. It holds personal data as the record does,
-- and goes with the record on erasure.
CREATE TABLE person_changes (
    person_id TEXT COLLATE "C" NOT NULL REFERENCES people (id),
    version BIGINT NOT NULL,
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations (id),
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    before_body TEXT,
    after_body TEXT NOT NULL,
    PRIMARY KEY (person_id, version)
);

-- Keyed HR sync answers expire: the sweep finds them by age.
CREATE INDEX hr_sync_requests_created ON hr_sync_requests (created_at);
