//! Notices to recipients (Art 19): each recipient a person's data was disclosed to is told of
//! its rectification (Art 16), erasure (Art 17(1)) or restriction (Art 18), unless that proves
//! impossible or involves disproportionate effort; and the person is told who they were, when
//! they ask. A recipient told of a restriction stores the data and no more until told it is
//! lifted (Art 18(3)), so each recipient told of one is told of its lifting too. A notice says what was done and to what, never the data itself: the recorded
//! notice must not become another copy of what it is about.

use crate::closed_set;

closed_set! {
    /// What a notice tells a recipient of.
    pub enum NoticeAction for "action" {
        /// Art 16: data corrected, or completed by a supplementary statement.
        Rectification = "rectification",
        /// Art 17(1): data erased.
        Erasure = "erasure",
        /// Art 18: processing restricted.
        Restriction = "restriction",
        /// Art 18(3): a restriction the recipient was told of lifted.
        RestrictionLifted = "restriction_lifted",
    }
}

impl NoticeAction {
    /// The provision of what was done.
    pub fn article(self) -> &'static str {
        match self {
            NoticeAction::Rectification => "Art 16",
            NoticeAction::Erasure => "Art 17(1)",
            NoticeAction::Restriction => "Art 18",
            NoticeAction::RestrictionLifted => "Art 18(3)",
        }
    }
}

/// The words of a notice telling a recipient that `action` was done to `concerning` (the fields,
/// categories or purposes, in words). It names no value of the person's data.
pub fn notice_text(action: NoticeAction, concerning: &[&str]) -> String {
    let what = concerning.join(", ");
    let article = action.article();
    match action {
        NoticeAction::Rectification => format!(
            "Under Art 19 UK GDPR we tell you that personal data about this person that we \
             disclosed to you has been rectified ({article}): {what}. Please rectify the copy you \
             hold; we send the corrected record on request."
        ),
        NoticeAction::Erasure => format!(
            "Under Art 19 UK GDPR we tell you that personal data about this person that we \
             disclosed to you has been erased ({article}): {what}. Please erase the copy you hold."
        ),
        NoticeAction::Restriction => format!(
            "Under Art 19 UK GDPR we tell you that processing of personal data about this person \
             that we disclosed to you has been restricted ({article}) for: {what}. Until we tell \
             you it is lifted, store the data but do not otherwise process it, unless the person \
             consents or it is needed for legal claims, to protect another's rights or for an \
             important public interest (Art 18(2))."
        ),
        NoticeAction::RestrictionLifted => format!(
            "Under Art 19 UK GDPR we tell you that the restriction of processing of personal \
             data about this person that we disclosed to you, of which we told you, has been \
             lifted ({article}) for: {what}. The restriction no longer binds the copy you hold."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_notice_cites_article_19_and_what_was_done() {
        for &action in NoticeAction::ALL {
            let text = notice_text(action, &["family name", "email address"]);
            assert!(text.starts_with("Under Art 19 UK GDPR"), "{text}");
            assert!(text.contains(action.article()), "{text}");
            assert!(text.contains("family name, email address"), "{text}");
        }
    }

    #[test]
    fn a_restriction_notice_says_what_the_recipient_may_still_do() {
        let text = notice_text(NoticeAction::Restriction, &["Support tickets"]);
        assert!(text.contains("store the data"), "{text}");
        assert!(text.contains("Art 18(2)"), "{text}");
    }

    #[test]
    fn a_lifting_notice_says_the_restriction_no_longer_binds() {
        let text = notice_text(NoticeAction::RestrictionLifted, &["Support tickets"]);
        assert!(
            text.contains("lifted (Art 18(3)) for: Support tickets"),
            "{text}"
        );
        assert!(text.contains("no longer binds"), "{text}");
    }
}
