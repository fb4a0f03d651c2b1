-- Subject access walks every column naming a person (persistence::subject_access). Each gets
-- an index leading with the organisation (or, for a table reached through its parent, with
-- the column itself) and ending with the row's key, so a person's rows are found in key order
-- without reading anyone else's. Party columns are mostly empty: the indexes are partial.
DROP INDEX ticket_comments_author;
CREATE INDEX ticket_comments_author_id ON ticket_comments (author_id, id) WHERE author_id IS NOT NULL;
DROP INDEX ticket_comments_author_account;
CREATE INDEX ticket_comments_author_account ON ticket_comments (author_account, id) WHERE author_account IS NOT NULL;
CREATE INDEX tickets_org_assigned_agent_id ON tickets (org_id, assigned_agent_id, id) WHERE assigned_agent_id IS NOT NULL;
DROP INDEX tickets_assigned_agent_account;
CREATE INDEX tickets_org_assigned_agent_account ON tickets (org_id, assigned_agent_account, id) WHERE assigned_agent_account IS NOT NULL;
CREATE INDEX accounts_org_approved_by ON accounts (org_id, approved_by, id) WHERE approved_by IS NOT NULL;
CREATE INDEX account_changes_actor_id ON account_changes (actor_id, id) WHERE actor_id IS NOT NULL;
DROP INDEX account_changes_actor_account;
CREATE INDEX account_changes_actor_account ON account_changes (actor_account, id) WHERE actor_account IS NOT NULL;
CREATE INDEX asset_assignments_org_requested_by ON asset_assignments (org_id, requested_by, id) WHERE requested_by IS NOT NULL;
CREATE INDEX asset_assignments_org_approved_by ON asset_assignments (org_id, approved_by, id) WHERE approved_by IS NOT NULL;
CREATE INDEX assignment_changes_actor_id ON assignment_changes (actor_id, id) WHERE actor_id IS NOT NULL;
CREATE INDEX directory_profiles_org_manager ON directory_profiles (org_id, manager_id, person_id) WHERE manager_id IS NOT NULL;
CREATE INDEX disclosure_versions_actor_id ON disclosure_versions (actor_id, id) WHERE actor_id IS NOT NULL;
DROP INDEX disclosures_recorded_by_account;
CREATE INDEX disclosures_recorded_by_account ON disclosures (org_id, recorded_by_account, id) WHERE recorded_by_account IS NOT NULL;
CREATE INDEX disclosures_org_recorded_by_id ON disclosures (org_id, recorded_by_id, id) WHERE recorded_by_id IS NOT NULL;
CREATE INDEX duty_grants_org_granted_by_id ON duty_grants (org_id, granted_by_id, id) WHERE granted_by_id IS NOT NULL;
CREATE INDEX duty_grants_org_subject_id ON duty_grants (org_id, subject_id, id) WHERE subject_id IS NOT NULL;
CREATE INDEX person_changes_org_actor_id ON person_changes (org_id, actor_id, person_id, version) WHERE actor_id IS NOT NULL;
DROP INDEX privacy_notices_published_by_account;
CREATE INDEX privacy_notices_published_by_account ON privacy_notices (org_id, published_by_account, version) WHERE published_by_account IS NOT NULL;
CREATE INDEX privacy_notices_org_published_by_id ON privacy_notices (org_id, published_by_id, version) WHERE published_by_id IS NOT NULL;
CREATE INDEX register_changes_org_actor_id ON register_changes (org_id, actor_id, id) WHERE actor_id IS NOT NULL;
CREATE INDEX rights_requests_org_logged_by_id ON rights_requests (org_id, logged_by_id, id) WHERE logged_by_id IS NOT NULL;
CREATE INDEX survey_answers_org_respondent ON survey_answers (org_id, respondent, id);
CREATE INDEX rights_request_steps_actor_id ON rights_request_steps (actor_id, id) WHERE actor_id IS NOT NULL;
CREATE INDEX rectifications_org_rectified_by_id ON rectifications (org_id, rectified_by_id, id) WHERE rectified_by_id IS NOT NULL;
CREATE INDEX recipient_notices_org_notified_by_id ON recipient_notices (org_id, notified_by_id, id) WHERE notified_by_id IS NOT NULL;
CREATE INDEX restrictions_org_placed_by_id ON restrictions (org_id, placed_by_id, id) WHERE placed_by_id IS NOT NULL;
CREATE INDEX restrictions_org_lifted_by_id ON restrictions (org_id, lifted_by_id, id) WHERE lifted_by_id IS NOT NULL;
