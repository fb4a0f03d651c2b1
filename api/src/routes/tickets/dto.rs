//! Ticket request and response bodies. Bounds are stated twice on purpose: `validate` enforces
//! them, `schema` publishes them (utoipa does not read validator's attributes).

use chrono::{DateTime, Utc};
use domain::ids::{CommentId, PersonId, TicketId};
use domain::party::Party;
use domain::ticket::{
    CommentVisibility, Priority, Ticket, TicketCategory, TicketChange, TicketKind, TicketStatus,
};
use persistence::tickets::Comment;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::http::page::page;

/// A ticket: an incident, service request or problem.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketDto {
    pub id: TicketId,
    /// Human reference, unique in the organisation: `INC-000123`, `REQ-000001`, `PRB-000001`.
    #[schema(example = "INC-000123")]
    pub reference: String,
    pub kind: TicketKind,
    pub category: TicketCategory,
    pub status: TicketStatus,
    pub priority: Priority,
    pub title: String,
    pub description: String,
    /// The person the ticket is about; an account when it was raised for someone with no
    /// person record.
    pub requester: Party,
    /// Who raised it: the requester, or someone acting on their behalf.
    pub raised_by: Party,
    pub assigned_team: Option<String>,
    pub assigned_agent: Option<Party>,
    /// The ticket holds health or disability details (special category data, Art 9).
    pub contains_special_category: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl From<Ticket> for TicketDto {
    fn from(t: Ticket) -> Self {
        TicketDto {
            id: t.id,
            reference: t.reference.to_string(),
            kind: t.reference.kind,
            category: t.category,
            status: t.status,
            priority: t.priority,
            title: t.title,
            description: t.description,
            requester: t.requester,
            raised_by: t.raised_by,
            assigned_team: t.assigned_team,
            assigned_agent: t.assigned_agent,
            contains_special_category: t.contains_special_category,
            created_at: t.created_at,
            updated_at: t.updated_at,
            resolved_at: t.resolved_at,
            closed_at: t.closed_at,
        }
    }
}

fn default_priority() -> Priority {
    Priority::Medium
}

/// A ticket to raise.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTicket {
    pub kind: TicketKind,
    pub category: TicketCategory,
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_priority")]
    pub priority: Priority,
    /// The account (token subject) of the person the ticket is about: the person whose
    /// `external_id` it is, or the account itself when no person record holds it. Defaults to
    /// the caller. Naming someone else raises it on their behalf.
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub requester: Option<String>,
    /// The person the ticket is about, by their person id: for someone with no account. Not
    /// with `requester`.
    pub requester_id: Option<PersonId>,
    #[validate(length(min = 1, max = 100), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub assigned_team: Option<String>,
    /// The account of the agent to assign: their person record when one holds it.
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub assigned_agent: Option<String>,
    /// Set when the ticket will hold health or disability details.
    #[serde(default)]
    pub contains_special_category: bool,
}

/// Refuses text made only of white space. "White space" is ECMAScript's `\s`, because the
/// contract publishes this rule as the JSON Schema pattern `\S` and both must agree.
fn not_blank(value: &str) -> Result<(), validator::ValidationError> {
    let ecma_space = |c: char| {
        matches!(
            c,
            '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
                ..='\u{200a}'
                    | '\u{2028}'
                    | '\u{2029}'
                    | '\u{202f}'
                    | '\u{205f}'
                    | '\u{3000}'
                    | '\u{feff}'
        )
    };
    if value.chars().all(ecma_space) {
        let mut error = validator::ValidationError::new("blank");
        error.message = Some("must not be blank".into());
        return Err(error);
    }
    Ok(())
}

/// Changes to a ticket; fields left out stay as they are. `assigned_team` and
/// `assigned_agent` may be `null` to unassign.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTicket {
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: Option<String>,
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    pub category: Option<TicketCategory>,
    pub priority: Option<Priority>,
    pub status: Option<TicketStatus>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[validate(length(min = 1, max = 100), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 100, pattern = r"\S")]
    pub assigned_team: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200, pattern = r"\S")]
    pub assigned_agent: Option<Option<String>>,
    pub contains_special_category: Option<bool>,
}

impl UpdateTicket {
    /// The change, and the agent's account as named (resolved to a party where it is stored).
    pub fn into_change(self) -> (TicketChange, Option<Option<String>>) {
        let change = TicketChange {
            title: self.title,
            description: self.description,
            category: self.category,
            priority: self.priority,
            status: self.status,
            assigned_team: self.assigned_team,
            assigned_agent: None,
            contains_special_category: self.contains_special_category,
        };
        (change, self.assigned_agent)
    }
}

/// Filters and paging of the ticket list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketListQuery {
    #[param(value_type = Option<TicketStatus>)]
    pub status: Option<String>,
    #[param(value_type = Option<TicketKind>)]
    pub kind: Option<String>,
    #[param(value_type = Option<TicketCategory>)]
    pub category: Option<String>,
    /// Only tickets about this account: the person whose `external_id` it is, else the
    /// account.
    #[param(max_length = 200)]
    pub requester: Option<String>,
    /// Only tickets about this person.
    #[param(value_type = Option<uuid::Uuid>)]
    pub requester_id: Option<String>,
    #[param(max_length = 100)]
    pub assigned_team: Option<String>,
    #[param(value_type = Option<bool>)]
    pub contains_special_category: Option<String>,
    /// Only tickets changed at or after this time (RFC 3339).
    #[param(value_type = Option<DateTime<Utc>>)]
    pub updated_since: Option<String>,
}

/// A comment on a ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentDto {
    pub id: CommentId,
    pub ticket_id: TicketId,
    pub author: Party,
    pub visibility: CommentVisibility,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl From<Comment> for CommentDto {
    fn from(c: Comment) -> Self {
        CommentDto {
            id: c.id,
            ticket_id: c.ticket_id,
            author: c.author,
            visibility: c.visibility,
            body: c.body,
            created_at: c.created_at,
        }
    }
}

fn default_visibility() -> CommentVisibility {
    CommentVisibility::Public
}

/// A comment to add. `internal` comments are for the desk and never shown to requesters.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateComment {
    #[validate(length(min = 1, max = 20000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 20000, pattern = r"\S")]
    pub body: String,
    #[serde(default = "default_visibility")]
    pub visibility: CommentVisibility,
}

page! {
    /// A page of tickets.
    TicketPage of TicketDto
}

page! {
    /// A page of comments.
    CommentPage of CommentDto
}
