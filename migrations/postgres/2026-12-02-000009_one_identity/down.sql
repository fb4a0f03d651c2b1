-- Back to naming people by token subject: a person by their external_id (their id as text when
-- they have none), an account as it is.

CREATE TABLE duty_grants_old (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations (id),
    duty TEXT NOT NULL,
    subject TEXT COLLATE "C" NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, duty, subject)
);
INSERT INTO duty_grants_old (org_id, duty, subject, granted_by, granted_at)
SELECT g.org_id, g.duty,
    COALESCE(g.subject_account, (SELECT COALESCE(p.external_id, p.id) FROM people p WHERE p.id = g.subject_id)),
    COALESCE(g.granted_by_account, (SELECT COALESCE(p.external_id, p.id) FROM people p WHERE p.id = g.granted_by_id)),
    g.granted_at
FROM duty_grants g;
DROP TABLE duty_grants;
ALTER TABLE duty_grants_old RENAME TO duty_grants;

ALTER TABLE assignment_changes ADD COLUMN actor TEXT COLLATE "C";
UPDATE assignment_changes SET actor = COALESCE(actor_account, (SELECT COALESCE(p.external_id, p.id) FROM people p WHERE p.id = assignment_changes.actor_id));
ALTER TABLE assignment_changes ALTER COLUMN actor SET NOT NULL;
ALTER TABLE assignment_changes DROP COLUMN actor_account;
ALTER TABLE assignment_changes DROP COLUMN actor_id;

ALTER TABLE account_changes ADD COLUMN actor TEXT COLLATE "C";
UPDATE account_changes SET actor = COALESCE(actor_account, (SELECT COALESCE(p.external_id, p.id) FROM people p WHERE p.id = account_changes.actor_id));
ALTER TABLE account_changes ALTER COLUMN actor SET NOT NULL;
ALTER TABLE account_changes DROP COLUMN actor_account;
ALTER TABLE account_changes DROP COLUMN actor_id;

ALTER TABLE disclosure_versions ADD COLUMN actor TEXT COLLATE "C";
UPDATE disclosure_versions SET actor = COALESCE(actor_account, (SELECT COALESCE(p.external_id, p.id) FROM people p WHERE p.id = disclosure_versions.actor_id));
ALTER TABLE disclosure_versions ALTER COLUMN actor SET NOT NULL;
ALTER TABLE disclosure_versions DROP COLUMN actor_account;
ALTER TABLE disclosure_versions DROP COLUMN actor_id;

ALTER TABLE disclosures ADD COLUMN recorded_by TEXT COLLATE "C";
UPDATE disclosures SET recorded_by = COALESCE(recorded_by_account, (SELECT COALESCE(p.external_id, p.id) FROM people p WHERE p.id = disclosures.recorded_by_id));
ALTER TABLE disclosures ALTER COLUMN recorded_by SET NOT NULL;
ALTER TABLE disclosures DROP COLUMN recorded_by_account;
ALTER TABLE disclosures DROP COLUMN recorded_by_id;

ALTER TABLE person_changes ADD COLUMN actor TEXT COLLATE "C";
UPDATE person_changes SET actor = COALESCE(actor_account, (SELECT COALESCE(p.external_id, p.id) FROM people p WHERE p.id = person_changes.actor_id));
ALTER TABLE person_changes ALTER COLUMN actor SET NOT NULL;
ALTER TABLE person_changes DROP COLUMN actor_account;
ALTER TABLE person_changes DROP COLUMN actor_id;

ALTER TABLE privacy_notices ADD COLUMN published_by TEXT COLLATE "C";
UPDATE privacy_notices SET published_by = COALESCE(published_by_account, (SELECT COALESCE(p.external_id, p.id) FROM people p WHERE p.id = privacy_notices.published_by_id));
ALTER TABLE privacy_notices ALTER COLUMN published_by SET NOT NULL;
ALTER TABLE privacy_notices DROP COLUMN published_by_account;
ALTER TABLE privacy_notices DROP COLUMN published_by_id;

ALTER TABLE register_changes ADD COLUMN actor TEXT COLLATE "C";
UPDATE register_changes SET actor = COALESCE(actor_account, (SELECT COALESCE(p.external_id, p.id) FROM people p WHERE p.id = register_changes.actor_id));
ALTER TABLE register_changes ALTER COLUMN actor SET NOT NULL;
ALTER TABLE register_changes DROP COLUMN actor_account;
ALTER TABLE register_changes DROP COLUMN actor_id;

ALTER TABLE ticket_comments ADD COLUMN author TEXT COLLATE "C";
UPDATE ticket_comments SET author = COALESCE(author_account, (SELECT COALESCE(p.external_id, p.id) FROM people p WHERE p.id = ticket_comments.author_id));
ALTER TABLE ticket_comments ALTER COLUMN author SET NOT NULL;
ALTER TABLE ticket_comments DROP COLUMN author_account;
ALTER TABLE ticket_comments DROP COLUMN author_id;

ALTER TABLE tickets ADD COLUMN assigned_agent TEXT COLLATE "C";
UPDATE tickets SET assigned_agent = COALESCE(assigned_agent_account, (SELECT COALESCE(p.external_id, p.id) FROM people p WHERE p.id = tickets.assigned_agent_id));
ALTER TABLE tickets DROP COLUMN assigned_agent_account;
ALTER TABLE tickets DROP COLUMN assigned_agent_id;

ALTER TABLE tickets ADD COLUMN raised_by TEXT COLLATE "C";
UPDATE tickets SET raised_by = COALESCE(raised_by_account, (SELECT COALESCE(p.external_id, p.id) FROM people p WHERE p.id = tickets.raised_by_id));
ALTER TABLE tickets ALTER COLUMN raised_by SET NOT NULL;
ALTER TABLE tickets DROP COLUMN raised_by_account;
ALTER TABLE tickets DROP COLUMN raised_by_id;

ALTER TABLE tickets ADD COLUMN requester TEXT COLLATE "C";
UPDATE tickets SET requester = COALESCE(requester_account, (SELECT COALESCE(p.external_id, p.id) FROM people p WHERE p.id = tickets.requester_id));
ALTER TABLE tickets ALTER COLUMN requester SET NOT NULL;
ALTER TABLE tickets DROP COLUMN requester_account;
ALTER TABLE tickets DROP COLUMN requester_id;

CREATE INDEX tickets_org_requester ON tickets (org_id, requester, id);
CREATE INDEX tickets_org_raised_by ON tickets (org_id, raised_by, id);
