//! Requests by people to exercise their rights (UK GDPR Chapter III, Art 7(3), DPA 2018 s.164A)
//! and the statutory clocks that run on them.
//!
//! - [`bank_holidays`]: the working days of each UK nation.
//! - [`clock`]: the Art 12(3) response deadline and the s.164A complaint acknowledgement.

pub mod bank_holidays;
pub mod clock;

use chrono::NaiveDate;

use crate::closed_set;
use crate::register::rights::Right;

pub use bank_holidays::Nation;
pub use clock::{RelevantTime, Urgency, acknowledge_by, due_on, uk_date, urgency};

closed_set! {
    /// How a request reached the controller.
    pub enum Channel for "channel" {
        /// Made by the person through the desk.
        SelfService = "self_service",
        /// Received by letter.
        Letter = "letter",
        /// Received by telephone.
        Phone = "phone",
        /// Received by email.
        Email = "email",
        /// Made in person.
        InPerson = "in_person",
    }
}

closed_set! {
    /// Where a request stands. This slice only opens requests.
    pub enum RequestStatus for "status" {
        /// Received and not yet answered.
        Open = "open",
    }
}

/// The deadlines of a request, computed once from its right, relevant time and nation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// Art 12(3): the day by which the controller responds.
    pub due_on: NaiveDate,
    /// DPA 2018 s.164A: for complaints, the day by which receipt is acknowledged.
    pub acknowledge_by: Option<NaiveDate>,
}

impl Deadlines {
    /// The deadlines of a request for `right`.
    pub fn of(right: Right, relevant: &RelevantTime, nation: Nation) -> Self {
        Self {
            due_on: due_on(relevant, nation),
            acknowledge_by: (right == Right::Complaint)
                .then(|| acknowledge_by(relevant.received_on)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_complaints_carry_an_acknowledgement_date() {
        let received = NaiveDate::from_ymd_opt(2026, 12, 2).expect("a real date");
        let relevant = RelevantTime::received(received);
        let complaint = Deadlines::of(Right::Complaint, &relevant, Nation::Scotland);
        assert_eq!(
            complaint.acknowledge_by,
            NaiveDate::from_ymd_opt(2027, 1, 1)
        );
        // 2 January 2027 is a Saturday; Monday 4 January is the Scottish substitute.
        assert_eq!(
            complaint.due_on,
            NaiveDate::from_ymd_opt(2027, 1, 5).expect("a real date")
        );
        let access = Deadlines::of(Right::Access, &relevant, Nation::EnglandAndWales);
        assert_eq!(access.acknowledge_by, None);
        assert_eq!(
            access.due_on,
            NaiveDate::from_ymd_opt(2027, 1, 4).expect("a real date")
        );
    }
}
