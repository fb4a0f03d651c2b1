//! `servicedesk serve | migrate | seed-demo | token | openapi | audit verify | export-subject |
//! backup | restore | erasure-ledger export | retention sweep`.

use std::net::TcpListener;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use persistence::{Db, PoolSizes, StoreError};

use crate::audit::export::{AuditExport, CheckpointDto, verify_export};
use crate::auth::Verifier;
use crate::auth::mint::{TokenRequest, mint_hs256};
use crate::config::{AuthArgs, CalendarArgs, DatabaseArgs, unset_empty_env};
use crate::state::AppState;
use crate::{app, clock, openapi, telemetry};

#[derive(Debug, Parser)]
#[command(
    name = "servicedesk",
    version,
    about = "A privacy-first IT service desk"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Migrate the database and serve the API (the default).
    Serve(ServeArgs),
    /// Apply pending migrations and exit.
    Migrate(DatabaseArgs),
    /// Load the three source organisations (and DCMS and DExEU, for whom the Cabinet Office
    /// processes) with their registers, agreements and published notices. Organisations
    /// already loaded are left as they are.
    SeedDemo(DatabaseArgs),
    /// Mint a development token (HS256) signed with the configured secret.
    Token(TokenArgs),
    /// Print the OpenAPI document (YAML).
    Openapi,
    /// The audit trail, offline.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Write a person's subject access (Art 15) or portability (Art 20) bundle to a file, as
    /// `GET /api/v1/rights-requests/{id}/bundle` answers it, with a progress bar on a
    /// terminal. The export is recorded in the audit trail.
    ExportSubject(ExportArgs),
    /// Write a consistent copy of the database to a new file while servers go on using it:
    /// SQLite's `VACUUM INTO` (no free pages, so no erased values), or `pg_dump` in its custom
    /// format for PostgreSQL.
    Backup(BackupArgs),
    /// Replace the database's contents with a backup's, with every server stopped: the schema
    /// is brought up to date and every erasure the backup predates is carried out again before
    /// this returns.
    Restore(RestoreArgs),
    /// The erasure ledger (no personal data), kept outside the database.
    #[command(subcommand)]
    ErasureLedger(LedgerCommand),
    /// Retention, offline.
    #[command(subcommand)]
    Retention(RetentionCommand),
}

#[derive(Debug, Subcommand)]
enum LedgerCommand {
    /// Write the ledger to a file (JSON) to keep beside the backups: a restore given it with
    /// `--ledger` replays its erasures even when the live database is lost.
    Export(LedgerExportArgs),
}

#[derive(Debug, clap::Args)]
struct LedgerExportArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// The file to write (replaced if it exists).
    file: std::path::PathBuf,
}

#[derive(Debug, clap::Args)]
struct BackupArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// The backup to write; it must not exist yet.
    file: std::path::PathBuf,
}

#[derive(Debug, clap::Args)]
struct RestoreArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// A file `servicedesk backup` wrote, for this database's backend.
    file: std::path::PathBuf,
    /// A ledger `servicedesk erasure-ledger export` wrote: its erasures are replayed as well
    /// as the live database's. Repeat for several.
    #[arg(long = "ledger")]
    ledgers: Vec<std::path::PathBuf>,
    /// Who restores, as the audit trail records the actor of the replayed erasures.
    #[arg(long, default_value = "servicedesk-cli")]
    operator: String,
}

#[derive(Debug, Subcommand)]
enum RetentionCommand {
    /// Apply every retention policy of the register to the people whose data has come due, as
    /// `POST /api/v1/retention/sweeps` does, with a progress bar on a terminal: erase,
    /// anonymise or raise a review ticket to the DPO; blocked people are reported. A sweep cut
    /// short is resumed; while another runs (on a server or another command line), it waits
    /// for none and says so.
    Sweep(SweepArgs),
}

#[derive(Debug, clap::Args)]
struct SweepArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// Say what a sweep would do today, changing nothing.
    #[arg(long)]
    dry_run: bool,
    /// Only this organisation (its slug); every organisation otherwise.
    #[arg(long)]
    org: Option<String>,
    /// Who runs the sweep, as the audit trail records the actor.
    #[arg(long, default_value = "servicedesk-cli")]
    operator: String,
}

#[derive(Debug, clap::Args)]
struct ExportArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// Organisation slug.
    #[arg(long)]
    org: String,
    /// The rights request to answer (access or portability).
    #[arg(long, conflicts_with = "person", required_unless_present = "person")]
    request: Option<uuid::Uuid>,
    /// The person, when answering no recorded request.
    #[arg(long)]
    person: Option<uuid::Uuid>,
    /// With `--person`: `access` (Art 15) or `portability` (Art 20).
    #[arg(long, default_value = "access", value_parser = parse_scope)]
    scope: domain::subject_access::Scope,
    /// `json` or `zip` (CSV files with a manifest of their SHA-256 and row counts).
    #[arg(long, default_value = "json", value_parser = parse_format)]
    format: crate::subject_access::Format,
    /// The file to write.
    #[arg(long)]
    output: std::path::PathBuf,
    /// Who runs the export, as the audit trail records the actor.
    #[arg(long, default_value = "servicedesk-cli")]
    operator: String,
}

fn parse_scope(text: &str) -> Result<domain::subject_access::Scope, String> {
    text.parse()
        .map_err(|_| format!("{text:?}: use access or portability"))
}

fn parse_format(text: &str) -> Result<crate::subject_access::Format, String> {
    match text {
        "json" => Ok(crate::subject_access::Format::Json),
        "zip" => Ok(crate::subject_access::Format::Zip),
        _ => Err(format!("{text:?}: use json or zip")),
    }
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check an export of `GET /api/v1/audit-events/export` on its own: every event's link and
    /// hash, every checkpoint's signature under the export's public key. Exits 0 when intact,
    /// 1 naming the first fault.
    Verify(VerifyArgs),
}

#[derive(Debug, clap::Args)]
struct VerifyArgs {
    /// The export (JSON).
    #[arg(long = "from")]
    from: std::path::PathBuf,
    /// A checkpoint kept from before (an earlier export's `head`, or one signed by `POST
    /// /api/v1/audit-events/checkpoints`): the export must extend it.
    #[arg(long)]
    kept: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, clap::Args)]
struct ServeArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    #[command(flatten)]
    auth: AuthArgs,
    #[command(flatten)]
    calendar: CalendarArgs,
    #[arg(long, env = "SERVICEDESK_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// Worker threads; defaults to the number of cores.
    #[arg(long, env = "SERVICEDESK_WORKERS")]
    workers: Option<usize>,
    /// How long the answer to a keyed HR sync request is kept for retries (`90s`, `30m`, `12h`,
    /// `7d`); then it is deleted and the key may be used afresh.
    #[arg(long, env = "SERVICEDESK_IDEMPOTENCY_TTL", default_value = "7d", value_parser = parse_ttl)]
    idempotency_ttl: u64,
    /// How often every organisation's retention sweep runs (`12h`, `1d`, ...), or `off`.
    #[arg(long, env = "SERVICEDESK_RETENTION_SWEEP_INTERVAL", default_value = "1d", value_parser = parse_interval)]
    retention_sweep_interval: Interval,
    /// How often erased values are scrubbed from the database's free space (`2s`, `5m`, ...).
    /// By default every 2 s on SQLite (a WAL checkpoint) and every 5 minutes on PostgreSQL,
    /// where each scrub rewrites the tables erasures changed and locks them while it does.
    #[arg(long, env = "SERVICEDESK_SCRUB_INTERVAL", value_parser = parse_ttl)]
    scrub_interval: Option<u64>,
    /// Record reads of personal data in the audit trail (`on`, the default, or `off`). Writes
    /// are always recorded.
    #[arg(long, env = "SERVICEDESK_AUDIT_READS", default_value = "on", value_parser = parse_switch)]
    audit_reads: bool,
}

/// A schedule's interval in seconds, or none when it is `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Interval(Option<u64>);

/// A schedule's interval, as [`parse_ttl`] reads it, or `off`.
fn parse_interval(text: &str) -> Result<Interval, String> {
    match text {
        "off" => Ok(Interval(None)),
        _ => parse_ttl(text).map(|seconds| Interval(Some(seconds))),
    }
}

fn parse_switch(text: &str) -> Result<bool, String> {
    match text {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(format!("{text:?}: use on or off")),
    }
}

#[derive(Debug, clap::Args)]
struct TokenArgs {
    #[command(flatten)]
    auth: AuthArgs,
    /// Organisation slug (`org` claim).
    #[arg(long)]
    org: String,
    /// Role to grant; repeat for several.
    #[arg(long = "role", required = true)]
    roles: Vec<String>,
    /// Subject (`sub` claim): the caller's identity.
    #[arg(long, default_value = "dev-user")]
    sub: String,
    /// Lifetime: seconds, or with a unit (`90s`, `30m`, `1h`, `7d`).
    #[arg(long, default_value = "1h", value_parser = parse_ttl)]
    ttl: u64,
}

fn parse_ttl(text: &str) -> Result<u64, String> {
    let (digits, unit) = text
        .find(|c: char| !c.is_ascii_digit())
        .map_or((text, "s"), |at| text.split_at(at));
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("not a duration: {text}"))?;
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("unknown unit in {text}: use s, m, h or d")),
    };
    n.checked_mul(scale)
        .filter(|s| *s > 0)
        .ok_or_else(|| format!("not a usable lifetime: {text}"))
}

fn connect_and_migrate(args: &DatabaseArgs) -> Result<Db, StoreError> {
    let db = Db::connect(
        &args.database_url,
        PoolSizes {
            read: args.pool_size,
        },
    )?;
    let applied = persistence::run_migrations(&db)?;
    tracing::info!(
        applied,
        backend = db.backend().as_str(),
        "database migrated"
    );
    Ok(db)
}

fn open_db(args: &DatabaseArgs) -> Result<Db, String> {
    connect_and_migrate(args).map_err(|e| match e {
        StoreError::Unavailable(_) => format!("cannot open the database: {e}"),
        other => other.to_string(),
    })
}

/// How long `serve` waits between attempts to reach a database that is down when it starts.
const DATABASE_RETRY: std::time::Duration = std::time::Duration::from_secs(2);
/// Attempts between two warnings that the database is still out of reach (about a minute).
const ATTEMPTS_PER_WARNING: u32 = 30;

/// The database, migrated, once it can be reached: a server started while its database is down
/// (a host booting, a failover) waits for it rather than exiting. Any other fault (a bad URL,
/// a migration that fails) ends the start at once.
async fn wait_for_database(args: &DatabaseArgs) -> Result<Db, String> {
    let mut attempts = 0_u32;
    loop {
        let attempt = args.clone();
        let opened = tokio::task::spawn_blocking(move || connect_and_migrate(&attempt))
            .await
            .map_err(|_| "opening the database did not finish".to_owned())?;
        match opened {
            Ok(db) => {
                if attempts > 0 {
                    tracing::info!(attempts, "the database can be reached: serving");
                }
                return Ok(db);
            }
            Err(StoreError::Unavailable(reason)) => {
                if attempts.is_multiple_of(ATTEMPTS_PER_WARNING) {
                    tracing::warn!(%reason, "the database cannot be reached; waiting for it");
                }
                attempts = attempts.saturating_add(1);
                tokio::time::sleep(DATABASE_RETRY).await;
            }
            Err(other) => return Err(other.to_string()),
        }
    }
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    let db = wait_for_database(&args.database).await?;
    let verifier = Verifier::new(args.auth.auth_config(true)?)?;
    let listener =
        TcpListener::bind(&args.bind).map_err(|e| format!("cannot bind {}: {e}", args.bind))?;
    let workers = args
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    tracing::info!(bind = %args.bind, workers, "serving");
    if !args.audit_reads {
        tracing::warn!("reads of personal data are not recorded in the audit trail");
    }
    let ttl = i64::try_from(args.idempotency_ttl)
        .map_err(|_| "SERVICEDESK_IDEMPOTENCY_TTL is too long")?;
    let holidays = args.calendar.bank_holidays.unwrap_or_default();
    let one_off = holidays.one_off().count();
    if one_off > 0 {
        tracing::info!(one_off, "one-off bank holidays counted on top of the rules");
    }
    let state = AppState::new(db, verifier)
        .audit_reads(args.audit_reads)
        .idempotency_ttl(chrono::TimeDelta::seconds(ttl))
        .bank_holidays(holidays)
        .retention_sweep_every(
            args.retention_sweep_interval
                .0
                .map(std::time::Duration::from_secs),
        )
        .scrub_every(args.scrub_interval.map(std::time::Duration::from_secs));
    if args.retention_sweep_interval.0.is_none() {
        tracing::warn!("retention sweeps do not run on a schedule");
    }
    app::serve(listener, state, workers)
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())
}

fn seed_demo(args: &DatabaseArgs) -> Result<(), String> {
    let db = open_db(args)?;
    let outcome = crate::demo::load(&db)?;
    for slug in &outcome.loaded {
        println!("loaded {slug}: register, agreements and privacy notice version 1");
    }
    for slug in &outcome.skipped {
        println!("kept {slug}: its register was already recorded");
    }
    Ok(())
}

fn token(args: TokenArgs) -> Result<(), String> {
    let secret = args
        .auth
        .secret(false)?
        .ok_or("tokens can only be minted with an HS256 secret")?;
    let token = mint_hs256(
        &secret,
        &TokenRequest {
            subject: &args.sub,
            org: &args.org,
            roles: &args.roles,
            issuer: &args.auth.jwt_issuer,
            audience: &args.auth.jwt_audience,
            now: clock::unix_seconds(),
            ttl_seconds: args.ttl,
        },
    )?;
    println!("{token}");
    Ok(())
}

fn read_json<T: serde::de::DeserializeOwned>(path: &std::path::Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("{} is not what was expected: {e}", path.display()))
}

fn verify_audit(args: &VerifyArgs) -> Result<(), String> {
    let export: AuditExport = read_json(&args.from)?;
    let kept: Option<CheckpointDto> = args.kept.as_deref().map(read_json).transpose()?;
    let outcome = verify_export(&export, kept.as_ref());
    match &outcome.broken {
        None => {
            println!(
                "ok: {} events of {} chained intact; {} checkpoints signed by its key{}",
                outcome.events,
                export.organisation,
                outcome.checkpoints,
                match (&outcome.head_seq, &outcome.head_hash) {
                    (Some(seq), Some(hash)) => format!("; ends at {seq} with {hash}"),
                    _ => String::new(),
                }
            );
            Ok(())
        }
        Some(broken) => Err(format!(
            "broken at position {}{}: {}",
            broken.seq,
            broken
                .event_id
                .map(|id| format!(" (event {id})"))
                .unwrap_or_default(),
            broken.reason
        )),
    }
}

/// `export-subject`: the endpoint's code path, into a file, the export audited first.
fn export_subject(args: &ExportArgs) -> Result<(), String> {
    use crate::subject_access::{Step, Target, prepare, write_bundle};
    use domain::audit::{AuditOperation, RecordKind};
    use domain::ids::{PersonId, RightsRequestId};
    use domain::party::Party;
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

    let db = open_db(&args.database)?;
    let slug = domain::organisation::OrgSlug::parse(&args.org).map_err(|e| e.to_string())?;
    let target = match (args.request, args.person) {
        (Some(id), _) => Target::Request(RightsRequestId::from_uuid(id)),
        (None, Some(id)) => Target::Person(PersonId::from_uuid(id), args.scope),
        (None, None) => return Err("name a --request or a --person".into()),
    };
    let now = clock::now();
    let mut conn = db.read().map_err(|e| e.to_string())?;
    let org_id = persistence::organisations::find_by_slug(&mut conn, &slug)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no organisation {slug}"))?;
    let bundle = match prepare(&mut conn, org_id, target, None, now) {
        Ok(Ok(bundle)) => bundle,
        Ok(Err(refused)) => return Err(refused.to_string()),
        Err(persistence::StoreError::NotFound) => {
            return Err("no such request or person in the organisation".into());
        }
        Err(other) => return Err(other.to_string()),
    };
    drop(conn);
    let person = bundle.about.person_id;
    let export = persistence::audit::Occurrence {
        org_id,
        at: now,
        actor: Party::Account(args.operator.clone()),
        operation: AuditOperation::Export,
        record_kind: RecordKind::Person,
        record_id: Some(person.to_string()),
        subject: Some(Party::Person(person)),
    };
    let mut writer = db.write().map_err(|e| e.to_string())?;
    persistence::transaction(&mut writer, |conn| {
        persistence::audit::append(conn, &[export])
    })
    .map_err(|e| e.to_string())?;
    drop(writer);

    let file = std::fs::File::create(&args.output)
        .map_err(|e| format!("cannot write {}: {e}", args.output.display()))?;
    // Drawn on a terminal only: indicatif hides it when stderr is not one.
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} tables  {msg}")
            .map_err(|e| e.to_string())?,
    );
    let mut rows = 0u64;
    let mut table = String::new();
    let mut progress = |step: Step<'_>| match step {
        Step::Table { name, index, of } => {
            bar.set_length(of as u64);
            bar.set_position(index as u64);
            name.clone_into(&mut table);
            bar.set_message(format!("{table}: {rows} rows read"));
        }
        Step::Rows(n) => {
            rows += n;
            bar.set_message(format!("{table}: {rows} rows read"));
        }
    };
    let mut conn = db.read().map_err(|e| e.to_string())?;
    let summary = write_bundle(
        &mut conn,
        &bundle,
        args.format,
        std::io::BufWriter::new(file),
        &mut progress,
    )
    .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    println!(
        "wrote {}: {} rows from {} tables",
        args.output.display(),
        summary.rows,
        summary.tables
    );
    Ok(())
}

fn backup(args: &BackupArgs) -> Result<(), String> {
    persistence::backup::backup(&args.database.database_url, &args.file)
        .map_err(|e| e.to_string())?;
    println!("wrote {}", args.file.display());
    Ok(())
}

fn restore(args: &RestoreArgs) -> Result<(), String> {
    use persistence::backup::read_ledger;

    // Every ledger file is read before anything is replaced: one that does not read stops the
    // restore.
    let mut kept = Vec::new();
    for file in &args.ledgers {
        kept.extend(read_ledger(file).map_err(|e| e.to_string())?);
    }
    let by = domain::party::Party::Account(args.operator.clone());
    let now = clock::now();
    let restored =
        persistence::backup::restore(&args.database.database_url, &args.file, |db, live| {
            let mut recorded = live;
            recorded.extend(kept);
            crate::restore::replay(db, recorded, &by, now)
        })
        .map_err(|e| e.to_string())?;
    let replayed = restored.finished;
    println!(
        "restored {} into the {} database; {} migration(s) applied; {} erasure(s) carried out \
         again, {} of people the backup does not hold, {} earlier replay(s) put back; {} \
         consent withdrawal(s) carried out again, {} with nothing left to withdraw",
        args.file.display(),
        restored.backend.as_str(),
        restored.migrations,
        replayed.erased,
        replayed.absent,
        replayed.put_back,
        replayed.withdrawn,
        replayed.withdrawn_before,
    );
    Ok(())
}

fn export_ledger(args: &LedgerExportArgs) -> Result<(), String> {
    let db = Db::connect(&args.database.database_url, PoolSizes { read: 1 })
        .map_err(|e| format!("cannot open the database: {e}"))?;
    let mut conn = db.read().map_err(|e| e.to_string())?;
    let entries = persistence::backup::export_ledger(&mut conn, &args.file, clock::now())
        .map_err(|e| e.to_string())?;
    println!("wrote {}: {entries} erasure(s)", args.file.display());
    Ok(())
}

/// `retention sweep`: the endpoint's code path, for one organisation or every one.
fn retention_sweep(args: &SweepArgs) -> Result<(), String> {
    use crate::retention::{Ended, Progress, Start};
    use domain::party::Party;
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use std::ops::ControlFlow;

    let db = open_db(&args.database)?;
    let orgs = {
        let mut conn = db.read().map_err(|e| e.to_string())?;
        match &args.org {
            Some(slug) => {
                let slug = domain::organisation::OrgSlug::parse(slug).map_err(|e| e.to_string())?;
                let id = persistence::organisations::find_by_slug(&mut conn, &slug)
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("no organisation {slug}"))?;
                vec![(id, slug)]
            }
            None => {
                let ids =
                    persistence::retention::organisations(&mut conn).map_err(|e| e.to_string())?;
                persistence::organisations::slugs(&mut conn, &ids).map_err(|e| e.to_string())?
            }
        }
    };
    // Drawn on a terminal only: indicatif hides it when stderr is not one.
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} people  {msg}").map_err(|e| e.to_string())?,
    );
    let mut progress = |step: Progress<'_>| {
        match step {
            Progress::Policy { index, of, policy } => bar.set_message(format!(
                "policy {} of {of}: {} after {}",
                index + 1,
                policy.action,
                policy.trigger
            )),
            Progress::Person => bar.inc(1),
        }
        ControlFlow::Continue(())
    };
    let by = Party::Account(args.operator.clone());
    for (org_id, slug) in orgs {
        let now = clock::now();
        if args.dry_run {
            let found = crate::retention::dry_run(&db, org_id, now, &mut progress)
                .map_err(|e| e.to_string())?;
            bar.suspend(|| {
                for p in &found.policies {
                    println!(
                        "{slug}: policy {} ({}): would {} {} people; {} blocked",
                        p.rule.policy.id,
                        p.rule.policy.in_words(),
                        p.rule.policy.action,
                        p.acted,
                        p.blocked
                    );
                }
                for (rule, person, blockers) in &found.blocked {
                    let by: Vec<String> = blockers.iter().map(ToString::to_string).collect();
                    println!(
                        "{slug}: person {person} blocked under policy {} by {}",
                        rule.policy.id,
                        by.join(", ")
                    );
                }
            });
            continue;
        }
        let holder = clock::new_uuid().to_string();
        let sweep =
            match crate::retention::start(&db, org_id, &by, &holder).map_err(|e| e.to_string())? {
                Start::Running(id) => {
                    bar.suspend(|| println!("{slug}: sweep {id} is running elsewhere; left to it"));
                    continue;
                }
                Start::Started(sweep) => sweep,
            };
        let ended = crate::retention::run(&db, org_id, sweep.id, &holder, &mut progress)
            .map_err(|e| e.to_string())?;
        let mut conn = db.read().map_err(|e| e.to_string())?;
        let done =
            persistence::retention::get(&mut conn, org_id, sweep.id).map_err(|e| e.to_string())?;
        bar.suspend(|| {
            let how = match ended {
                Ended::Completed => "completed",
                Ended::Stopped => "stopped",
                Ended::LeaseLost => "taken over by another holder",
            };
            println!("{slug}: sweep {} {how}", done.id);
            for p in &done.policies {
                println!(
                    "{slug}: policy {} ({} after {}, {}): {} people acted on; {} blocked",
                    p.policy_id, p.period, p.trigger, p.action, p.acted, p.blocked
                );
            }
        });
    }
    bar.finish_and_clear();
    Ok(())
}

/// The command line `args` with the environment, an empty variable counting as unset. Exits
/// with clap's usage message when they do not parse.
fn parse<I, T>(args: I) -> Cli
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let matches = unset_empty_env(Cli::command()).get_matches_from(args);
    Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit())
}

/// Runs the command line; returns the process exit code.
pub fn main() -> i32 {
    let cli = parse(std::env::args_os());
    telemetry::init();
    let result = match cli.command {
        None => match parse(["servicedesk", "serve"]).command {
            Some(Command::Serve(args)) => actix_web::rt::System::new().block_on(serve(args)),
            _ => Err("no default command".into()),
        },
        Some(Command::Serve(args)) => actix_web::rt::System::new().block_on(serve(args)),
        Some(Command::Migrate(args)) => open_db(&args).map(|_| ()),
        Some(Command::SeedDemo(args)) => seed_demo(&args),
        Some(Command::Token(args)) => token(args),
        Some(Command::Openapi) => openapi::yaml().map(|yaml| print!("{yaml}")),
        Some(Command::Audit(AuditCommand::Verify(args))) => verify_audit(&args),
        Some(Command::ExportSubject(args)) => export_subject(&args),
        Some(Command::Backup(args)) => backup(&args),
        Some(Command::Restore(args)) => restore(&args),
        Some(Command::ErasureLedger(LedgerCommand::Export(args))) => export_ledger(&args),
        Some(Command::Retention(RetentionCommand::Sweep(args))) => retention_sweep(&args),
    };
    match result {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("servicedesk: {error}");
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sweep_interval_is_a_lifetime_or_off() {
        assert_eq!(parse_interval("off"), Ok(Interval(None)));
        assert_eq!(parse_interval("1d"), Ok(Interval(Some(86_400))));
        assert!(parse_interval("never").is_err());
        // The default parses as clap reads it.
        let cli = parse(["servicedesk", "serve"]);
        assert!(matches!(
            cli.command,
            Some(Command::Serve(ServeArgs {
                retention_sweep_interval: Interval(Some(86_400)),
                ..
            }))
        ));
    }

    #[test]
    fn lifetimes_take_a_unit() {
        assert_eq!(parse_ttl("3600"), Ok(3600));
        assert_eq!(parse_ttl("90s"), Ok(90));
        assert_eq!(parse_ttl("30m"), Ok(1800));
        assert_eq!(parse_ttl("1h"), Ok(3600));
        assert_eq!(parse_ttl("7d"), Ok(604_800));
        assert!(parse_ttl("0h").is_err());
        assert!(parse_ttl("1w").is_err());
        assert!(parse_ttl("h").is_err());
    }
}
