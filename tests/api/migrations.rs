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
