//! `retention-load`: `count` leavers in an organisation already loaded (`servicedesk
//! seed-demo`), each left and recorded three years ago, so every one is due under a policy
//! counted from leaving (the Cabinet Office's, erase) or from creation (Derby's, review).
//! Seeded with one `INSERT ... SELECT` over a generated series; ids are UUID-shaped and sort by
//! their number. Prints nothing; `servicedesk retention sweep` is then timed.

use std::time::Instant;

use diesel::connection::SimpleConnection;
use domain::organisation::OrgSlug;
use persistence::Backend;

use crate::args::Args;

fn people_sql(backend: Backend, org: &str, count: usize) -> String {
    let (series, from, id, external) = match backend {
        Backend::Sqlite => (
            format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) "
            ),
            "n".to_owned(),
            "printf('00000000-0000-7000-9000-%012d', i)",
            "printf('leaver-%07d', i)",
        ),
        Backend::Postgres => (
            String::new(),
            format!("generate_series(1, {count}) AS n(i)"),
            "'00000000-0000-7000-9000-' || lpad(i::text, 12, '0')",
            "'leaver-' || lpad(i::text, 7, '0')",
        ),
    };
    let (left, at) = match backend {
        Backend::Sqlite => ("'2023-06-30'", "'2023-06-30 09:00:00'"),
        Backend::Postgres => ("DATE '2023-06-30'", "TIMESTAMP '2023-06-30 09:00:00'"),
    };
    format!(
        "{series}INSERT INTO people (id, org_id, kind, external_id, given_name, family_name, \
         email, phone, address, date_of_birth, clearance, starts_on, leaves_on, status, \
         hr_effective_date, version, created_at, updated_at) \
         SELECT {id}, '{org}', 'staff', {external}, 'Synthetic', 'Leaver', \
         {external} || '@example.invalid', NULL, NULL, NULL, 'none', NULL, {left}, 'leaver', \
         NULL, 1, {at}, {at} FROM {from}"
    )
}

pub fn run_load(args: &Args) -> Result<(), String> {
    let count: usize = args.number("count", 1_000_000)?;
    let url = args.text("database-url")?;
    let slug = OrgSlug::parse(args.text_or("org", "cabinet-office")).map_err(|e| e.to_string())?;
    let db = persistence::Db::connect(url, persistence::PoolSizes::default())
        .map_err(|e| e.to_string())?;
    let backend = db.backend();
    let mut conn = db.write().map_err(|e| e.to_string())?;
    let org = persistence::organisations::find_by_slug(&mut conn, &slug)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no organisation {slug}: run servicedesk seed-demo first"))?;
    let started = Instant::now();
    conn.batch_execute(&format!(
        "BEGIN; {}; COMMIT;",
        people_sql(backend, &org.to_string(), count)
    ))
    .map_err(|e| e.to_string())?;
    if backend == Backend::Sqlite {
        conn.batch_execute("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE)")
            .map_err(|e| e.to_string())?;
    } else {
        conn.batch_execute("ANALYZE").map_err(|e| e.to_string())?;
    }
    eprintln!(
        "loaded {count} leavers into {slug} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
