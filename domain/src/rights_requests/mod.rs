//! Requests by people to exercise their rights (UK GDPR Chapter III, Art 7(3), DPA 2018 s.164A)
//! and the statutory clocks that run on them.
//!
//! - [`bank_holidays`]: the working days of each UK nation, with one-off days.
//! - [`clock`]: the Art 12(3) response deadline, its extension, and the s.164A complaint
//!   acknowledgement.
//! - [`steps`]: what happens to a request after it is received, and which step may come when.
//! - [`outcome`]: how a request ends, and the grounds for refusing one.
//! - [`letters`]: what the person is told of an extension or a refusal.

pub mod bank_holidays;
pub mod clock;
pub mod letters;
pub mod outcome;
pub mod steps;

pub use bank_holidays::{BankHolidays, Nation};
pub use clock::{RelevantTime, Urgency, acknowledge_by, due_on, extended_due_on, uk_date, urgency};
pub use outcome::{Outcome, OutcomeKind, RefusalGround};
pub use steps::{Applied, Awaiting, Deadlines, Progress, Step, StepKind, step_day};

use crate::closed_set;

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
    /// Where a request stands.
    pub enum RequestStatus for "status" {
        /// Received and not yet answered; the clock runs.
        Open = "open",
        /// Waiting for information the controller asked the person for (identity,
        /// clarification); the clock starts again when it arrives.
        Paused = "paused",
        /// Answered: its outcome was given.
        Closed = "closed",
    }
}

impl RequestStatus {
    /// Whether the request is still to be answered: in the DPO's queue.
    pub fn is_pending(self) -> bool {
        self != RequestStatus::Closed
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::register::rights::Right;

    #[test]
    fn only_complaints_carry_an_acknowledgement_date() {
        let received = NaiveDate::from_ymd_opt(2026, 12, 2).expect("a real date");
        let rules = BankHolidays::default();
        let complaint = Progress::received(Right::Complaint, Nation::Scotland, received);
        let complaint = complaint.deadlines(&rules);
        assert_eq!(
            complaint.acknowledge_by,
            NaiveDate::from_ymd_opt(2027, 1, 1)
        );
        // 2 January 2027 is a Saturday; Monday 4 January is the Scottish substitute.
        assert_eq!(
            complaint.due_on,
            NaiveDate::from_ymd_opt(2027, 1, 5).expect("a real date")
        );
        let access = Progress::received(Right::Access, Nation::EnglandAndWales, received);
        let access = access.deadlines(&rules);
        assert_eq!(access.acknowledge_by, None);
        assert_eq!(access.extended_due_on, None);
        assert_eq!(
            access.due_on,
            NaiveDate::from_ymd_opt(2027, 1, 4).expect("a real date")
        );
    }

    #[test]
    fn closed_requests_leave_the_queue() {
        assert!(RequestStatus::Open.is_pending());
        assert!(RequestStatus::Paused.is_pending());
        assert!(!RequestStatus::Closed.is_pending());
    }
}
