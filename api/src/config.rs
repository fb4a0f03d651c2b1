//! Configuration from the environment (`SERVICEDESK_*`), with defaults that serve a working
//! development desk on 127.0.0.1:8080 over `./data/servicedesk.db`.

use std::path::{Path, PathBuf};

use clap::{Args, Command};
use domain::rights_requests::BankHolidays;
use jsonwebtoken::Algorithm;

use crate::auth::AuthConfig;
use crate::auth::jwks::JwksSource;

#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// `sqlite://path` (embedded, the default) or `postgres://user:pass@host/db`.
    #[arg(
        long,
        env = "SERVICEDESK_DATABASE_URL",
        default_value = "sqlite://data/servicedesk.db"
    )]
    pub database_url: String,
    /// Read connections (SQLite), or half the pool (PostgreSQL).
    #[arg(long, env = "SERVICEDESK_DB_POOL_SIZE", default_value_t = 4)]
    pub pool_size: u32,
}

#[derive(Debug, Clone, Args)]
pub struct AuthArgs {
    /// HS256 shared secret (development). With neither this nor a JWKS, a random secret is
    /// kept in `<data dir>/dev-jwt-secret`.
    #[arg(long, env = "SERVICEDESK_JWT_HS256_SECRET", hide_env_values = true)]
    pub jwt_hs256_secret: Option<String>,
    /// JWKS of the identity provider: a file path or an http(s) URL (RS256, ES256).
    #[arg(long, env = "SERVICEDESK_JWT_JWKS")]
    pub jwt_jwks: Option<String>,
    #[arg(long, env = "SERVICEDESK_JWT_ISSUER", default_value = "servicedesk")]
    pub jwt_issuer: String,
    #[arg(long, env = "SERVICEDESK_JWT_AUDIENCE", default_value = "servicedesk")]
    pub jwt_audience: String,
    /// Accepted algorithms, comma-separated (HS256, RS256, ES256). Default: HS256 when a
    /// secret is in use, RS256 and ES256 when a JWKS is.
    #[arg(long, env = "SERVICEDESK_JWT_ALGORITHMS", value_delimiter = ',')]
    pub jwt_algorithms: Vec<String>,
    /// Where development files (the generated secret) are kept.
    #[arg(long, env = "SERVICEDESK_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
}

/// The calendar the statutory clocks count on.
#[derive(Debug, Clone, Args)]
pub struct CalendarArgs {
    /// One-off bank holidays on top of each nation's by rule (a state funeral, a coronation):
    /// `nation:YYYY-MM-DD` pairs separated by commas, the nation `england-and-wales`,
    /// `scotland` or `northern-ireland`. Checked at start: a pair that does not parse stops it.
    #[arg(long, env = "SERVICEDESK_BANK_HOLIDAYS", value_parser = parse_bank_holidays)]
    pub bank_holidays: Option<BankHolidays>,
}

/// The one-off bank holidays of `SERVICEDESK_BANK_HOLIDAYS`, or why not.
pub fn parse_bank_holidays(text: &str) -> Result<BankHolidays, String> {
    BankHolidays::parse_one_off(text).map_err(|error| {
        let why = match error {
            domain::DomainError::Invalid { message, .. } => message,
            other => other.to_string(),
        };
        format!("{why}; list one-off bank holidays as nation:YYYY-MM-DD pairs, comma-separated")
    })
}

const DEV_SECRET_FILE: &str = "dev-jwt-secret";

/// `cmd` with every setting whose environment variable is set but empty read as unset:
/// container tools pass `NAME=` for variables they have no value for, which clap would
/// otherwise take as the value "" and refuse (or, worse, use).
pub fn unset_empty_env(mut cmd: Command) -> Command {
    let empty: Vec<clap::Id> = cmd
        .get_arguments()
        .filter(|arg| {
            arg.get_env()
                .and_then(std::env::var_os)
                .is_some_and(|value| value.is_empty())
        })
        .map(|arg| arg.get_id().clone())
        .collect();
    for id in empty {
        cmd = cmd.mut_arg(id, |arg| arg.env(None::<&str>));
    }
    let subcommands: Vec<String> = cmd
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    for name in subcommands {
        cmd = cmd.mut_subcommand(name, unset_empty_env);
    }
    cmd
}

impl AuthArgs {
    /// The HS256 secret: configured, or the development one (created on first use when
    /// `create` is set).
    pub fn secret(&self, create: bool) -> Result<Option<Vec<u8>>, String> {
        if let Some(secret) = &self.jwt_hs256_secret {
            if secret.len() < 32 {
                return Err("SERVICEDESK_JWT_HS256_SECRET must be at least 32 characters".into());
            }
            return Ok(Some(secret.as_bytes().to_vec()));
        }
        if self.jwt_jwks.is_some() {
            return Ok(None);
        }
        dev_secret(&self.data_dir.join(DEV_SECRET_FILE), create).map(Some)
    }

    pub fn auth_config(&self, create_dev_secret: bool) -> Result<AuthConfig, String> {
        let hs256_secret = self.secret(create_dev_secret)?;
        let algorithms = if self.jwt_algorithms.is_empty() {
            let mut defaults = Vec::new();
            if hs256_secret.is_some() {
                defaults.push(Algorithm::HS256);
            }
            if self.jwt_jwks.is_some() {
                defaults.extend([Algorithm::RS256, Algorithm::ES256]);
            }
            defaults
        } else {
            self.jwt_algorithms
                .iter()
                .map(|name| match name.trim() {
                    "HS256" => Ok(Algorithm::HS256),
                    "RS256" => Ok(Algorithm::RS256),
                    "ES256" => Ok(Algorithm::ES256),
                    other => Err(format!("unsupported JWT algorithm {other:?}")),
                })
                .collect::<Result<_, _>>()?
        };
        Ok(AuthConfig {
            hs256_secret,
            jwks: self.jwt_jwks.as_deref().map(JwksSource::parse),
            issuer: self.jwt_issuer.clone(),
            audience: self.jwt_audience.clone(),
            algorithms,
        })
    }
}

/// Reads the development secret, creating a random one (readable by the owner only) if asked.
fn dev_secret(path: &Path, create: bool) -> Result<Vec<u8>, String> {
    if let Ok(text) = std::fs::read_to_string(path) {
        let secret = text.trim();
        if secret.len() >= 32 {
            return Ok(secret.as_bytes().to_vec());
        }
    }
    if !create {
        return Err(format!(
            "no JWT secret: set SERVICEDESK_JWT_HS256_SECRET or run `servicedesk serve` once to create {}",
            path.display()
        ));
    }
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| "no randomness for the secret".to_string())?;
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    write_private(path, &secret).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    tracing::warn!(path = %path.display(), "created a development JWT secret; set SERVICEDESK_JWT_HS256_SECRET or SERVICEDESK_JWT_JWKS in production");
    Ok(secret.into_bytes())
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}
