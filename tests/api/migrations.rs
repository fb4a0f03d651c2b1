//! Migrations run forwards, back and forwards again on a fresh database of either backend.

use crate::helpers::TestDb;

#[tokio::test]
async fn migrations_apply_revert_and_apply_again() {
    tokio::task::spawn_blocking(|| {
        let test_db = TestDb::create();
        let db = test_db.connect();
        let applied = persistence::run_migrations(&db).expect("migrations apply");
        assert!(applied >= 1, "a fresh database has migrations to run");
        assert_eq!(
            persistence::run_migrations(&db).expect("a second run is a no-op"),
            0
        );
        let reverted = persistence::revert_all_migrations(&db).expect("migrations revert");
        assert_eq!(reverted, applied, "every applied migration reverts");
        let again = persistence::run_migrations(&db).expect("migrations apply again");
        assert_eq!(again, applied);
        db.ping().expect("the database answers");
    })
    .await
    .expect("the migration round trip does not panic");
}

/// Rows as the schema before migration 000009 held them: people named by token subject, and an
/// HR ticket naming a person without an external id by their id as text.
const BEFORE_ONE_IDENTITY: &str = "
INSERT INTO organisations (id, slug, name, created_at, register_version) VALUES
 ('00000000-0000-7000-8000-00000000000a', 'org-a', 'A', '2026-12-01 09:00:00', 0),
 ('00000000-0000-7000-8000-00000000000b', 'org-b', 'B', '2026-12-01 09:00:00', 0);
INSERT INTO people (id, org_id, kind, external_id, given_name, family_name, clearance, status,
 version, created_at, updated_at) VALUES
 ('00000000-0000-7000-8000-0000000000a1', '00000000-0000-7000-8000-00000000000a', 'staff',
  'alice', 'Alice', 'A', 'none', 'active', 1, '2026-12-01 09:00:00', '2026-12-01 09:00:00'),
 ('00000000-0000-7000-8000-0000000000a2', '00000000-0000-7000-8000-00000000000a', 'staff',
  NULL, 'Quinn', 'Q', 'none', 'active', 1, '2026-12-01 09:00:00', '2026-12-01 09:00:00'),
 ('00000000-0000-7000-8000-0000000000b1', '00000000-0000-7000-8000-00000000000b', 'staff',
  'alice', 'Another', 'Alice', 'none', 'active', 1, '2026-12-01 09:00:00', '2026-12-01 09:00:00');
INSERT INTO tickets (id, org_id, reference, kind, category, status, priority, title, description,
 requester, raised_by, assigned_team, assigned_agent, contains_special_category, version,
 created_at, updated_at) VALUES
 ('00000000-0000-7000-8000-0000000000f1', '00000000-0000-7000-8000-00000000000a', 'INC-000001',
  'incident', 'it_system', 'new', 'medium', 'VPN', '', 'alice', 'alice', NULL, 'agent-9', false,
  1, '2026-12-01 09:00:00', '2026-12-01 09:00:00'),
 ('00000000-0000-7000-8000-0000000000f2', '00000000-0000-7000-8000-00000000000a', 'REQ-000001',
  'service_request', 'account_request', 'new', 'medium', 'Joiner', '',
  '00000000-0000-7000-8000-0000000000a2', 'hr-system', NULL, NULL, false,
  1, '2026-12-01 09:00:00', '2026-12-01 09:00:00'),
 ('00000000-0000-7000-8000-0000000000f3', '00000000-0000-7000-8000-00000000000b', 'INC-000001',
  'incident', 'it_system', 'new', 'medium', 'Printer', '', 'alice', 'bob@org-a', NULL, NULL,
  false, 1, '2026-12-01 09:00:00', '2026-12-01 09:00:00');
INSERT INTO ticket_comments (id, ticket_id, author, visibility, body, created_at) VALUES
 ('00000000-0000-7000-8000-0000000000c1', '00000000-0000-7000-8000-0000000000f1', 'alice',
  'public', 'Still down', '2026-12-01 09:05:00'),
 ('00000000-0000-7000-8000-0000000000c2', '00000000-0000-7000-8000-0000000000f1', 'agent-9',
  'internal', 'Looking', '2026-12-01 09:06:00');
INSERT INTO duty_grants (org_id, duty, subject, granted_by, granted_at) VALUES
 ('00000000-0000-7000-8000-00000000000a', 'adjustments', 'alice', 'dpo-1', '2026-12-01 09:00:00'),
 ('00000000-0000-7000-8000-00000000000a', 'adjustments', 'agent-9', 'dpo-1', '2026-12-01 09:00:00');
INSERT INTO person_changes (person_id, version, org_id, action, actor, at, before_body,
 after_body) VALUES
 ('00000000-0000-7000-8000-0000000000a2', 1, '00000000-0000-7000-8000-00000000000a', 'created',
  'hr-system', '2026-12-01 09:00:00', NULL, '{}');
";

#[tokio::test]
async fn one_identity_resolves_what_the_schema_before_it_held() {
    use diesel::connection::SimpleConnection;
    use domain::grants::Duty;
    use domain::page::PageLimit;
    use domain::party::Party;

    tokio::task::spawn_blocking(|| {
        let test_db = TestDb::create();
        let db = test_db.connect();
        persistence::run_migrations_through(&db, "2026-12-02-000008").expect("up to 000008");
        db.write()
            .expect("a connection")
            .batch_execute(BEFORE_ONE_IDENTITY)
            .expect("rows as the schema before held them");
        assert_eq!(
            persistence::run_migrations_through(&db, "2026-12-02-000009")
                .expect("the migration under test applies"),
            1,
            "000009 is the migration under test"
        );

        let id = |n: &str| format!("00000000-0000-7000-8000-{n:0>12}");
        let person = |n: &str| Party::Person(id(n).parse().expect("an id"));
        let account = |a: &str| Party::Account(a.to_owned());
        let (org_a, org_b) = (id("a").parse().expect("org"), id("b").parse().expect("org"));
        let mut conn = db.write().expect("a connection");

        let t1 = persistence::tickets::get(&mut conn, org_a, id("f1").parse().expect("id"))
            .expect("the ticket reads");
        assert_eq!(
            t1.requester,
            person("a1"),
            "a subject held by a person is that person"
        );
        assert_eq!(t1.raised_by, person("a1"));
        assert_eq!(
            t1.assigned_agent,
            Some(account("agent-9")),
            "no person holds it"
        );

        let t2 = persistence::tickets::get(&mut conn, org_a, id("f2").parse().expect("id"))
            .expect("the HR ticket reads");
        assert_eq!(t2.requester, person("a2"), "a person id written as text");
        assert_eq!(t2.raised_by, account("hr-system"));

        let t3 = persistence::tickets::get(&mut conn, org_b, id("f3").parse().expect("id"))
            .expect("the other organisation's ticket reads");
        assert_eq!(
            t3.requester,
            person("b1"),
            "resolved in the row's own organisation"
        );
        assert_eq!(t3.raised_by, account("bob@org-a"));

        let limit = PageLimit::default();
        let (comments, _) = persistence::tickets::list_comments(
            &mut conn,
            id("f1").parse().expect("id"),
            true,
            limit,
            None,
        )
        .expect("comments read");
        let authors: Vec<Party> = comments.into_iter().map(|c| c.author).collect();
        assert_eq!(authors, [person("a1"), account("agent-9")]);

        for (grantee, granted) in [(person("a1"), true), (account("agent-9"), true)] {
            assert_eq!(
                persistence::grants::is_granted(&mut conn, org_a, Duty::Adjustments, &grantee)
                    .expect("grants read"),
                granted
            );
        }
        assert!(
            !persistence::grants::is_granted(
                &mut conn,
                org_a,
                Duty::Adjustments,
                &account("alice")
            )
            .expect("grants read"),
            "the grant moved to the person"
        );
    })
    .await
    .expect("the migration test does not panic");
}
