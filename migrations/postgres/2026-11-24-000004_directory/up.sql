-- What an identity system provisions over SCIM 2.0 about a person, beside the desk's record:
-- the name they sign in with, the enterprise extension's number, department and manager, and
-- whether the directory has them enabled. A deleted User keeps its row, marked deprovisioned:
-- the person stays on the desk's record until retention says otherwise.
CREATE TABLE directory_profiles (
    person_id TEXT COLLATE "C" PRIMARY KEY NOT NULL REFERENCES people (id),
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations (id),
    user_name TEXT NOT NULL,
    -- userName lower-cased: SCIM compares it without regard to case (RFC 7643 s.4.1.1).
    user_name_key TEXT NOT NULL,
    employee_number TEXT,
    department TEXT,
    manager_id TEXT COLLATE "C" REFERENCES people (id),
    active BOOLEAN NOT NULL,
    deprovisioned_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX directory_profiles_user_name ON directory_profiles (org_id, user_name_key)
    WHERE deprovisioned_at IS NULL;
CREATE INDEX directory_profiles_org ON directory_profiles (org_id, created_at, person_id);
