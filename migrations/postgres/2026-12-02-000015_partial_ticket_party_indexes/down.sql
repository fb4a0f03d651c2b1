DROP INDEX tickets_org_requester_id;
CREATE INDEX tickets_org_requester_id ON tickets (org_id, requester_id, id);
DROP INDEX tickets_org_requester_account;
CREATE INDEX tickets_org_requester_account ON tickets (org_id, requester_account, id);
DROP INDEX tickets_org_raised_by_id;
CREATE INDEX tickets_org_raised_by_id ON tickets (org_id, raised_by_id, id);
DROP INDEX tickets_org_raised_by_account;
CREATE INDEX tickets_org_raised_by_account ON tickets (org_id, raised_by_account, id);
