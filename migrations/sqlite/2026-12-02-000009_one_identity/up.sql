-- One identity for a person. Every column that named someone by a token subject (or, for
-- some HR tickets, by a person's id written as text) becomes a pair: `<name>_id`, the person
-- (a people row), or `<name>_account`, the token subject of an account with no person record
-- (a desk user not on the HR feed, a processor's user `subject@processor`, a system). Exactly
-- one of a pair is set (both unset where no one is named). Existing rows are resolved in the
-- organisation the name belongs to: a person whose external_id is the subject, else the
-- account as it was.

DROP INDEX tickets_org_requester;
DROP INDEX tickets_org_raised_by;

ALTER TABLE tickets ADD COLUMN requester_id TEXT REFERENCES people (id);
ALTER TABLE tickets ADD COLUMN requester_account TEXT;
UPDATE tickets SET requester_id = (SELECT p.id FROM people p WHERE p.org_id = tickets.org_id AND p.external_id = tickets.requester);
UPDATE tickets SET requester_id = (SELECT p.id FROM people p WHERE p.org_id = tickets.org_id AND p.id = tickets.requester) WHERE requester_id IS NULL;
UPDATE tickets SET requester_account = requester WHERE requester_id IS NULL;
ALTER TABLE tickets DROP COLUMN requester;

ALTER TABLE tickets ADD COLUMN raised_by_id TEXT REFERENCES people (id);
ALTER TABLE tickets ADD COLUMN raised_by_account TEXT;
UPDATE tickets SET raised_by_id = (SELECT p.id FROM people p WHERE p.org_id = tickets.org_id AND p.external_id = tickets.raised_by);
UPDATE tickets SET raised_by_account = raised_by WHERE raised_by_id IS NULL;
ALTER TABLE tickets DROP COLUMN raised_by;

ALTER TABLE tickets ADD COLUMN assigned_agent_id TEXT REFERENCES people (id);
ALTER TABLE tickets ADD COLUMN assigned_agent_account TEXT;
UPDATE tickets SET assigned_agent_id = (SELECT p.id FROM people p WHERE p.org_id = tickets.org_id AND p.external_id = tickets.assigned_agent);
UPDATE tickets SET assigned_agent_account = assigned_agent WHERE assigned_agent_id IS NULL;
ALTER TABLE tickets DROP COLUMN assigned_agent;

ALTER TABLE ticket_comments ADD COLUMN author_id TEXT REFERENCES people (id);
ALTER TABLE ticket_comments ADD COLUMN author_account TEXT;
UPDATE ticket_comments SET author_id = (SELECT p.id FROM people p WHERE p.org_id = (SELECT t.org_id FROM tickets t WHERE t.id = ticket_comments.ticket_id) AND p.external_id = ticket_comments.author);
UPDATE ticket_comments SET author_account = author WHERE author_id IS NULL;
ALTER TABLE ticket_comments DROP COLUMN author;

ALTER TABLE register_changes ADD COLUMN actor_id TEXT REFERENCES people (id);
ALTER TABLE register_changes ADD COLUMN actor_account TEXT;
UPDATE register_changes SET actor_id = (SELECT p.id FROM people p WHERE p.org_id = register_changes.actor_org_id AND p.external_id = register_changes.actor);
UPDATE register_changes SET actor_account = actor WHERE actor_id IS NULL;
ALTER TABLE register_changes DROP COLUMN actor;

ALTER TABLE privacy_notices ADD COLUMN published_by_id TEXT REFERENCES people (id);
ALTER TABLE privacy_notices ADD COLUMN published_by_account TEXT;
UPDATE privacy_notices SET published_by_id = (SELECT p.id FROM people p WHERE p.org_id = privacy_notices.org_id AND p.external_id = privacy_notices.published_by);
UPDATE privacy_notices SET published_by_account = published_by WHERE published_by_id IS NULL;
ALTER TABLE privacy_notices DROP COLUMN published_by;

ALTER TABLE person_changes ADD COLUMN actor_id TEXT REFERENCES people (id);
ALTER TABLE person_changes ADD COLUMN actor_account TEXT;
UPDATE person_changes SET actor_id = (SELECT p.id FROM people p WHERE p.org_id = person_changes.org_id AND p.external_id = person_changes.actor);
UPDATE person_changes SET actor_account = actor WHERE actor_id IS NULL;
ALTER TABLE person_changes DROP COLUMN actor;

ALTER TABLE disclosures ADD COLUMN recorded_by_id TEXT REFERENCES people (id);
ALTER TABLE disclosures ADD COLUMN recorded_by_account TEXT;
UPDATE disclosures SET recorded_by_id = (SELECT p.id FROM people p WHERE p.org_id = disclosures.org_id AND p.external_id = disclosures.recorded_by);
UPDATE disclosures SET recorded_by_account = recorded_by WHERE recorded_by_id IS NULL;
ALTER TABLE disclosures DROP COLUMN recorded_by;

ALTER TABLE disclosure_versions ADD COLUMN actor_id TEXT REFERENCES people (id);
ALTER TABLE disclosure_versions ADD COLUMN actor_account TEXT;
UPDATE disclosure_versions SET actor_id = (SELECT p.id FROM people p WHERE p.org_id = (SELECT d.org_id FROM disclosures d WHERE d.id = disclosure_versions.disclosure_id) AND p.external_id = disclosure_versions.actor);
UPDATE disclosure_versions SET actor_account = actor WHERE actor_id IS NULL;
ALTER TABLE disclosure_versions DROP COLUMN actor;

ALTER TABLE account_changes ADD COLUMN actor_id TEXT REFERENCES people (id);
ALTER TABLE account_changes ADD COLUMN actor_account TEXT;
UPDATE account_changes SET actor_id = (SELECT p.id FROM people p WHERE p.org_id = (SELECT a.org_id FROM accounts a WHERE a.id = account_changes.account_id) AND p.external_id = account_changes.actor);
UPDATE account_changes SET actor_account = actor WHERE actor_id IS NULL;
ALTER TABLE account_changes DROP COLUMN actor;

ALTER TABLE assignment_changes ADD COLUMN actor_id TEXT REFERENCES people (id);
ALTER TABLE assignment_changes ADD COLUMN actor_account TEXT;
UPDATE assignment_changes SET actor_id = (SELECT p.id FROM people p WHERE p.org_id = (SELECT a.org_id FROM asset_assignments a WHERE a.id = assignment_changes.assignment_id) AND p.external_id = assignment_changes.actor);
UPDATE assignment_changes SET actor_account = actor WHERE actor_id IS NULL;
ALTER TABLE assignment_changes DROP COLUMN actor;

CREATE INDEX tickets_org_requester_id ON tickets (org_id, requester_id, id);
CREATE INDEX tickets_org_requester_account ON tickets (org_id, requester_account, id);
CREATE INDEX tickets_org_raised_by_id ON tickets (org_id, raised_by_id, id);
CREATE INDEX tickets_org_raised_by_account ON tickets (org_id, raised_by_account, id);
CREATE INDEX ticket_comments_author ON ticket_comments (author_id);

-- Where a person record takes an account as its external_id, the account's rows are found by it.
CREATE INDEX tickets_assigned_agent_account ON tickets (org_id, assigned_agent_account) WHERE assigned_agent_account IS NOT NULL;
CREATE INDEX ticket_comments_author_account ON ticket_comments (author_account) WHERE author_account IS NOT NULL;
CREATE INDEX register_changes_actor_account ON register_changes (org_id, actor_account) WHERE actor_account IS NOT NULL;
CREATE INDEX privacy_notices_published_by_account ON privacy_notices (org_id, published_by_account) WHERE published_by_account IS NOT NULL;
CREATE INDEX person_changes_actor_account ON person_changes (org_id, actor_account) WHERE actor_account IS NOT NULL;
CREATE INDEX disclosures_recorded_by_account ON disclosures (org_id, recorded_by_account) WHERE recorded_by_account IS NOT NULL;
CREATE INDEX disclosure_versions_actor_account ON disclosure_versions (actor_account) WHERE actor_account IS NOT NULL;
CREATE INDEX account_changes_actor_account ON account_changes (actor_account) WHERE actor_account IS NOT NULL;
CREATE INDEX assignment_changes_actor_account ON assignment_changes (actor_account) WHERE actor_account IS NOT NULL;

-- Grants name their grantee as a pair too; the pair is unique per duty. A row id lets an
-- erased account be replaced by a value unique to its grant.
CREATE TABLE duty_grants_new (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    duty TEXT NOT NULL,
    subject_id TEXT REFERENCES people (id),
    subject_account TEXT,
    granted_by_id TEXT REFERENCES people (id),
    granted_by_account TEXT,
    granted_at TIMESTAMP NOT NULL
);
INSERT INTO duty_grants_new (id, org_id, duty, subject_id, subject_account, granted_by_id, granted_by_account, granted_at)
SELECT lower(hex(randomblob(16))), g.org_id, g.duty,
    (SELECT p.id FROM people p WHERE p.org_id = g.org_id AND p.external_id = g.subject),
    CASE WHEN EXISTS (SELECT 1 FROM people p WHERE p.org_id = g.org_id AND p.external_id = g.subject) THEN NULL ELSE g.subject END,
    (SELECT p.id FROM people p WHERE p.org_id = g.org_id AND p.external_id = g.granted_by),
    CASE WHEN EXISTS (SELECT 1 FROM people p WHERE p.org_id = g.org_id AND p.external_id = g.granted_by) THEN NULL ELSE g.granted_by END,
    g.granted_at
FROM duty_grants g;
DROP TABLE duty_grants;
ALTER TABLE duty_grants_new RENAME TO duty_grants;
CREATE UNIQUE INDEX duty_grants_grantee ON duty_grants (org_id, duty, COALESCE(subject_id, ''), COALESCE(subject_account, ''));
CREATE INDEX duty_grants_subject_account ON duty_grants (org_id, subject_account) WHERE subject_account IS NOT NULL;
CREATE INDEX duty_grants_granted_by_account ON duty_grants (org_id, granted_by_account) WHERE granted_by_account IS NOT NULL;
