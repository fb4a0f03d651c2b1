-- Art 18(2) exceptions to a restriction of processing, as the DPO records them: on which ground
-- (consent, legal claims, another's rights, important public interest), the one kind of
-- processing each lets through, why (a note), until when (none: until the restriction is
-- lifted), who recorded it and when.
CREATE TABLE restriction_exceptions (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    restriction_id TEXT NOT NULL REFERENCES restrictions (id),
    ground TEXT NOT NULL,
    allows TEXT NOT NULL,
    note TEXT NOT NULL,
    ends_at TIMESTAMP,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by_id TEXT REFERENCES people (id),
    recorded_by_account TEXT,
    CHECK ((recorded_by_id IS NULL) <> (recorded_by_account IS NULL))
);
CREATE INDEX restriction_exceptions_restriction ON restriction_exceptions (restriction_id, id);
-- Subject access finds the exceptions a person or an account recorded (reached through the
-- restriction, so by the column itself).
CREATE INDEX restriction_exceptions_recorded_by_id ON restriction_exceptions (recorded_by_id, id) WHERE recorded_by_id IS NOT NULL;
CREATE INDEX restriction_exceptions_recorded_by_account ON restriction_exceptions (recorded_by_account, id) WHERE recorded_by_account IS NOT NULL;
-- The restrictions in force of a person, as every write about them asks.
CREATE INDEX restrictions_in_force ON restrictions (org_id, person_id) WHERE lifted_at IS NULL;
