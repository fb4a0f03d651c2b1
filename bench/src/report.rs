//! `report`: reads the results `scripts/bench.sh` collected and prints, per backend, a table of
//! the scenarios and whether each target is met. Never fails on a missed target: the figures
//! are for reading, and they vary 10-30% between runs on a small machine.
//!
//! The results file has tab-separated lines, `backend`, a key, then values:
//! `scenario NAME BENCH-LINE` (the line `bench/wrk.lua` prints), `rss_kib N`, `busy PERCENT`
//! (CPU used by other work just before), `note TEXT`, `skipped REASON`.

use std::collections::HashMap;

use crate::args::Args;

struct Scenario {
    key: &'static str,
    label: &'static str,
    /// The bare route doing the same database work.
    bare: Option<&'static str>,
    /// Whether the scenario goes through the API's authentication (p99 target).
    authenticated: bool,
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        key: "live",
        label: "GET /health/live (baseline)",
        bare: None,
        authenticated: false,
    },
    Scenario {
        key: "get",
        label: "GET /api/v1/tickets/{id} (audited)",
        bare: Some("bare_get"),
        authenticated: true,
    },
    Scenario {
        key: "get_unaudited",
        label: "GET /api/v1/tickets/{id} (reads not audited)",
        bare: Some("bare_get"),
        authenticated: true,
    },
    Scenario {
        key: "list",
        label: "GET /api/v1/tickets?limit=50",
        bare: Some("bare_list"),
        authenticated: true,
    },
    Scenario {
        key: "create",
        label: "POST /api/v1/tickets",
        bare: Some("bare_create"),
        authenticated: true,
    },
    Scenario {
        key: "get_rs256",
        label: "GET /api/v1/tickets/{id} (RS256)",
        bare: Some("bare_get"),
        authenticated: true,
    },
    Scenario {
        key: "bare_get",
        label: "bare GET /bare/tickets/{id}",
        bare: None,
        authenticated: false,
    },
    Scenario {
        key: "bare_list",
        label: "bare GET /bare/tickets?limit=50",
        bare: None,
        authenticated: false,
    },
    Scenario {
        key: "bare_create",
        label: "bare POST /bare/tickets",
        bare: None,
        authenticated: false,
    },
];

const GET_VS_BARE: f64 = 0.50;
const RS256_VS_HS256: f64 = 0.80;
/// The audited read against the same read with `SERVICEDESK_AUDIT_READS=off`.
const AUDITED_VS_UNAUDITED: f64 = 0.70;
const P99_MS: f64 = 25.0;
const RSS_MB: f64 = 150.0;
/// People per second `POST /hr/sync` should take on SQLite.
const HR_PEOPLE_PER_S: f64 = 10_000.0;
/// Above this share of CPU taken by other work before a run, its figures are flagged.
const BUSY_PERCENT: u32 = 20;

/// One wrk run, from the line `bench/wrk.lua` prints when done.
#[derive(Debug, Clone, Copy, Default)]
struct Run {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    /// Answers that were not 2xx or 3xx.
    non2xx: u64,
    /// Connect, read and write errors and timeouts.
    socket_errors: u64,
    /// 2xx and 3xx answers per second.
    answered_per_second: f64,
}

impl Run {
    fn errors(&self) -> u64 {
        self.non2xx + self.socket_errors
    }

    fn parse(line: &str) -> Option<Run> {
        let fields: HashMap<&str, f64> = line
            .split_whitespace()
            .filter_map(|pair| pair.split_once('='))
            .filter_map(|(k, v)| Some((k, v.parse().ok()?)))
            .collect();
        let seconds = fields.get("seconds")?.max(1e-9);
        let requests = *fields.get("requests")?;
        let non2xx = *fields.get("non2xx")?;
        Some(Run {
            per_second: requests / seconds,
            answered_per_second: (requests - non2xx).max(0.0) / seconds,
            p50_ms: fields.get("p50_us")? / 1000.0,
            p99_ms: fields.get("p99_us")? / 1000.0,
            non2xx: non2xx as u64,
            socket_errors: *fields.get("socket_errors")? as u64,
        })
    }
}

#[derive(Default)]
struct Backend {
    runs: HashMap<String, Run>,
    /// People per second through `POST /hr/sync`, and through the bare inserts.
    hr: Option<(f64, f64)>,
    rss_kib: Option<u64>,
    notes: Vec<String>,
    skipped: Option<String>,
}

fn read(path: &str) -> Result<Vec<(String, Backend)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut backends: Vec<(String, Backend)> = Vec::new();
    for line in text.lines() {
        let mut parts = line.splitn(3, '\t');
        let (Some(name), Some(key), Some(rest)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let at = match backends.iter().position(|(n, _)| n == name) {
            Some(at) => at,
            None => {
                backends.push((name.to_owned(), Backend::default()));
                backends.len() - 1
            }
        };
        let backend = &mut backends[at].1;
        match key {
            "scenario" => {
                if let Some((scenario, figures)) = rest.split_once('\t') {
                    match Run::parse(figures) {
                        Some(run) => {
                            backend.runs.insert(scenario.to_owned(), run);
                        }
                        None => backend
                            .notes
                            .push(format!("{scenario}: wrk printed no figures")),
                    }
                }
            }
            "rss_kib" => backend.rss_kib = rest.trim().parse().ok(),
            "hr" => {
                backend.hr = rest.split_once('\t').and_then(|(api, bare)| {
                    Some((api.trim().parse().ok()?, bare.trim().parse().ok()?))
                })
            }
            "note" => backend.notes.push(rest.to_owned()),
            "busy" => {
                let percent: u32 = rest.trim().parse().unwrap_or(0);
                let mut note = format!("CPU busy with other work just before: {percent}%");
                if percent >= BUSY_PERCENT {
                    note.push_str(" (figures below are low and noisy: rerun on a quiet machine)");
                }
                backend.notes.push(note);
            }
            "skipped" => backend.skipped = Some(rest.to_owned()),
            _ => {}
        }
    }
    Ok(backends)
}

fn percent(ratio: f64) -> String {
    format!("{:.0}%", ratio * 100.0)
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

fn table(backend: &Backend) {
    let header = [
        "scenario", "req/s", "p50 ms", "p99 ms", "vs base", "vs bare", "errors",
    ];
    let baseline = backend.runs.get("live").map(|r| r.per_second);
    let mut rows = vec![header.map(str::to_owned).to_vec()];
    for scenario in SCENARIOS {
        let Some(run) = backend.runs.get(scenario.key) else {
            continue;
        };
        let ratio = |base: Option<f64>| {
            base.filter(|b| *b > 0.0)
                .map_or("-".to_owned(), |b| percent(run.per_second / b))
        };
        let bare = scenario
            .bare
            .and_then(|key| backend.runs.get(key))
            .map(|r| r.per_second);
        rows.push(vec![
            scenario.label.to_owned(),
            format!("{:.0}", run.per_second),
            format!("{:.2}", run.p50_ms),
            format!("{:.2}", run.p99_ms),
            ratio(baseline),
            ratio(bare),
            run.errors().to_string(),
        ]);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|col| rows.iter().map(|row| row[col].len()).max().unwrap_or(0))
        .collect();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(col, (cell, width))| {
                if col == 0 {
                    format!("{cell:<width$}")
                } else {
                    format!("{cell:>width$}")
                }
            })
            .collect();
        println!("  {}", cells.join("  "));
    }
}

fn ratio_target(backend: &Backend, what: &str, top: &str, bottom: &str, target: f64) {
    match (backend.runs.get(top), backend.runs.get(bottom)) {
        (Some(top), Some(bottom)) if bottom.per_second > 0.0 => {
            let ratio = top.per_second / bottom.per_second;
            println!(
                "  {what}: {} (target ≥ {}) {}",
                percent(ratio),
                percent(target),
                verdict(ratio >= target)
            );
        }
        _ => println!("  {what}: not measured"),
    }
}

fn targets(name: &str, backend: &Backend) {
    ratio_target(
        backend,
        "GET /tickets/{id} vs bare",
        "get",
        "bare_get",
        GET_VS_BARE,
    );
    ratio_target(
        backend,
        "GET /tickets/{id} audited vs not audited",
        "get",
        "get_unaudited",
        AUDITED_VS_UNAUDITED,
    );
    if let Some(run) = backend.runs.get("get") {
        // Each answered read waited for its own event's commit: one event per answer.
        println!(
            "  audit events committed by the group writer during GET /tickets/{{id}}: {:.0}/s",
            run.answered_per_second
        );
    }
    ratio_target(
        backend,
        "GET /tickets/{id} RS256 vs HS256",
        "get_rs256",
        "get",
        RS256_VS_HS256,
    );
    for scenario in SCENARIOS.iter().filter(|s| s.authenticated) {
        match backend.runs.get(scenario.key) {
            Some(run) => println!(
                "  p99 {}: {:.1} ms (target < {P99_MS:.0} ms) {}",
                scenario.label,
                run.p99_ms,
                verdict(run.p99_ms < P99_MS)
            ),
            None => println!("  p99 {}: not measured", scenario.label),
        }
    }
    match backend.hr {
        // The target is SQLite's; PostgreSQL's figure is for comparison.
        Some((api, bare)) if name == "sqlite" => println!(
            "  POST /hr/sync: {api:.0} people/s, {} of a bare batched insert ({bare:.0} people/s) \
             (target >= {HR_PEOPLE_PER_S:.0} people/s on SQLite) {}",
            percent(api / bare),
            verdict(api >= HR_PEOPLE_PER_S)
        ),
        Some((api, bare)) => println!(
            "  POST /hr/sync: {api:.0} people/s, {} of a bare batched insert ({bare:.0} people/s)",
            percent(api / bare),
        ),
        None => println!("  POST /hr/sync: not measured"),
    }
    match backend.rss_kib {
        Some(kib) => {
            let mb = kib as f64 * 1024.0 / 1e6;
            println!(
                "  server peak RSS: {mb:.1} MB (target < {RSS_MB:.0} MB) {}",
                verdict(mb < RSS_MB)
            );
        }
        None => println!("  server peak RSS: not measured"),
    }
    for scenario in SCENARIOS {
        if let Some(run) = backend.runs.get(scenario.key).filter(|r| r.errors() > 0) {
            println!(
                "  warning: {}: {} answers not 2xx, {} socket errors or timeouts; its figures \
                 are not comparable (BENCH_KEEP=1 keeps wrk's output and the server logs)",
                scenario.label, run.non2xx, run.socket_errors
            );
        }
    }
}

pub fn run(args: &Args) -> Result<(), String> {
    let backends = read(args.text("results")?)?;
    for (name, backend) in &backends {
        println!();
        if let Some(reason) = &backend.skipped {
            println!("{name}: skipped ({reason})");
            continue;
        }
        println!("{name}");
        for note in &backend.notes {
            println!("  {note}");
        }
        table(backend);
        println!();
        targets(name, backend);
    }
    Ok(())
}
