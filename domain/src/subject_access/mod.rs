//! Subject access (Art 15) and data portability (Art 20): what a bundle answering a rights
//! request holds, decided table by table and column by column from the personal-data
//! catalogue, so that no feature names the tables itself.
//!
//! - [`Scope`]: which rights a bundle answers, and how far each reaches.
//! - [`shown`]: for each column of a row found for the person, whether it is shown, withheld
//!   (and why: another person's data, the desk's internal notes, the staff who acted) or left
//!   out; audit actors are shown only as a kind ([`ActorKind`]).
//! - [`portability`]: which rows and columns the person provided themselves, on a basis that
//!   gives portability.
//!
//! The walk itself (finding rows, streaming them out) is storage's and the API's; the rules
//! are here.

pub mod portability;
pub mod shown;
pub mod walk;

use std::fmt;

use crate::closed_set;
use crate::register::rights::Right;

pub use portability::{Provider, extent, portable_shown, provider};
pub use shown::{ActorKind, Names, RowFacts, Shown, Withheld, WithheldReason, row_withheld, shown};
pub use walk::{Finder, Left, LeftOut, TablePlan, plan};

closed_set! {
    /// What a bundle answers: a copy of everything (Art 15), or what the person provided, to
    /// take elsewhere (Art 20).
    pub enum Scope for "scope" {
        /// Art 15: the person's data, the facts of its processing, and who accessed it.
        Access = "access",
        /// Art 20: only what the person provided, processed on consent or contract.
        Portability = "portability",
    }
}

/// A request whose right no bundle answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotABundle(pub Right);

impl fmt::Display for NotABundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a bundle answers a request of access (Art 15) or portability (Art 20); this \
             request is of {} ({}), which is answered otherwise",
            self.0,
            self.0.article()
        )
    }
}

impl Scope {
    /// The bundle answering a request of `right`: access and portability have one, every other
    /// right is answered by doing something (correcting, erasing, restricting), not by a copy.
    pub fn of(right: Right) -> Result<Scope, NotABundle> {
        match right {
            Right::Access => Ok(Scope::Access),
            Right::Portability => Ok(Scope::Portability),
            other => Err(NotABundle(other)),
        }
    }

    /// The provision the bundle answers.
    pub fn article(self) -> &'static str {
        match self {
            Scope::Access => "Art 15",
            Scope::Portability => "Art 20",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_access_and_portability_have_a_bundle() {
        assert_eq!(Scope::of(Right::Access), Ok(Scope::Access));
        assert_eq!(Scope::of(Right::Portability), Ok(Scope::Portability));
        for right in Right::ALL {
            if !matches!(right, Right::Access | Right::Portability) {
                assert_eq!(Scope::of(*right), Err(NotABundle(*right)));
            }
        }
    }

    #[test]
    fn a_refusal_names_the_rule_and_the_right() {
        let text = NotABundle(Right::Erasure).to_string();
        assert!(text.contains("Art 15"), "{text}");
        assert!(text.contains("Art 20"), "{text}");
        assert!(text.contains("erasure (Art 17)"), "{text}");
    }
}
