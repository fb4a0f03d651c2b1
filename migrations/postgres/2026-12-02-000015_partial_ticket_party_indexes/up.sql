-- A ticket names its requester and its raiser either by person or by account, so each of these
-- columns is empty on many rows. Indexed whole, the empty rows made one huge key that the
-- planner's statistics averaged in (SQLite's stat1 put half a million rows behind each person
-- in a database of a million tickets), and a lookup by person could be planned as a scan.
-- Partial indexes hold only the rows that name someone; `column = value` still uses them.
DROP INDEX tickets_org_requester_id;
CREATE INDEX tickets_org_requester_id ON tickets (org_id, requester_id, id) WHERE requester_id IS NOT NULL;
DROP INDEX tickets_org_requester_account;
CREATE INDEX tickets_org_requester_account ON tickets (org_id, requester_account, id) WHERE requester_account IS NOT NULL;
DROP INDEX tickets_org_raised_by_id;
CREATE INDEX tickets_org_raised_by_id ON tickets (org_id, raised_by_id, id) WHERE raised_by_id IS NOT NULL;
DROP INDEX tickets_org_raised_by_account;
CREATE INDEX tickets_org_raised_by_account ON tickets (org_id, raised_by_account, id) WHERE raised_by_account IS NOT NULL;
