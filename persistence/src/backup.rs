//! Backups of the whole database, and restores that cannot bring an erased person back.
//!
//! A backup is a consistent copy taken while the server runs: SQLite's `VACUUM INTO` (which
//! writes no free pages, so no erased value survives in the copy) marked with this
//! application's id, or `pg_dump` in its custom format. Each kind of file says by its first
//! bytes which backend it is for, so a restore refuses the wrong one before it touches
//! anything.
//!
//! A restore replaces the database's contents with the backup's, brings the schema up to date
//! and then hands it to the caller, who replays the erasure ledger ([`live_ledger`], read before
//! the database was replaced, and [`read_ledger`] exports): an erasure recorded
//! after the backup was taken is carried out again before the restore returns.
//!
//! SQLite is restored on a copy beside the database, migrated and replayed there, and only then
//! renamed into place: the database is the old one or the restored and replayed one, never
//! anything between. PostgreSQL is restored in one transaction (`psql` reading `pg_restore`'s
//! script between a `BEGIN` and a `COMMIT`), so a file that fails half-way leaves the database
//! as it was.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use chrono::{DateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::{Connection, RunQueryDsl, SqliteConnection};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::connection::{AnyConnection, Backend, sqlite_path};
use crate::erasure::{self, Erased};
use crate::error::StoreError;
use crate::migrations::run_migrations;
use crate::pool::{Db, PoolSizes};

/// What a SQLite backup carries in its header's application id: "SDsk".
const APPLICATION_ID: i32 = 0x5344_736B;
/// The first bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
/// The first bytes of a `pg_dump` custom-format archive.
const PG_DUMP_MAGIC: &[u8] = b"PGDMP";
/// The table every servicedesk database has: diesel's record of applied migrations.
const MIGRATIONS_TABLE: &str = "__diesel_schema_migrations";

#[derive(Debug, Error)]
pub enum BackupError {
    #[error("{}: no such file", .0.display())]
    Missing(PathBuf),
    #[error("{}: already exists; choose a new file for the backup", .0.display())]
    Exists(PathBuf),
    #[error("{}: not a servicedesk backup ({reason})", .path.display())]
    NotABackup { path: PathBuf, reason: String },
    #[error(
        "{}: a backup of a {} database cannot be restored into a {} database",
        .path.display(), .file.as_str(), .database.as_str()
    )]
    WrongBackend {
        path: PathBuf,
        file: Backend,
        database: Backend,
    },
    #[error("{}: not an erasure ledger export ({reason})", .path.display())]
    NotALedger { path: PathBuf, reason: String },
    #[error("the database is in use ({0}); stop every server using it first")]
    InUse(String),
    #[error("no database at {}", .0.display())]
    NoDatabase(PathBuf),
    /// A PostgreSQL client program is missing or failed.
    #[error("{0}")]
    Tool(String),
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    /// PostgreSQL took the backup's contents but the erasures were not replayed.
    #[error(
        "the backup was restored but its erasures could not be replayed ({source}); do not \
         serve the database: run the restore again with --ledger {}",
        .ledger.display()
    )]
    Unfinished {
        ledger: PathBuf,
        #[source]
        source: StoreError,
    },
}

impl From<diesel::result::Error> for BackupError {
    fn from(error: diesel::result::Error) -> Self {
        BackupError::Store(error.into())
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Which backend the backup at `path` is for, from its first bytes.
pub fn backend_of_file(path: &Path) -> Result<Backend, BackupError> {
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(BackupError::Missing(path.to_owned()));
        }
        Err(e) => return Err(io(path)(e)),
    };
    let mut header = [0_u8; 100];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]).map_err(io(path))? {
            0 => break,
            n => read += n,
        }
    }
    let header = &header[..read];
    let not_ours = |reason: &str| BackupError::NotABackup {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    if header.starts_with(PG_DUMP_MAGIC) {
        Ok(Backend::Postgres)
    } else if header.starts_with(SQLITE_MAGIC) {
        let id = header
            .get(68..72)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map(i32::from_be_bytes)
            .ok_or_else(|| not_ours("a SQLite header cut short"))?;
        if id == APPLICATION_ID {
            Ok(Backend::Sqlite)
        } else {
            Err(not_ours(
                "a SQLite file that `servicedesk backup` did not write",
            ))
        }
    } else {
        Err(not_ours(
            "neither a SQLite backup nor a pg_dump custom-format archive",
        ))
    }
}

/// A path beside `path` with `suffix` added to its name.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(suffix);
    path.with_file_name(name)
}

// ---------------------------------------------------------------------------------------------
// Backup

/// Writes a consistent copy of the database at `url` to `file`, while servers go on using it.
/// The copy is written beside `file` and renamed into place when complete, so `file` is never
/// half a backup.
pub fn backup(url: &str, file: &Path) -> Result<(), BackupError> {
    if file.exists() {
        return Err(BackupError::Exists(file.to_owned()));
    }
    let partial = beside(file, ".partial");
    let _ = std::fs::remove_file(&partial);
    let written = match Backend::of_url(url) {
        Backend::Sqlite => backup_sqlite(url, &partial),
        Backend::Postgres => backup_postgres(url, &partial),
    };
    match written {
        Ok(()) => std::fs::rename(&partial, file).map_err(io(file)),
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

fn backup_sqlite(url: &str, to: &Path) -> Result<(), BackupError> {
    let live = Path::new(sqlite_path(url));
    if !live.is_file() {
        return Err(BackupError::NoDatabase(live.to_owned()));
    }
    let mut conn = open_sqlite(live)?;
    // One read transaction: a consistent snapshot, writers carry on (WAL).
    diesel::sql_query("VACUUM INTO ?")
        .bind::<diesel::sql_types::Text, _>(to.to_string_lossy())
        .execute(&mut conn)?;
    drop(conn);
    let mut copy = open_sqlite(to)?;
    copy.batch_execute(&format!("PRAGMA application_id = {APPLICATION_ID};"))?;
    Ok(())
}

fn open_sqlite(path: &Path) -> Result<SqliteConnection, BackupError> {
    let mut conn = SqliteConnection::establish(&path.to_string_lossy()).map_err(|e| {
        BackupError::Store(StoreError::Unavailable(format!(
            "cannot open {}: {e}",
            path.display()
        )))
    })?;
    conn.batch_execute("PRAGMA busy_timeout = 5000;")?;
    Ok(conn)
}

fn backup_postgres(url: &str, to: &Path) -> Result<(), BackupError> {
    let target = PgTarget::parse(url);
    let output = target
        .command(&postgres_tool("pg_dump")?)
        .args(["--format=custom", "--no-password", "--file"])
        .arg(to)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| BackupError::Tool(format!("pg_dump did not run: {e}")))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(BackupError::Tool(format!(
            "pg_dump failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )))
    }
}

// ---------------------------------------------------------------------------------------------
// Restore

/// How a restore went.
#[derive(Debug)]
pub struct Restored<T> {
    pub backend: Backend,
    /// Migrations the backup's schema lacked, applied after it was restored.
    pub migrations: usize,
    /// What `finish` answered.
    pub finished: T,
}

/// Replaces the contents of the database at `url` with the backup in `file`. Refuses, leaving
/// the database as it was, when the file is missing, is not a servicedesk backup, is for the
/// other backend, or is damaged, and when another connection (a server) uses the database.
///
/// The live database's erasure ledger is read before it is replaced (none when there is no live
/// database yet); `finish` gets the restored database, migrated, and that ledger, and must
/// replay it. On SQLite this happens before the restored database takes the live one's place.
/// On PostgreSQL it follows the restore's commit; the live ledger is first written to
/// `FILE.live-ledger.json` beside the backup and removed once `finish` succeeds, so a restore
/// that stops between the two can be run again with `--ledger` that file.
pub fn restore<T>(
    url: &str,
    file: &Path,
    finish: impl FnOnce(&Db, Vec<Erased>) -> Result<T, StoreError>,
) -> Result<Restored<T>, BackupError> {
    let database = Backend::of_url(url);
    let backend = backend_of_file(file)?;
    if backend != database {
        return Err(BackupError::WrongBackend {
            path: file.to_owned(),
            file: backend,
            database,
        });
    }
    let (migrations, finished) = match backend {
        Backend::Sqlite => restore_sqlite(url, file, finish)?,
        Backend::Postgres => restore_postgres(url, file, finish)?,
    };
    Ok(Restored {
        backend,
        migrations,
        finished,
    })
}

/// How long a restore waits for older transactions to end before it scrubs.
const RESTORE_SNAPSHOT_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// Migrates the restored database and hands it to `finish`.
fn migrate_and_finish<T>(
    url: &str,
    carried: Vec<Erased>,
    finish: impl FnOnce(&Db, Vec<Erased>) -> Result<T, StoreError>,
) -> Result<(usize, T), StoreError> {
    let db = Db::connect(url, PoolSizes { read: 1 })?;
    let migrations = run_migrations(&db)?;
    let finished = finish(&db, carried)?;
    if erasure::scrub(&db, Utc::now(), RESTORE_SNAPSHOT_WAIT)? == 0
        && erasure::unscrubbed(&mut *db.read()?)? > 0
    {
        tracing::warn!(
            "other sessions kept snapshots open past the restore: the replayed erasures are \
             scrubbed by the next server's scrubber once they end"
        );
    }
    Ok((migrations, finished))
}

fn restore_sqlite<T>(
    url: &str,
    file: &Path,
    finish: impl FnOnce(&Db, Vec<Erased>) -> Result<T, StoreError>,
) -> Result<(usize, T), BackupError> {
    let live = PathBuf::from(sqlite_path(url));
    // Held to the end: no server can open the live database while it is being replaced.
    let mut lock = if live.exists() {
        Some(lock_sqlite(&live)?)
    } else {
        None
    };
    let carried = match lock.as_mut() {
        Some(conn) => live_ledger(conn)?,
        None => Vec::new(),
    };

    let staged = beside(&live, ".restoring");
    remove_sqlite_files(&staged)?;
    let outcome = stage_sqlite(file, &staged).and_then(|()| {
        let staged_url = staged.to_string_lossy().into_owned();
        let done = migrate_and_finish(&staged_url, carried, finish)?;
        settle_sqlite(&staged)?;
        Ok(done)
    });
    let done = match outcome {
        Ok(done) => done,
        Err(e) => {
            let _ = remove_sqlite_files(&staged);
            return Err(e);
        }
    };
    // Closing the last connection checkpoints the live database's WAL into it and removes the
    // WAL; what is left of it is the old database's and goes with it.
    drop(lock);
    for stale in ["-wal", "-shm", "-journal"] {
        remove_if_present(&beside(&live, stale))?;
    }
    std::fs::rename(&staged, &live).map_err(io(&live))?;
    Ok(done)
}

/// A connection holding the live SQLite database exclusively, or `InUse` when another holds it
/// open (a server's pool keeps its connections open while it runs).
fn lock_sqlite(live: &Path) -> Result<AnyConnection, BackupError> {
    let mut conn = SqliteConnection::establish(&live.to_string_lossy()).map_err(|e| {
        BackupError::Store(StoreError::Unavailable(format!(
            "cannot open {}: {e}",
            live.display()
        )))
    })?;
    conn.batch_execute(
        "PRAGMA busy_timeout = 0; PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;",
    )
    .map_err(|_| BackupError::InUse(format!("{} is open in another process", live.display())))?;
    conn.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA wal_checkpoint(TRUNCATE);")?;
    Ok(AnyConnection::Sqlite(conn))
}

/// Copies the backup to `staged` and checks it is whole and a servicedesk database.
fn stage_sqlite(file: &Path, staged: &Path) -> Result<(), BackupError> {
    std::fs::copy(file, staged).map_err(io(file))?;
    let damaged = |reason: String| BackupError::NotABackup {
        path: file.to_owned(),
        reason,
    };
    let mut conn = open_sqlite(staged)?;
    #[derive(diesel::QueryableByName)]
    struct Check {
        #[diesel(sql_type = diesel::sql_types::Text)]
        quick_check: String,
    }
    let checks: Vec<Check> = diesel::sql_query("PRAGMA quick_check")
        .load(&mut conn)
        .map_err(|_| damaged("the file is damaged".into()))?;
    if checks.iter().any(|c| c.quick_check != "ok") || checks.is_empty() {
        return Err(damaged("the file is damaged".into()));
    }
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let tables: Count = diesel::sql_query(
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?",
    )
    .bind::<diesel::sql_types::Text, _>(MIGRATIONS_TABLE)
    .get_result(&mut conn)?;
    if tables.n == 0 {
        return Err(damaged("it has no servicedesk schema".into()));
    }
    Ok(())
}

/// Folds the staged database's WAL into it and leaves WAL mode (a server switches it back), so
/// the one file is the whole database. The pool that migrated it closes its connections on its
/// own threads: this waits a little for them.
fn settle_sqlite(staged: &Path) -> Result<(), BackupError> {
    #[derive(diesel::QueryableByName)]
    struct Mode {
        #[diesel(sql_type = diesel::sql_types::Text)]
        journal_mode: String,
    }
    for _ in 0..100 {
        let mut conn = open_sqlite(staged)?;
        let mode: Result<Mode, _> =
            diesel::sql_query("PRAGMA journal_mode = DELETE").get_result(&mut conn);
        drop(conn);
        if mode.is_ok_and(|m| m.journal_mode == "delete") && !beside(staged, "-wal").exists() {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Err(BackupError::InUse(format!(
        "{} is still open",
        staged.display()
    )))
}

fn remove_if_present(path: &Path) -> Result<(), BackupError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(path)(e)),
        _ => Ok(()),
    }
}

fn remove_sqlite_files(db: &Path) -> Result<(), BackupError> {
    remove_if_present(db)?;
    for extra in ["-wal", "-shm", "-journal"] {
        remove_if_present(&beside(db, extra))?;
    }
    Ok(())
}

fn restore_postgres<T>(
    url: &str,
    file: &Path,
    finish: impl FnOnce(&Db, Vec<Erased>) -> Result<T, StoreError>,
) -> Result<(usize, T), BackupError> {
    let target = PgTarget::parse(url);
    let pg_restore = postgres_tool("pg_restore")?;
    let psql = postgres_tool("psql")?;
    check_archive(&pg_restore, file)?;

    let mut conn = crate::connection::establish(url)
        .map_err(|e| StoreError::Unavailable(format!("cannot open the database: {e}")))?;
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let others: Count = diesel::sql_query(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() \
         AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
    )
    .get_result(&mut conn)?;
    if others.n > 0 {
        return Err(BackupError::InUse(format!(
            "{} other connection(s) to the database",
            others.n
        )));
    }
    let carried = live_ledger(&mut conn)?;
    drop(conn);
    let carried_file = beside(file, ".live-ledger.json");
    write_ledger(&carried_file, &carried, Utc::now())?;

    // The archive as SQL, fed to psql between BEGIN and COMMIT: COMMIT is written only once
    // pg_restore has written all of it, so a failure anywhere rolls everything back.
    let mut script = Command::new(&pg_restore)
        .args(["--no-owner", "--no-privileges", "--file", "-"])
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| BackupError::Tool(format!("pg_restore did not run: {e}")))?;
    let mut apply = target
        .command(&psql)
        .args([
            "--no-psqlrc",
            "--quiet",
            "--no-password",
            "--set",
            "ON_ERROR_STOP=1",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        // psql's errors may quote the rows it was given: never passed on.
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| BackupError::Tool(format!("psql did not run: {e}")))?;
    let fed = (|| -> std::io::Result<bool> {
        let (Some(from), Some(to)) = (script.stdout.as_mut(), apply.stdin.as_mut()) else {
            return Ok(false);
        };
        to.write_all(b"BEGIN;\nDROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n")?;
        std::io::copy(from, to)?;
        let whole = script.wait()?.success();
        if whole {
            to.write_all(b"\nCOMMIT;\n")?;
        }
        Ok(whole)
    })();
    // Closing psql's input ends its session: without a COMMIT, PostgreSQL rolls back.
    drop(apply.stdin.take());
    let _ = script.wait();
    let applied = apply.wait().map(|status| status.success());
    match (fed, applied) {
        (Ok(true), Ok(true)) => {}
        _ => {
            let _ = std::fs::remove_file(&carried_file);
            return Err(BackupError::NotABackup {
                path: file.to_owned(),
                reason: "it could not be restored whole (damaged or cut short); the \
                         database is unchanged"
                    .into(),
            });
        }
    }
    let done = migrate_and_finish(url, carried, finish).map_err(|e| BackupError::Unfinished {
        ledger: carried_file.clone(),
        source: e,
    })?;
    remove_if_present(&carried_file)?;
    Ok(done)
}

/// Checks the archive's table of contents, and that it is a servicedesk database's.
fn check_archive(pg_restore: &Path, file: &Path) -> Result<(), BackupError> {
    let output = Command::new(pg_restore)
        .arg("--list")
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| BackupError::Tool(format!("pg_restore did not run: {e}")))?;
    let damaged = |reason: String| BackupError::NotABackup {
        path: file.to_owned(),
        reason,
    };
    if !output.status.success() {
        return Err(damaged(format!(
            "pg_restore cannot read it: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    let listing = String::from_utf8_lossy(&output.stdout);
    if !listing
        .lines()
        .any(|line| line.contains(&format!(" TABLE public {MIGRATIONS_TABLE} ")))
    {
        return Err(damaged("it has no servicedesk schema".into()));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The erasure ledger, outside the database

/// What a ledger export says it is.
const LEDGER_FORMAT: &str = "servicedesk-erasure-ledger";
const LEDGER_VERSION: u32 = 1;

/// The erasure ledger as `servicedesk erasure-ledger export` writes it: ids, scopes, causes,
/// counts and times, no personal data. Kept beside the backups, it lets a restore replay the
/// erasures of a live database that was lost.
#[derive(Debug, Serialize, Deserialize)]
pub struct LedgerFile {
    pub format: String,
    pub version: u32,
    pub exported_at: DateTime<Utc>,
    pub entries: Vec<Erased>,
}

/// The ledger of the database `conn` is open on: empty when its schema predates the ledger.
pub fn live_ledger(conn: &mut AnyConnection) -> Result<Vec<Erased>, StoreError> {
    let has_ledger = crate::catalogue::live_columns(conn)?
        .iter()
        .any(|(table, _)| table == "erasure_ledger");
    if has_ledger {
        erasure::ledger(conn)
    } else {
        Ok(Vec::new())
    }
}

/// Writes the ledger of the database `conn` is open on to `file` (replacing it, complete or
/// not at all); returns how many entries it holds.
pub fn export_ledger(
    conn: &mut AnyConnection,
    file: &Path,
    now: DateTime<Utc>,
) -> Result<usize, BackupError> {
    let entries = live_ledger(conn)?;
    write_ledger(file, &entries, now)?;
    Ok(entries.len())
}

fn write_ledger(file: &Path, entries: &[Erased], now: DateTime<Utc>) -> Result<(), BackupError> {
    let document = LedgerFile {
        format: LEDGER_FORMAT.into(),
        version: LEDGER_VERSION,
        exported_at: now,
        entries: entries.to_vec(),
    };
    let text = serde_json::to_vec_pretty(&document)
        .map_err(|_| StoreError::Corrupt("erasure ledger".into()))?;
    let partial = beside(file, ".partial");
    std::fs::write(&partial, text).map_err(io(file))?;
    std::fs::rename(&partial, file).map_err(io(file))
}

/// The entries of a ledger export.
pub fn read_ledger(file: &Path) -> Result<Vec<Erased>, BackupError> {
    let text = match std::fs::read(file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(BackupError::Missing(file.to_owned()));
        }
        Err(e) => return Err(io(file)(e)),
    };
    let not_a_ledger = |reason: &str| BackupError::NotALedger {
        path: file.to_owned(),
        reason: reason.to_owned(),
    };
    let document: LedgerFile = serde_json::from_slice(&text)
        .map_err(|_| not_a_ledger("not the JSON `servicedesk erasure-ledger export` writes"))?;
    if document.format != LEDGER_FORMAT {
        return Err(not_a_ledger("its format is not servicedesk-erasure-ledger"));
    }
    if document.version != LEDGER_VERSION {
        return Err(not_a_ledger("written by a version this one cannot read"));
    }
    Ok(document.entries)
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL client programs

/// A PostgreSQL client program: on `PATH`, or else in the newest `/usr/lib/postgresql/*/bin`.
fn postgres_tool(name: &str) -> Result<PathBuf, BackupError> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file());
    if let Some(found) = on_path {
        return Ok(found);
    }
    let mut installed: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let tool = entry.path().join("bin").join(name);
            tool.is_file().then_some((version, tool))
        })
        .collect();
    installed.sort();
    installed.pop().map(|(_, tool)| tool).ok_or_else(|| {
        BackupError::Tool(format!(
            "{name} was not found on PATH nor in /usr/lib/postgresql/*/bin; install the \
             PostgreSQL client programs (the postgresql-client package)"
        ))
    })
}

/// A PostgreSQL URL as the client programs are given it: the password, if any, goes in their
/// environment rather than on their command line, where any user of the machine could read it.
#[derive(Debug, PartialEq, Eq)]
struct PgTarget {
    url: String,
    password: Option<String>,
}

impl PgTarget {
    fn parse(url: &str) -> PgTarget {
        let Some((scheme, rest)) = url.split_once("://") else {
            return PgTarget {
                url: url.to_owned(),
                password: None,
            };
        };
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        let Some((userinfo, host)) = authority.rsplit_once('@') else {
            return PgTarget {
                url: url.to_owned(),
                password: None,
            };
        };
        match userinfo.split_once(':') {
            Some((user, password)) => PgTarget {
                url: format!("{scheme}://{user}@{host}{tail}"),
                password: Some(percent_decode(password)),
            },
            None => PgTarget {
                url: url.to_owned(),
                password: None,
            },
        }
    }

    /// `program` aimed at this database.
    fn command(&self, program: &Path) -> Command {
        let mut command = Command::new(program);
        command.arg("--dbname").arg(&self.url);
        if let Some(password) = &self.password {
            command.env("PGPASSWORD", password);
        }
        command
    }
}

/// `%XX` escapes decoded, as libpq reads a URL's password.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_leaves_the_url_for_the_environment() {
        assert_eq!(
            PgTarget::parse("postgres://sd:p%40ss:w@db.example:5432/desk?sslmode=require"),
            PgTarget {
                url: "postgres://sd@db.example:5432/desk?sslmode=require".into(),
                password: Some("p@ss:w".into()),
            }
        );
        assert_eq!(
            PgTarget::parse("postgresql://sd@127.0.0.1/desk"),
            PgTarget {
                url: "postgresql://sd@127.0.0.1/desk".into(),
                password: None,
            }
        );
        assert_eq!(
            PgTarget::parse("postgres://db.example/desk"),
            PgTarget {
                url: "postgres://db.example/desk".into(),
                password: None,
            }
        );
    }

    #[test]
    fn percent_escapes_decode_and_stray_percents_stay() {
        assert_eq!(percent_decode("a%20b%2Fc"), "a b/c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }

    #[test]
    fn a_file_says_which_backend_it_is_for() {
        let dir = tempfile::tempdir().expect("a directory");
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).expect("written");
            path
        };
        let mut sqlite = SQLITE_MAGIC.to_vec();
        sqlite.resize(100, 0);
        sqlite[68..72].copy_from_slice(&APPLICATION_ID.to_be_bytes());
        assert_eq!(
            backend_of_file(&write("ours.db", &sqlite)).ok(),
            Some(Backend::Sqlite)
        );
        sqlite[68..72].copy_from_slice(&0_i32.to_be_bytes());
        assert!(matches!(
            backend_of_file(&write("other.db", &sqlite)),
            Err(BackupError::NotABackup { .. })
        ));
        assert_eq!(
            backend_of_file(&write("pg.dump", b"PGDMP\x01\x0e\x00")).ok(),
            Some(Backend::Postgres)
        );
        assert!(matches!(
            backend_of_file(&write("junk", b"hello")),
            Err(BackupError::NotABackup { .. })
        ));
        assert!(matches!(
            backend_of_file(&dir.path().join("absent")),
            Err(BackupError::Missing(_))
        ));
    }
}
