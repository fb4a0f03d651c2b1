DROP TABLE disclosure_versions;
DROP TABLE disclosures;

CREATE TABLE adjustment_readers (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    subject TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, subject)
);
INSERT INTO adjustment_readers (org_id, subject, granted_by, granted_at)
SELECT org_id, subject, granted_by, granted_at FROM duty_grants WHERE duty = 'adjustments';
DROP TABLE duty_grants;
