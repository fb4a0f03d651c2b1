//! Subject access (Art 15) and portability (Art 20) bundles: the person's data found by
//! walking the personal-data catalogue, shown or withheld by the domain's rules, and written
//! as it is read (JSON, or a ZIP of CSV files with a manifest) so that memory stays flat
//! whatever the person holds. The endpoint (`GET /rights-requests/{id}/bundle`) and the
//! command line (`servicedesk export-subject`) share this code path.

mod render;
mod sink;
pub mod stream;

use std::io::Write;

use chrono::{DateTime, Utc};
use domain::ids::{OrgId, PersonId, RightsRequestId};
use domain::register::PersonProcessing;
use domain::register::snapshot::Register;
use domain::subject_access::{ActorKind, LeftOut, NotABundle, Scope, Withheld};
use persistence::subject_access::{self, Schema, Subject};
use persistence::{AnyConnection, StoreError, people, rights_requests};
use serde::Serialize;
use utoipa::ToSchema;

use crate::routes::processing::processing_of;

pub use render::Tally;

/// What the bundle is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    /// A ZIP of CSV files, with `manifest.csv` naming each file's SHA-256 and row count.
    Zip,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Zip => "application/zip",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Zip => "zip",
        }
    }
}

/// What a kind of actor in the audit trail stands for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActorNote {
    pub actor: ActorKind,
    pub means: &'static str,
}

/// What the bundle is, for whom, and how to read it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BundleAbout {
    pub scope: Scope,
    /// The provision the bundle answers.
    pub article: &'static str,
    pub person_id: PersonId,
    /// The request it answers; absent for an export made on the command line for a person.
    pub rights_request_id: Option<RightsRequestId>,
    pub generated_at: DateTime<Utc>,
    /// How the audit trail's actors are shown: the kind of actor, never who.
    pub actors: Vec<ActorNote>,
    /// Tables holding personal data the bundle leaves out, and why.
    pub not_included: Vec<LeftOut>,
}

/// Everything a bundle needs besides the rows, gathered before the first byte is sent, so a
/// refusal is still a problem answer.
pub struct Bundle {
    pub about: BundleAbout,
    /// The Art 15(1) facts per purpose; access bundles only.
    pub processing: Option<PersonProcessing>,
    /// The register, whose bindings decide which purpose governs each row (portability).
    pub register: Register,
    pub subject: Subject,
}

/// What a bundle answers.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// A rights request of the organisation.
    Request(RightsRequestId),
    /// A person, for the command line.
    Person(PersonId, Scope),
}

/// Who asks, for the endpoint: the DPO reads any of the organisation's bundles, a person only
/// their own. `None` is the operator on the command line.
#[derive(Debug, Clone, Copy)]
pub struct Asker {
    pub dpo: bool,
    pub own: Option<PersonId>,
}

/// Gathers what a bundle for `target` needs. A request the asker may not read, or another
/// organisation's, is `NotFound`; a request of a right no bundle answers is the inner error.
pub fn prepare(
    conn: &mut AnyConnection,
    org_id: OrgId,
    target: Target,
    asker: Option<Asker>,
    now: DateTime<Utc>,
) -> Result<Result<Bundle, NotABundle>, StoreError> {
    let (person_id, scope, request_id) = match target {
        Target::Request(id) => {
            let request = rights_requests::get(conn, org_id, id)?;
            if let Some(asker) = asker
                && !asker.dpo
                && asker.own != Some(request.person_id)
            {
                return Err(StoreError::NotFound);
            }
            match Scope::of(request.right) {
                Ok(scope) => (request.person_id, scope, Some(id)),
                Err(refused) => return Ok(Err(refused)),
            }
        }
        Target::Person(person_id, scope) => (person_id, scope, None),
    };
    let stored = people::get(conn, org_id, person_id)?;
    let external_id = stored
        .person
        .external_id
        .as_ref()
        .map(|e| e.as_str().to_owned());
    let processing = match scope {
        Scope::Access => Some(processing_of(conn, org_id, &stored)?.processing),
        Scope::Portability => None,
    };
    let register = persistence::register::load(conn, org_id, None)?.register;
    let subject = Subject::find(conn, org_id, person_id, external_id)?;
    let (_, not_included) = subject_access::plan(scope);
    let about = BundleAbout {
        scope,
        article: scope.article(),
        person_id,
        rights_request_id: request_id,
        generated_at: now,
        actors: ActorKind::ALL
            .iter()
            .map(|&actor| ActorNote {
                actor,
                means: actor.explanation(),
            })
            .collect(),
        not_included,
    };
    Ok(Ok(Bundle {
        about,
        processing,
        register,
        subject,
    }))
}

/// Why writing a bundle stopped. Neither kind carries a stored value.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("writing the bundle failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Where a bundle is in its writing, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    /// Starting the `index`-th of `of` tables.
    Table {
        name: &'a str,
        index: usize,
        of: usize,
    },
    /// `rows` more rows read.
    Rows(u64),
}

/// What was written.
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    pub rows: u64,
    pub tables: usize,
}

/// Writes `bundle` to `out` in `format`, reading the person's rows table by table within one
/// snapshot of the database, a page at a time.
pub fn write_bundle(
    conn: &mut AnyConnection,
    bundle: &Bundle,
    format: Format,
    out: impl Write,
    progress: &mut dyn FnMut(Step<'_>),
) -> Result<Summary, ExportError> {
    let mut sink: Box<dyn sink::Sink + '_> = match format {
        Format::Json => Box::new(sink::Json::new(out)),
        Format::Zip => Box::new(sink::Zip::new(out)),
    };
    subject_access::snapshot(conn, |conn| {
        let scope = bundle.about.scope;
        let (plans, _) = subject_access::plan(scope);
        let schema = Schema::read(conn)?;
        sink.begin(&bundle.about, bundle.processing.as_ref())?;
        let mut tally = Tally::default();
        let mut renderer = render::Renderer::new(bundle, scope);
        let mut summary = Summary {
            rows: 0,
            tables: plans.len(),
        };
        for (index, plan) in plans.iter().enumerate() {
            progress(Step::Table {
                name: plan.table.name,
                index,
                of: plans.len(),
            });
            let columns = render::columns(plan.table, scope);
            sink.section(plan.table, &columns)?;
            let mut written = 0u64;
            subject_access::walk_table(conn, &schema, plan, &bundle.subject, |page| {
                for row in page {
                    if let Some(values) = renderer.row(plan, &columns, row, &mut tally) {
                        sink.row(&columns, &values)?;
                        written += 1;
                    }
                }
                progress(Step::Rows(page.len() as u64));
                Ok::<(), ExportError>(())
            })?;
            sink.end_section(written)?;
            summary.rows += written;
        }
        let withheld: Vec<Withheld> = tally.into_withheld();
        sink.finish(&withheld)?;
        Ok(summary)
    })
}
