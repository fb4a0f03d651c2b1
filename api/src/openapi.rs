//! The contract: collected from the handlers, with the security scheme and tags added here.
//! `openapi.yaml` at the root is this document; a test fails when they differ.

use actix_web::App;
use actix_web::dev::ResourceDef;
use actix_web::http::Method;
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa_actix_web::{AppExt, scope};

use crate::http::problem;
use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "servicedesk",
        description = "A privacy-first IT service desk: tickets, people, accounts and assets, with the UK GDPR processing register that makes them lawful. Errors are RFC 9457 application/problem+json. A processor's user acts on a controller's data by naming the controller in the `Acting-For` header (its slug): allowed only under a processing agreement in force, recorded against the controller, and never for keeping the controller's register.",
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0"),
    ),
    // Relative: the paths are on whichever server serves this document.
    servers((url = "/", description = "The server this document is served from")),
    modifiers(&BearerAuth),
    components(responses(
        problem::responses::BadRequest,
        problem::responses::Unauthenticated,
        problem::responses::PayloadTooLarge,
        problem::responses::UnsupportedMediaType,
        problem::responses::InvalidFields,
        problem::responses::InvalidParameters,
        problem::responses::Stale,
    )),
    tags(
        (name = "tickets", description = "Incidents, service requests and problems, and their comments"),
        (name = "register", description = "The processing register: purposes, data categories, recipients, transfers and retention policies, versioned, with lints"),
        (name = "organisations", description = "Organisations: identity, contacts and DPO, as notices and records name them"),
        (name = "records", description = "Records derived from the register: the Article 30 record, the data map, and the data inventory of every column the desk stores"),
        (name = "people", description = "The people whose data the desk holds, and their reasonable adjustments apart"),
        (name = "accounts", description = "Email, network, application and shared-folder accounts, changed through account request tickets"),
        (name = "assets", description = "Laptops, desktops, mobiles, tablets, peripherals and software licences, and their assignments"),
        (name = "disclosures", description = "The disclosures log: what was disclosed about whom, to which recipient, when and why (Art 19, 30(1)(d), 15(1)(c))"),
        (name = "rights-requests", description = "Requests to exercise a right, with the statutory clock: Art 12(3) due dates over each UK nation's bank holidays, paused for identity or clarification and extended by notice, DPA 2018 s.164A acknowledgement of complaints, and outcomes with the Art 12(4) response; rectification (Art 16), restriction on objection (Art 18(1)(d), 21(1)) and the recipients told of them (Art 19)"),
        (name = "legal-holds", description = "Legal holds on a person or a ticket, and what blocks erasing or retaining their data (Art 17(3)(b), (e))"),
        (name = "reports", description = "Statistics about tickets that name no one: no group under 5, and an anonymised, k-anonymous export for research"),
        (name = "surveys", description = "Satisfaction surveys on consent, and reports that never show a small group"),
        (name = "retention", description = "Retention sweeps: each retention policy of the register applied to the people whose data has come due under it (erase, anonymise, or a review ticket to the DPO), blocked by legal holds and open rights requests, one sweep at a time"),
        (name = "audit", description = "The audit trail: every change to and read of personal data, hash-chained with signed checkpoints, naming people by pseudonyms"),
        (name = "health", description = "Liveness, readiness and metrics"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("JWT".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// Registers every documented route; the same function serves the app and the document.
pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(
            scope::scope("/api/v1")
                .configure(routes::tickets::configure)
                .configure(routes::register::configure)
                .configure(routes::organisations::configure)
                .configure(routes::agreements::configure)
                .configure(routes::records::configure)
                .configure(routes::notices::configure)
                .configure(routes::people::configure)
                .configure(routes::person_history::configure)
                .configure(routes::processing::configure)
                .configure(routes::hr::configure)
                .configure(routes::accounts::configure)
                .configure(routes::assets::configure)
                .configure(routes::surveys::configure)
                .configure(routes::audit::configure)
                .configure(routes::disclosures::configure)
                .configure(routes::rights_requests::configure)
                .configure(routes::rectification::configure)
                .configure(routes::restrictions::configure)
                .configure(routes::erasure::configure)
                .configure(routes::legal_holds::configure)
                .configure(routes::reports::configure)
                .configure(routes::recipient_notices::configure)
                .configure(routes::subject_access::configure)
                .configure(routes::retention::configure),
        )
        .configure(routes::health::configure);
}

/// The OpenAPI document of this build.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(configure)
        .split_for_parts();
    api.info.version = env!("CARGO_PKG_VERSION").to_owned();
    api
}

/// The document as committed in `openapi.yaml`.
pub fn yaml() -> Result<String, String> {
    document().to_yaml().map_err(|e| e.to_string())
}

/// Which methods each documented path answers, so an unmatched request can be told apart as
/// 405 (known path, other method) or 404 (unknown path).
pub struct RouteIndex {
    routes: Vec<(ResourceDef, Vec<Method>)>,
}

impl RouteIndex {
    pub fn from_document(api: &utoipa::openapi::OpenApi) -> Self {
        let routes = api
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    (Method::GET, item.get.is_some()),
                    (Method::PUT, item.put.is_some()),
                    (Method::POST, item.post.is_some()),
                    (Method::DELETE, item.delete.is_some()),
                    (Method::PATCH, item.patch.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, present)| present.then_some(m))
                .collect();
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        RouteIndex { routes }
    }

    /// The names of the path parameters of the documented paths `path` matches.
    pub fn parameters(&self, path: &str) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for (def, _) in &self.routes {
            if def.is_match(path) {
                for segment in def.pattern().unwrap_or("").split('/') {
                    if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}'))
                        && !names.iter().any(|n| n == name)
                    {
                        names.push(name.to_owned());
                    }
                }
            }
        }
        names
    }

    /// The methods allowed on `path`, if it is a documented path. A path written out in full
    /// (`/people/me`) answers for itself, before any template it also fits (`/people/{id}`).
    pub fn allowed(&self, path: &str) -> Option<Vec<Method>> {
        let matching: Vec<&(ResourceDef, Vec<Method>)> = self
            .routes
            .iter()
            .filter(|(def, _)| def.is_match(path))
            .collect();
        let exact: Vec<&&(ResourceDef, Vec<Method>)> = matching
            .iter()
            .filter(|(def, _)| !def.is_prefix() && def.pattern().is_some_and(|p| !p.contains('{')))
            .collect();
        let chosen: Vec<&(ResourceDef, Vec<Method>)> = if exact.is_empty() {
            matching
        } else {
            exact.into_iter().copied().collect()
        };
        if chosen.is_empty() {
            return None;
        }
        Some(
            chosen
                .iter()
                .flat_map(|(_, methods)| methods.iter().cloned())
                .collect(),
        )
    }
}
