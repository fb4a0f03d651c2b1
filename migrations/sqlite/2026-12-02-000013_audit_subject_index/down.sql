CREATE INDEX audit_events_org_id ON audit_events (org_id, id);
CREATE INDEX audit_events_org_subject ON audit_events (org_id, subject, id);
DROP TRIGGER audit_subject_postings_no_delete;
DROP TRIGGER audit_subject_postings_no_update;
DROP TABLE audit_subject_postings;
DROP TABLE audit_subject_marks;
