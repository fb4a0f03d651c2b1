//! What the person is told as their request moves: the notice of an extension with its reasons
//! (Art 12(3)), and the reasons for a refusal in whole or in part with their right to complain to
//! the Information Commissioner and to seek a judicial remedy (Art 12(4)). Generated here, stored
//! with the step that sent them.

use chrono::NaiveDate;

use super::outcome::{Outcome, OutcomeKind};
use crate::register::notice::{ICO_COMPLAINT_URL, ICO_NAME, ICO_PHONE};
use crate::register::rights::Right;

/// A date as a letter writes it: "5 October 2026".
pub fn written_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// "your subject access request", "your request for erasure", "your complaint".
fn your_request(right: Right) -> String {
    match right {
        Right::Access => "your subject access request".to_owned(),
        Right::Complaint => "your complaint".to_owned(),
        Right::WithdrawConsent => "your withdrawal of consent".to_owned(),
        other => format!("your request for {}", other.name()),
    }
}

fn months(n: u8) -> String {
    match n {
        1 => "one month".to_owned(),
        2 => "two months".to_owned(),
        n => format!("{n} months"),
    }
}

/// Art 12(3): the notice, sent before the first deadline, that the time to respond is extended
/// by `added` months (`total` in all), to `extended_due_on`, and why.
pub fn extension_notice(
    right: Right,
    received_on: NaiveDate,
    added: u8,
    total: u8,
    extended_due_on: NaiveDate,
    reasons: &str,
) -> String {
    let by = if total > added {
        format!("by a further {}, {} in all", months(added), months(total))
    } else {
        format!("by {}", months(added))
    };
    format!(
        "We received {} on {}. We need longer to answer it, so we have extended the time to \
         respond {by}, as Article 12(3) of the UK GDPR allows where requests are complex or \
         numerous. We will respond by {}. Our reasons: {}",
        your_request(right),
        written_date(received_on),
        written_date(extended_due_on),
        reasons.trim()
    )
}

/// Where the person can take it further: the Commissioner (Art 77) and the courts (Art 79).
fn remedies() -> String {
    format!(
        "You have the right to complain to the Information Commissioner ({ICO_NAME}, \
         {ICO_COMPLAINT_URL}, telephone {ICO_PHONE}) and to seek a judicial remedy through the \
         courts (Articles 12(4), 77 and 79 of the UK GDPR)."
    )
}

/// Art 12(4): for a refusal in whole or in part, the response telling the person the reasons,
/// the ground relied on, and their right to complain to the Commissioner and to a judicial
/// remedy. None for a request fulfilled.
pub fn refusal_response(right: Right, received_on: NaiveDate, outcome: &Outcome) -> Option<String> {
    let decision = match (right, outcome.kind) {
        (_, OutcomeKind::Fulfilled) => return None,
        (Right::Complaint, OutcomeKind::PartlyFulfilled) => {
            "We have looked into it and uphold it in part."
        }
        (Right::Complaint, OutcomeKind::Refused) => "We have looked into it and do not uphold it.",
        (_, OutcomeKind::PartlyFulfilled) => "We have done part of what you asked, not all of it.",
        (_, OutcomeKind::Refused) => "We have decided not to do what you asked.",
    };
    let mut text = format!(
        "We received {} on {}. {decision}",
        your_request(right),
        written_date(received_on)
    );
    if let Some(reasons) = outcome.reasons.as_deref().map(str::trim) {
        text.push_str(&format!(" Our reasons: {reasons}"));
        if !reasons.ends_with(['.', '!', '?']) {
            text.push('.');
        }
    }
    if let Some(ground) = outcome.ground {
        text.push_str(&format!(
            " We rely on {}: {}.",
            ground.citation(),
            ground.description()
        ));
    }
    text.push(' ');
    text.push_str(&remedies());
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rights_requests::outcome::RefusalGround;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("a real date")
    }

    #[test]
    fn dates_are_written_out() {
        assert_eq!(written_date(d(2026, 10, 5)), "5 October 2026");
        assert_eq!(written_date(d(2027, 1, 14)), "14 January 2027");
    }

    #[test]
    fn an_extension_notice_gives_the_new_date_and_the_reasons() {
        let first = extension_notice(
            Right::Access,
            d(2026, 9, 3),
            1,
            1,
            d(2026, 11, 3),
            "Ten years of tickets to review ",
        );
        assert_eq!(
            first,
            "We received your subject access request on 3 September 2026. We need longer to \
             answer it, so we have extended the time to respond by one month, as Article 12(3) \
             of the UK GDPR allows where requests are complex or numerous. We will respond by 3 \
             November 2026. Our reasons: Ten years of tickets to review"
        );
        let second = extension_notice(Right::Erasure, d(2026, 9, 3), 1, 2, d(2026, 12, 3), "More");
        assert!(second.contains("your request for erasure"));
        assert!(second.contains("by a further one month, two months in all"));
        assert!(second.contains("3 December 2026"));
    }

    #[test]
    fn a_refusal_names_its_ground_and_the_remedies() {
        let refused = Outcome {
            kind: OutcomeKind::Refused,
            ground: Some(RefusalGround::LegalObligationOrPublicTask),
            reasons: Some("We must keep payroll records for six years".into()),
        };
        let text = refusal_response(Right::Erasure, d(2026, 3, 2), &refused).expect("a refusal");
        assert!(text.starts_with("We received your request for erasure on 2 March 2026."));
        assert!(text.contains("Our reasons: We must keep payroll records for six years."));
        assert!(text.contains("We rely on Art 17(3)(b): keeping the data is necessary"));
        assert!(text.contains("complain to the Information Commissioner"));
        assert!(text.contains(ICO_COMPLAINT_URL));
        assert!(text.contains("judicial remedy"));

        let complaint = Outcome {
            kind: OutcomeKind::PartlyFulfilled,
            ground: None,
            reasons: Some("The delay was ours; the disclosure was lawful.".into()),
        };
        let text = refusal_response(Right::Complaint, d(2026, 6, 19), &complaint).expect("partly");
        assert!(text.contains("your complaint on 19 June 2026"));
        assert!(text.contains("uphold it in part"));
        assert!(text.contains("lawful. You have the right"));
        assert!(!text.contains("We rely on"));

        let done = Outcome {
            kind: OutcomeKind::Fulfilled,
            ground: None,
            reasons: None,
        };
        assert_eq!(refusal_response(Right::Access, d(2026, 6, 19), &done), None);
    }
}
