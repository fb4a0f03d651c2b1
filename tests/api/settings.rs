//! The real binary, run as a process: its settings come from the environment.

use std::fs::File;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use reqwest::StatusCode;

const BINARY: &str = env!("CARGO_BIN_EXE_servicedesk-under-test");

/// Every `SERVICEDESK_*` setting. The tests set each to the empty string, as container tools
/// pass variables they have no value for, except the listen address (a free port).
const SETTINGS: [&str; 12] = [
    "SERVICEDESK_DATABASE_URL",
    "SERVICEDESK_DB_POOL_SIZE",
    "SERVICEDESK_JWT_HS256_SECRET",
    "SERVICEDESK_JWT_JWKS",
    "SERVICEDESK_JWT_ISSUER",
    "SERVICEDESK_JWT_AUDIENCE",
    "SERVICEDESK_JWT_ALGORITHMS",
    "SERVICEDESK_DATA_DIR",
    "SERVICEDESK_LOG_FORMAT",
    "SERVICEDESK_WORKERS",
    "SERVICEDESK_BIND",
    "SERVICEDESK_BANK_HOLIDAYS",
];

/// The binary in `dir` with every setting empty.
fn servicedesk(dir: &Path) -> Command {
    let mut command = Command::new(BINARY);
    command.current_dir(dir).env("RUST_LOG", "warn");
    for name in SETTINGS {
        command.env(name, "");
    }
    command
}

/// A server process, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// With every setting empty the server starts on its defaults (a SQLite file and a generated
/// development secret under `./data`, the default issuer and audience, HS256), and
/// `servicedesk token` mints a token that server accepts.
#[tokio::test]
async fn empty_settings_count_as_unset() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let address = format!("127.0.0.1:{port}");
    let log = dir.path().join("server.log");
    let mut server = Server(
        servicedesk(dir.path())
            .arg("serve")
            .env("SERVICEDESK_BIND", &address)
            .stdout(Stdio::null())
            .stderr(File::create(&log).expect("a log file"))
            .spawn()
            .expect("the binary starts"),
    );
    let client = reqwest::Client::new();
    let ready = format!("http://{address}/health/ready");
    let mut up = false;
    for _ in 0..300 {
        if let Some(status) = server.0.try_wait().expect("the process can be polled") {
            let said = std::fs::read_to_string(&log).unwrap_or_default();
            panic!("serve exited ({status}): {said}");
        }
        if client
            .get(&ready)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "the server did not become ready on {address}");
    assert!(
        dir.path().join("data/servicedesk.db").exists(),
        "the default database is used"
    );

    let minted = servicedesk(dir.path())
        .args(["token", "--org", "acme", "--role", "agent"])
        .output()
        .expect("the binary runs");
    assert!(minted.status.success(), "token: {}", stderr_of(&minted));
    let token = String::from_utf8(minted.stdout).expect("a token is text");
    let tickets = client
        .get(format!("http://{address}/api/v1/tickets"))
        .bearer_auth(token.trim())
        .send()
        .await
        .expect("the server answers");
    assert_eq!(tickets.status(), StatusCode::OK);
}

/// One-off bank holidays are checked as the server starts: a pair that does not parse stops it
/// with a message naming the setting and the pair, before anything is opened.
#[test]
fn a_bad_one_off_bank_holiday_stops_the_server_naming_it() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for bad in [
        "wales:2026-05-08",
        "england-and-wales:2026-02-30",
        "2026-05-08",
    ] {
        let listed = format!("scotland:2026-11-30,{bad}");
        let output = servicedesk(dir.path())
            .arg("serve")
            .env("SERVICEDESK_BANK_HOLIDAYS", &listed)
            .output()
            .expect("the binary runs");
        assert!(!output.status.success(), "{bad} was accepted");
        let said = stderr_of(&output);
        assert!(said.contains("bank-holidays"), "{said}");
        assert!(said.contains(bad), "{said}");
        assert!(said.contains("nation"), "{said}");
    }
    assert!(
        !dir.path().join("data").exists(),
        "nothing was created before the settings were checked"
    );
}
