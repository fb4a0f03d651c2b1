//! `servicedesk-bench`: the helpers `scripts/bench.sh` drives.
//!
//! - `load`: inserts synthetic tickets through `persistence` and writes a sample of their ids;
//! - `export-load`: one person's 50 tickets among many, seeded in bulk, for the export time;
//! - `bare`: serves the same database work as the API without auth, DTOs or middleware;
//! - `hr-api`, `hr-bare`: HR sync throughput through the API, and the same work done directly;
//! - `mint`: writes a JWKS for an RSA key and RS256 tokens signed with it;
//! - `retention-load`: a million leavers due under a retention policy, seeded in bulk;
//! - `report`: turns the collected wrk figures into tables and target lines.

mod args;
mod bare;
mod export;
mod hr;
mod load;
mod mint;
mod report;
mod retention;

use args::Args;

const USAGE: &str = "usage: servicedesk-bench load|export-load|retention-load|bare|hr-api|hr-bare|mint|report [--name value]...";

fn main() {
    let mut argv = std::env::args().skip(1);
    let command = argv.next().unwrap_or_default();
    let result = Args::parse(argv).and_then(|args| match command.as_str() {
        "load" => load::run(&args),
        "export-load" => export::run_load(&args),
        "bare" => bare::run(&args),
        "hr-api" => hr::run_api(&args),
        "hr-bare" => hr::run_bare(&args),
        "mint" => mint::run(&args),
        "report" => report::run(&args),
        "retention-load" => retention::run_load(&args),
        _ => Err(USAGE.to_owned()),
    });
    if let Err(error) = result {
        eprintln!("servicedesk-bench {command}: {error}");
        std::process::exit(1);
    }
}
