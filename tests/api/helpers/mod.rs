//! The one harness every test shares: a fresh database, the real server on a random port, tokens
//! and small request helpers. Set `TEST_DATABASE_URL` to an admin PostgreSQL URL to run the suite
//! on PostgreSQL (a fresh database per test); otherwise each test gets a temporary SQLite file.

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use api::auth::jwks::JwksSource;
use api::auth::{AuthConfig, Verifier};
use api::state::AppState;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use persistence::{Db, PoolSizes};
use reqwest::header::{CONTENT_TYPE, ETAG, IF_MATCH, LOCATION};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

pub const SECRET: &str = "servicedesk-test-secret-at-least-32-bytes";
pub const ISSUER: &str = "servicedesk-test";
pub const AUDIENCE: &str = "servicedesk";
/// The organisation most tests work in, and another one whose data must stay invisible.
pub const ORG: &str = "acme";
pub const OTHER_ORG: &str = "globex";

pub const TICKETS: &str = "/api/v1/tickets";
pub const PEOPLE: &str = "/api/v1/people";

mod cluster;
mod fixtures;
mod organisations;
mod register;

pub use cluster::Cluster;
pub use organisations::*;
pub use register::*;

pub fn ticket_path(id: &str) -> String {
    format!("{TICKETS}/{id}")
}

pub fn comments_path(id: &str) -> String {
    format!("{TICKETS}/{id}/comments")
}

// ---------------------------------------------------------------------------------------------
// Databases

/// A fresh, migrated-nowhere database, removed when dropped.
pub struct TestDb {
    pub url: String,
    _guard: DbGuard,
}

enum DbGuard {
    Sqlite(
        #[expect(dead_code, reason = "held so the directory outlives the test")] tempfile::TempDir,
    ),
    Postgres {
        admin_url: String,
        name: String,
    },
    /// A database that something else owns and removes (a test's own [`Cluster`]).
    Borrowed,
}

impl TestDb {
    /// A new database: a temporary SQLite file, or a new PostgreSQL database when
    /// `TEST_DATABASE_URL` names an admin URL. Blocking.
    pub fn create() -> TestDb {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.trim().is_empty() => {
                use diesel::Connection;
                use diesel::connection::SimpleConnection;
                let name = format!("sd_{}", uuid::Uuid::now_v7().simple());
                let mut admin = diesel::PgConnection::establish(&admin_url)
                    .expect("TEST_DATABASE_URL should accept connections");
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("the admin URL should be allowed to create databases");
                TestDb {
                    url: with_database(&admin_url, &name),
                    _guard: DbGuard::Postgres { admin_url, name },
                }
            }
            _ => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let url = format!("sqlite://{}", dir.path().join("servicedesk.db").display());
                TestDb {
                    url,
                    _guard: DbGuard::Sqlite(dir),
                }
            }
        }
    }

    /// The database at `url`, left in place when dropped: its owner removes it.
    pub fn at(url: String) -> TestDb {
        TestDb {
            url,
            _guard: DbGuard::Borrowed,
        }
    }

    /// A pool over this database, sized like a small server. Blocking.
    pub fn connect(&self) -> Db {
        Db::connect(&self.url, PoolSizes { read: 2 }).expect("the test database should open")
    }
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let DbGuard::Postgres { admin_url, name } = self {
            use diesel::Connection;
            use diesel::connection::SimpleConnection;
            // FORCE: the stopped server's workers may still be closing their connections.
            if let Ok(mut admin) = diesel::PgConnection::establish(admin_url) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// The admin URL with its database name replaced.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let (server, _) = base
        .rsplit_once('/')
        .expect("a PostgreSQL URL has a /database part");
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Keys and tokens

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// A private key of `tests/fixtures/` (test-only keys, see `generate.sh`).
pub fn signing_key(file: &str) -> EncodingKey {
    let pem = std::fs::read(fixture(file)).expect("fixture key present");
    if file.starts_with("ec-") {
        EncodingKey::from_ec_pem(&pem).expect("an EC private key")
    } else {
        EncodingKey::from_rsa_pem(&pem).expect("an RSA private key")
    }
}

pub fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Claims the test server accepts: right issuer and audience, valid for an hour.
pub fn claims(org: &str, roles: &[&str], sub: &str) -> Value {
    let now = unix_now();
    json!({
        "sub": sub,
        "org": org,
        "roles": roles,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
    })
}

/// Signs any claims with any key; `kid` goes in the header when given.
pub fn sign(algorithm: Algorithm, key: &EncodingKey, kid: Option<&str>, claims: &Value) -> String {
    let mut header = Header::new(algorithm);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, key).expect("the token signs")
}

pub fn hs256(secret: &str, claims: &Value) -> String {
    sign(
        Algorithm::HS256,
        &EncodingKey::from_secret(secret.as_bytes()),
        None,
        claims,
    )
}

/// A token whose header says `alg: none` and which carries no signature.
pub fn unsigned_token(claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{body}.")
}

// ---------------------------------------------------------------------------------------------
// The server

/// How the server under test verifies tokens. HS256 with [`SECRET`] unless told otherwise.
pub struct AppBuilder {
    auth: AuthConfig,
    seeded: bool,
    database: Option<TestDb>,
    audit_reads: bool,
    idempotency_ttl: Option<chrono::TimeDelta>,
    bank_holidays: Option<domain::rights_requests::BankHolidays>,
}

impl AppBuilder {
    /// Verify RS256 and ES256 tokens with keys from `source` (a fixture file or a URL), and no
    /// HS256 secret.
    pub fn jwks(mut self, source: JwksSource) -> Self {
        self.auth.jwks = Some(source);
        self.auth.hs256_secret = None;
        self.auth.algorithms = vec![Algorithm::RS256, Algorithm::ES256];
        self
    }

    /// Accept only these algorithms.
    pub fn algorithms(mut self, algorithms: &[Algorithm]) -> Self {
        self.auth.algorithms = algorithms.to_vec();
        self
    }

    /// Load `servicedesk seed-demo` before serving: the three source organisations, DCMS and
    /// DExEU with their registers, agreements and first published notices.
    pub fn seeded(mut self) -> Self {
        self.seeded = true;
        self
    }

    /// Keep keyed HR sync answers this long (a week unless told).
    pub fn idempotency_ttl(mut self, ttl: chrono::TimeDelta) -> Self {
        self.idempotency_ttl = Some(ttl);
        self
    }

    /// Count these one-off bank holidays, as `SERVICEDESK_BANK_HOLIDAYS` lists them.
    pub fn bank_holidays(mut self, one_off: &str) -> Self {
        self.bank_holidays = Some(
            domain::rights_requests::BankHolidays::parse_one_off(one_off)
                .expect("one-off bank holidays parse"),
        );
        self
    }

    /// Record reads of personal data in the audit trail, or not (`SERVICEDESK_AUDIT_READS`).
    pub fn audit_reads(mut self, on: bool) -> Self {
        self.audit_reads = on;
        self
    }

    /// Serve over this database rather than a fresh one of the run's backend.
    pub fn database(mut self, database: TestDb) -> Self {
        self.database = Some(database);
        self
    }

    /// The JWKS file of `tests/fixtures/`.
    pub fn jwks_fixture(self, name: &str) -> Self {
        self.jwks(JwksSource::File(fixture(name)))
    }

    pub async fn spawn(self) -> TestApp {
        init_logging();
        let auth = self.auth;
        let seeded = self.seeded;
        let database = self.database;
        let audit_reads = self.audit_reads;
        let idempotency_ttl = self.idempotency_ttl;
        let bank_holidays = self.bank_holidays;
        // Database creation, pool start-up and a JWKS fetch all block: keep them off the
        // runtime that may be serving a JWKS to this very set-up.
        let (db, state) = tokio::task::spawn_blocking(move || {
            let test_db = database.unwrap_or_else(TestDb::create);
            let db = test_db.connect();
            persistence::run_migrations(&db).expect("migrations apply to a fresh database");
            if seeded {
                api::demo::load(&db).expect("the demo registers load");
            }
            let verifier = Verifier::new(auth).expect("the auth configuration is valid");
            // Erasures are scrubbed within a second, on PostgreSQL too, so tests can wait on it.
            let mut state = AppState::new(db, verifier)
                .audit_reads(audit_reads)
                .scrub_every(Some(std::time::Duration::from_secs(1)));
            if let Some(ttl) = idempotency_ttl {
                state = state.idempotency_ttl(ttl);
            }
            if let Some(holidays) = bank_holidays {
                state = state.bank_holidays(holidays);
            }
            (test_db, state)
        })
        .await
        .expect("set-up does not panic");
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port on loopback");
        let port = listener.local_addr().expect("a bound address").port();
        let server = api::app::serve(listener, state, 1).expect("the server starts");
        let serving = Serving::InProcess {
            server: server.handle(),
            task: tokio::spawn(server),
        };
        TestApp::at(port, serving, Some(db))
    }
}

/// A loopback port nothing listens on at this moment.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port on loopback")
        .port()
}

fn init_logging() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            api::telemetry::init();
        }
    });
}

/// The server under test on its own database. Stops when dropped.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    serving: Serving,
    db: Option<TestDb>,
}

/// Where the server runs: in the test's process, or as the `servicedesk` binary in a process of
/// its own (for tests that kill it).
enum Serving {
    InProcess {
        server: ServerHandle,
        task: tokio::task::JoinHandle<std::io::Result<()>>,
    },
    Process(std::process::Child),
}

impl Drop for TestApp {
    fn drop(&mut self) {
        match &mut self.serving {
            Serving::InProcess { server, task } => {
                // The stop command is sent at once; dropping the server future forces workers
                // down.
                drop(server.stop(false));
                task.abort();
            }
            Serving::Process(child) => {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

/// The default server over the demo registers (see [`AppBuilder::seeded`]).
pub async fn spawn_seeded_app() -> TestApp {
    TestApp::builder().seeded().spawn().await
}

/// The default server: HS256 tokens signed with [`SECRET`].
pub async fn spawn_app() -> TestApp {
    TestApp::builder().spawn().await
}

impl TestApp {
    fn at(port: u16, serving: Serving, db: Option<TestDb>) -> TestApp {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // Guards against a hung test, not a performance assertion.
            .timeout(Duration::from_secs(60))
            .build()
            .expect("an HTTP client");
        TestApp {
            address: format!("http://127.0.0.1:{port}"),
            client,
            serving,
            db,
        }
    }

    /// `servicedesk serve` in a process of its own over `database_url` (which it migrates), with
    /// the suite's token settings; answers once the server is ready. The caller keeps the
    /// database, so a test can kill this server and serve the same data again.
    pub async fn process(database_url: &str, data_dir: &std::path::Path) -> TestApp {
        let app = TestApp::starting(database_url, data_dir);
        assert!(
            app.ready_within(Duration::from_secs(15)).await,
            "the server process did not become ready"
        );
        app
    }

    /// [`TestApp::process`] without waiting for it to be ready.
    pub fn starting(database_url: &str, data_dir: &std::path::Path) -> TestApp {
        TestApp::starting_logged(database_url, data_dir, None)
    }

    /// [`TestApp::process`] writing every log line it makes, down to debug, to `log`.
    pub async fn process_logged(
        database_url: &str,
        data_dir: &std::path::Path,
        log: &std::path::Path,
    ) -> TestApp {
        let app = TestApp::starting_logged(database_url, data_dir, Some(log));
        assert!(
            app.ready_within(Duration::from_secs(15)).await,
            "the server process did not become ready"
        );
        app
    }

    fn starting_logged(
        database_url: &str,
        data_dir: &std::path::Path,
        log: Option<&std::path::Path>,
    ) -> TestApp {
        let port = free_port();
        let (level, out, err) = match log {
            Some(path) => {
                let file = std::fs::File::create(path).expect("a log file");
                let copy = file.try_clone().expect("a second handle on the log file");
                (
                    "debug",
                    std::process::Stdio::from(file),
                    std::process::Stdio::from(copy),
                )
            }
            None => (
                "warn",
                std::process::Stdio::null(),
                std::process::Stdio::null(),
            ),
        };
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_servicedesk-under-test"))
            .arg("serve")
            .env("SERVICEDESK_DATABASE_URL", database_url)
            .env("SERVICEDESK_BIND", format!("127.0.0.1:{port}"))
            .env("SERVICEDESK_JWT_HS256_SECRET", SECRET)
            .env("SERVICEDESK_JWT_ISSUER", ISSUER)
            .env("SERVICEDESK_JWT_AUDIENCE", AUDIENCE)
            .env("SERVICEDESK_DATA_DIR", data_dir)
            .env("SERVICEDESK_WORKERS", "2")
            .env("SERVICEDESK_SCRUB_INTERVAL", "1s")
            .env("RUST_LOG", level)
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("the server binary starts");
        TestApp::at(port, Serving::Process(child), None)
    }

    /// Whether `/health/ready` answers 200 within `wait` (a bound against a hang).
    pub async fn ready_within(&self, wait: Duration) -> bool {
        let deadline = std::time::Instant::now() + wait;
        while std::time::Instant::now() < deadline {
            if let Ok(ready) = self.client.get(self.url("/health/ready")).send().await
                && ready.status() == StatusCode::OK
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    /// Whether the server process is still running.
    pub fn running(&mut self) -> bool {
        match &mut self.serving {
            Serving::Process(child) => child.try_wait().is_ok_and(|status| status.is_none()),
            Serving::InProcess { .. } => true,
        }
    }

    /// Files every organisation's audit events by subject at once, as the server's indexer does
    /// on its schedule, so a test reads them through the postings.
    pub async fn file_audit_events_by_subject(&self) {
        let db = self.database().connect();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.read().expect("a connection");
            let behind =
                persistence::audit::subject_index::behind(&mut conn).expect("the marks read");
            drop(conn);
            for (org, _, _) in behind {
                persistence::audit::subject_index::index_pass(&db, org, 2).expect("a pass");
            }
        })
        .await
        .expect("the pass does not panic");
    }

    /// The database the server runs on (none for a server process, whose caller keeps it).
    pub fn database(&self) -> &TestDb {
        self.db
            .as_ref()
            .expect("an in-process server keeps its database")
    }

    /// Runs `sql` on the server's database directly, as the writer (for what no endpoint does:
    /// moving time back, holding a lease as another server would).
    pub fn execute_sql(&self, sql: &str) {
        use diesel::RunQueryDsl;
        let db = self.database().connect();
        let mut conn = db.write().expect("the writer");
        match &mut *conn {
            persistence::AnyConnection::Sqlite(c) => diesel::sql_query(sql).execute(c),
            persistence::AnyConnection::Postgresql(c) => diesel::sql_query(sql).execute(c),
        }
        .expect("the statement runs");
    }

    /// Ends a server process at once, as `kill -9` does: no shutdown, no flush.
    pub fn kill(&mut self) {
        if let Serving::Process(child) = &mut self.serving {
            child.kill().expect("SIGKILL is delivered");
            child.wait().expect("the killed server is reaped");
        }
    }

    pub fn builder() -> AppBuilder {
        AppBuilder {
            auth: AuthConfig {
                hs256_secret: Some(SECRET.as_bytes().to_vec()),
                jwks: None,
                issuer: ISSUER.into(),
                audience: AUDIENCE.into(),
                algorithms: vec![Algorithm::HS256],
            },
            seeded: false,
            database: None,
            audit_reads: true,
            idempotency_ttl: None,
            bank_holidays: None,
        }
    }

    /// The URL of the database the server runs on, for tests that reach it directly.
    pub fn database_url(&self) -> &str {
        self.db
            .as_ref()
            .map(|db| db.url.as_str())
            .expect("an in-process server owns its database")
    }

    /// A valid HS256 token for `sub` in `org` with `roles`.
    pub fn token(&self, org: &str, roles: &[&str], sub: &str) -> String {
        hs256(SECRET, &claims(org, roles, sub))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A request with the bearer token, if any.
    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let builder = self.client.request(method, self.url(path));
        match token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        send(self.request(Method::GET, path, token)).await
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        send(self.request(Method::POST, path, token).json(body)).await
    }

    pub async fn patch_json(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        send(self.request(Method::PATCH, path, token).json(body)).await
    }

    pub async fn put_json(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        send(self.request(Method::PUT, path, token).json(body)).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Response {
        send(self.request(Method::DELETE, path, token)).await
    }

    /// A request by `token` carrying `If-Match: tag`.
    pub fn if_match(&self, method: Method, token: &str, path: &str, tag: &str) -> RequestBuilder {
        self.request(method, path, Some(token))
            .header(IF_MATCH, tag)
    }

    pub async fn put_if_match(&self, token: &str, path: &str, tag: &str, body: &Value) -> Response {
        send(self.if_match(Method::PUT, token, path, tag).json(body)).await
    }

    pub async fn patch_if_match(
        &self,
        token: &str,
        path: &str,
        tag: &str,
        body: &Value,
    ) -> Response {
        send(self.if_match(Method::PATCH, token, path, tag).json(body)).await
    }

    pub async fn delete_if_match(&self, token: &str, path: &str, tag: &str) -> Response {
        send(self.if_match(Method::DELETE, token, path, tag)).await
    }

    /// Raises a ticket and returns it; fails the test unless it is 201.
    pub async fn create_ticket(&self, token: &str, body: &Value) -> Value {
        let response = self.post_json(TICKETS, Some(token), body).await;
        json_body(response, StatusCode::CREATED).await
    }

    /// Reads a ticket; fails the test unless it is 200.
    pub async fn ticket(&self, token: &str, id: &str) -> Value {
        json_body(
            self.get(&ticket_path(id), Some(token)).await,
            StatusCode::OK,
        )
        .await
    }

    /// Changes a ticket; fails the test unless it is 200.
    pub async fn update_ticket(&self, token: &str, id: &str, change: &Value) -> Value {
        let response = self.patch_json(&ticket_path(id), Some(token), change).await;
        json_body(response, StatusCode::OK).await
    }

    /// Every item of a list, following `next_cursor` to the end with pages of `limit`.
    pub async fn list_all(&self, path: &str, token: &str, limit: usize) -> Vec<Vec<Value>> {
        let mut pages = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut query = vec![("limit".to_owned(), limit.to_string())];
            if let Some(cursor) = &cursor {
                query.push(("cursor".to_owned(), cursor.clone()));
            }
            let response = send(self.request(Method::GET, path, Some(token)).query(&query)).await;
            let page = json_body(response, StatusCode::OK).await;
            pages.push(items(&page));
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
            assert!(pages.len() < 100, "pagination does not end");
        }
        pages
    }

    /// A list's items with `query`; fails the test unless it is 200.
    pub async fn list(&self, path: &str, token: &str, query: &[(&str, &str)]) -> Vec<Value> {
        let response = send(self.request(Method::GET, path, Some(token)).query(query)).await;
        items(&json_body(response, StatusCode::OK).await)
    }
}

pub async fn send(request: RequestBuilder) -> Response {
    request.send().await.expect("the server answers")
}

// ---------------------------------------------------------------------------------------------
// Bodies

/// A minimal incident.
pub fn incident(title: &str) -> Value {
    json!({ "kind": "incident", "category": "it_system", "title": title })
}

/// The JSON body of a response with the expected status.
pub async fn json_body(response: Response, expected: StatusCode) -> Value {
    let status = response.status();
    let text = response.text().await.expect("a readable body");
    assert_eq!(status, expected, "unexpected status; body: {text}");
    serde_json::from_str(&text).expect("a JSON body")
}

pub fn items(page: &Value) -> Vec<Value> {
    page["items"].as_array().expect("a page has items").clone()
}

pub fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(|item| text(item, "id")).collect()
}

/// A string field of a JSON object.
pub fn text(value: &Value, field: &str) -> String {
    value[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} should be a string in {value}"))
        .to_owned()
}

/// A header the response must carry, as text.
pub fn header_of(response: &Response, name: reqwest::header::HeaderName) -> String {
    response
        .headers()
        .get(&name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("the response should carry {name}"))
        .to_owned()
}

pub fn etag_of(response: &Response) -> String {
    header_of(response, ETAG)
}

pub fn location_of(response: &Response) -> String {
    header_of(response, LOCATION)
}

/// The response's Content-Type, or empty when it has none.
pub fn content_type(response: &Response) -> String {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// An RFC 9457 problem with the expected status, checked for its required members; returns it.
pub async fn problem(response: Response, expected: StatusCode) -> Value {
    let status = response.status();
    let content_type = content_type(&response);
    let text = response.text().await.expect("a readable body");
    assert_eq!(status, expected, "unexpected status; body: {text}");
    assert_eq!(
        content_type, "application/problem+json",
        "errors are problem+json; body: {text}"
    );
    let body: Value = serde_json::from_str(&text).expect("a JSON problem");
    for member in ["type", "title", "detail"] {
        assert!(
            body[member].as_str().is_some_and(|s| !s.is_empty()),
            "problem lacks {member}: {body}"
        );
    }
    assert_eq!(body["status"], expected.as_u16(), "problem status: {body}");
    body
}

/// The `field`s a problem names in `errors`.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| errors.iter().map(|e| text(e, "field")).collect())
        .unwrap_or_default()
}

/// A problem naming `field` among its errors, with the expected status.
pub async fn problem_naming(response: Response, expected: StatusCode, field: &str) -> Value {
    let body = problem(response, expected).await;
    assert!(
        fields(&body).iter().any(|f| f == field),
        "the problem should name {field}: {body}"
    );
    body
}

/// A party as the API shows an account with no person record.
pub fn by_account(name: &str) -> Value {
    serde_json::json!({ "account": name })
}

/// A party as the API shows a person.
pub fn by_person(id: &str) -> Value {
    serde_json::json!({ "person_id": id })
}
