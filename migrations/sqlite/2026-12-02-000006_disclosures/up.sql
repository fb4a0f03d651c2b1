-- The disclosures log (Art 19, 30(1)(d), 15(1)(c)), and the grants that let agents keep it.

-- Duties the DPO grants agents by token subject, one table for every kind: reading
-- adjustments (until now alone in adjustment_readers, moved here unchanged) and recording
-- disclosures.
CREATE TABLE duty_grants (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    duty TEXT NOT NULL,
    subject TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, duty, subject)
);
INSERT INTO duty_grants (org_id, duty, subject, granted_by, granted_at)
SELECT org_id, 'adjustments', subject, granted_by, granted_at FROM adjustment_readers;
DROP TABLE adjustment_readers;

-- What was disclosed about whom, to which recipient of the register, when and why. The
-- current version of each record; earlier ones are in disclosure_versions.
CREATE TABLE disclosures (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    -- A recipient entry of the organisation's register (register_entries keeps its history).
    recipient_id TEXT NOT NULL,
    disclosed_at TIMESTAMP NOT NULL,
    basis TEXT NOT NULL,
    explanation TEXT,
    -- The register's data category ids disclosed, as a JSON array.
    data_categories TEXT NOT NULL,
    description TEXT NOT NULL,
    reference TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX disclosures_org ON disclosures (org_id, id);
CREATE INDEX disclosures_person ON disclosures (org_id, person_id, id);
CREATE INDEX disclosures_recipient ON disclosures (org_id, recipient_id, id);

-- Every version of every record, as written: the first as recorded, each later one as the DPO
-- corrected it and why. A correction never loses what the record said before.
CREATE TABLE disclosure_versions (
    id TEXT PRIMARY KEY NOT NULL,
    disclosure_id TEXT NOT NULL REFERENCES disclosures (id),
    version BIGINT NOT NULL,
    -- The record's facts at this version, as JSON.
    facts TEXT NOT NULL,
    actor TEXT NOT NULL,
    -- Why it was corrected; null for the version first recorded.
    reason TEXT,
    at TIMESTAMP NOT NULL,
    UNIQUE (disclosure_id, version)
);
