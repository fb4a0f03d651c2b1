//! The role an organisation plays in processing (Art 4(7), 4(8), 26, 28).

use crate::closed_set;

closed_set! {
    /// What an organisation is for a piece of processing. One organisation can be both: the
    /// Cabinet Office is controller for its own staff and processor for DCMS and DExEU.
    pub enum ProcessingRole for "role" {
        /// Art 4(7): decides the purposes and means.
        Controller = "controller",
        /// Art 26: decides them jointly with another controller, under an arrangement.
        JointController = "joint_controller",
        /// Art 4(8), 28: processes on a controller's behalf, under a contract.
        Processor = "processor",
        /// Art 28(2), (4): engaged by a processor, with the controller's authorisation.
        SubProcessor = "sub_processor",
    }
}

impl ProcessingRole {
    /// Whether the role decides the purposes of processing, and so answers for the lawful basis
    /// and the rights of the people concerned.
    pub fn decides_purposes(self) -> bool {
        matches!(
            self,
            ProcessingRole::Controller | ProcessingRole::JointController
        )
    }

    /// The record of processing the role keeps: Art 30(1) for controllers, Art 30(2) for
    /// processors, who record each controller they act for.
    pub fn record_article(self) -> &'static str {
        if self.decides_purposes() {
            "Art 30(1)"
        } else {
            "Art 30(2)"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controllers_keep_the_30_1_record_and_processors_the_30_2_record() {
        // Cabinet Office: controller of its own staff's data, processor for DCMS and DExEU.
        assert_eq!(ProcessingRole::Controller.record_article(), "Art 30(1)");
        assert_eq!(
            ProcessingRole::JointController.record_article(),
            "Art 30(1)"
        );
        assert_eq!(ProcessingRole::Processor.record_article(), "Art 30(2)");
        assert_eq!(ProcessingRole::SubProcessor.record_article(), "Art 30(2)");
        assert_eq!(
            serde_json::to_string(&ProcessingRole::SubProcessor).expect("json"),
            "\"sub_processor\""
        );
    }
}
