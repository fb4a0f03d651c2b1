//! Duties the DPO grants an agent by name, beyond what the agent role gives: one mechanism for
//! every need-to-know that is narrower than a role (Art 5(1)(c), 5(1)(f), 32).

use crate::closed_set;

closed_set! {
    /// What a grant lets an agent do. An agent is named by token subject in the organisation
    /// that granted it; a processor's user acting for a controller is never granted.
    pub enum Duty for "duty" {
        /// Read and record people's reasonable adjustments (Art 9).
        Adjustments = "adjustments",
        /// Record and read disclosures of people's data to recipients (Art 19, 30(1)(d)).
        Disclosures = "disclosures",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duties_speak_their_wire_names() {
        for &duty in Duty::ALL {
            assert_eq!(duty.as_str().parse(), Ok(duty));
        }
        assert!("everything".parse::<Duty>().is_err());
    }
}
