//! One organisation's register as it stood at a moment: what the Art 30 record, the privacy
//! notice, the lints and the data map are all made from.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::closed_set;
use crate::ids::{DataCategoryId, PurposeId, RecipientId, RetentionPolicyId, TransferId};
use crate::organisation::OrgSlug;

use super::data_category::DataCategory;
use super::identity::OrganisationDetails;
use super::lint::{Lint, lint_purpose, lint_transfer};
use super::purpose::Purpose;
use super::recipient::Recipient;
use super::retention::RetentionPolicy;
use super::transfer::Transfer;
use super::violation::RuleViolation;

closed_set! {
    /// The kinds of entry a register holds, each versioned on its own.
    pub enum EntryKind for "kind" {
        /// The organisation's identity and contacts.
        Organisation = "organisation",
        Purpose = "purpose",
        DataCategory = "data_category",
        Recipient = "recipient",
        Transfer = "transfer",
        RetentionPolicy = "retention_policy",
        /// A processing agreement, held in the controller's register.
        ProcessingAgreement = "processing_agreement",
    }
}

closed_set! {
    /// What a change did to a register entry.
    pub enum ChangeAction for "action" {
        Created = "created",
        Updated = "updated",
        Deleted = "deleted",
    }
}

/// One entry of a register, as a write puts it. Serialises as the entry itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
#[expect(
    clippy::large_enum_variant,
    reason = "one entry is built per write; boxing the purpose would buy nothing"
)]
pub enum Entry {
    Purpose(Purpose),
    DataCategory(DataCategory),
    Recipient(Recipient),
    Transfer(Transfer),
    RetentionPolicy(RetentionPolicy),
}

impl Entry {
    pub fn kind(&self) -> EntryKind {
        match self {
            Entry::Purpose(_) => EntryKind::Purpose,
            Entry::DataCategory(_) => EntryKind::DataCategory,
            Entry::Recipient(_) => EntryKind::Recipient,
            Entry::Transfer(_) => EntryKind::Transfer,
            Entry::RetentionPolicy(_) => EntryKind::RetentionPolicy,
        }
    }

    pub fn id(&self) -> Uuid {
        match self {
            Entry::Purpose(p) => p.id.as_uuid(),
            Entry::DataCategory(c) => c.id.as_uuid(),
            Entry::Recipient(r) => r.id.as_uuid(),
            Entry::Transfer(t) => t.id.as_uuid(),
            Entry::RetentionPolicy(r) => r.id.as_uuid(),
        }
    }
}

/// An entry cannot be removed while purposes still refer to it: removing it would leave them
/// naming data, recipients or rules the register no longer describes (Art 30(1)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InUse {
    /// The names of the purposes that refer to the entry.
    pub purposes: Vec<String>,
}

/// Every entry of one organisation's register, each list in the order the entries were made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Register {
    pub slug: OrgSlug,
    pub organisation: OrganisationDetails,
    pub purposes: Vec<Purpose>,
    pub data_categories: Vec<DataCategory>,
    pub recipients: Vec<Recipient>,
    pub transfers: Vec<Transfer>,
    pub retention_policies: Vec<RetentionPolicy>,
}

impl Register {
    pub fn purpose(&self, id: PurposeId) -> Option<&Purpose> {
        self.purposes.iter().find(|p| p.id == id)
    }

    pub fn data_category(&self, id: DataCategoryId) -> Option<&DataCategory> {
        self.data_categories.iter().find(|c| c.id == id)
    }

    pub fn recipient(&self, id: RecipientId) -> Option<&Recipient> {
        self.recipients.iter().find(|r| r.id == id)
    }

    pub fn transfer(&self, id: TransferId) -> Option<&Transfer> {
        self.transfers.iter().find(|t| t.id == id)
    }

    pub fn retention_policy(&self, id: RetentionPolicyId) -> Option<&RetentionPolicy> {
        self.retention_policies.iter().find(|r| r.id == id)
    }

    /// The data categories of `purpose`, in the purpose's order.
    pub fn categories_of<'a>(
        &'a self,
        purpose: &'a Purpose,
    ) -> impl Iterator<Item = &'a DataCategory> {
        purpose
            .data_categories
            .iter()
            .filter_map(|id| self.data_category(*id))
    }

    /// The recipients of `purpose`, in the purpose's order.
    pub fn recipients_of<'a>(
        &'a self,
        purpose: &'a Purpose,
    ) -> impl Iterator<Item = &'a Recipient> {
        purpose
            .recipients
            .iter()
            .filter_map(|id| self.recipient(*id))
    }

    /// The transfers of `purpose`, in the purpose's order.
    pub fn transfers_of<'a>(&'a self, purpose: &'a Purpose) -> impl Iterator<Item = &'a Transfer> {
        purpose.transfers.iter().filter_map(|id| self.transfer(*id))
    }

    /// The retention policy of `purpose`, if it names one the register holds.
    pub fn retention_of(&self, purpose: &Purpose) -> Option<&RetentionPolicy> {
        purpose
            .retention_policy
            .and_then(|id| self.retention_policy(id))
    }

    /// Puts `entry` in the register, in place of the entry with its id or after the others, and
    /// checks every rule the change touches, all breaches at once:
    ///
    /// - the entry's own rules (`Purpose::validate` and the rest);
    /// - a purpose names only data categories, recipients, transfers and a retention policy the
    ///   register holds (Art 30(1));
    /// - a data category turned special still has an Art 9(2) condition on every purpose that
    ///   holds it (Art 9(1)).
    ///
    /// On refusal the register is left as it was.
    pub fn put(&mut self, entry: Entry) -> Result<(), Vec<RuleViolation>> {
        let before = self.clone();
        let result = match entry {
            Entry::Purpose(purpose) => {
                let violations = self.purpose_violations(&purpose);
                upsert(&mut self.purposes, purpose, |p| p.id.as_uuid());
                violations
            }
            Entry::DataCategory(category) => {
                let mut violations = category.validate().err().unwrap_or_default();
                let id = category.id;
                upsert(&mut self.data_categories, category, |c| c.id.as_uuid());
                for purpose in self
                    .purposes
                    .iter()
                    .filter(|p| p.data_categories.contains(&id))
                {
                    if purpose.processes_special_category(&self.data_categories)
                        && purpose.special_category_condition.is_none()
                    {
                        violations.push(RuleViolation::new(
                            "special",
                            "Art 9(1)",
                            format!(
                                "purpose \"{}\" holds this category without an Art 9(2) condition",
                                purpose.name
                            ),
                        ));
                    }
                }
                violations
            }
            Entry::Recipient(recipient) => {
                let violations = recipient.validate().err().unwrap_or_default();
                upsert(&mut self.recipients, recipient, |r| r.id.as_uuid());
                violations
            }
            Entry::Transfer(transfer) => {
                let violations = transfer.validate().err().unwrap_or_default();
                upsert(&mut self.transfers, transfer, |t| t.id.as_uuid());
                violations
            }
            Entry::RetentionPolicy(policy) => {
                let violations = policy.validate().err().unwrap_or_default();
                upsert(&mut self.retention_policies, policy, |r| r.id.as_uuid());
                violations
            }
        };
        if result.is_empty() {
            Ok(())
        } else {
            *self = before;
            Err(result)
        }
    }

    /// Removes the entry of `kind` with `id`. Data categories, recipients, transfers and
    /// retention policies that purposes still name stay. Returns whether the entry was there.
    pub fn remove(&mut self, kind: EntryKind, id: Uuid) -> Result<bool, InUse> {
        let users: Vec<String> = self
            .purposes
            .iter()
            .filter(|p| match kind {
                EntryKind::DataCategory => p.data_categories.iter().any(|c| c.as_uuid() == id),
                EntryKind::Recipient => p.recipients.iter().any(|r| r.as_uuid() == id),
                EntryKind::Transfer => p.transfers.iter().any(|t| t.as_uuid() == id),
                EntryKind::RetentionPolicy => p.retention_policy.is_some_and(|r| r.as_uuid() == id),
                _ => false,
            })
            .map(|p| p.name.clone())
            .collect();
        if !users.is_empty() {
            return Err(InUse { purposes: users });
        }
        let before = self.entry_count();
        match kind {
            EntryKind::Purpose => self.purposes.retain(|p| p.id.as_uuid() != id),
            EntryKind::DataCategory => self.data_categories.retain(|c| c.id.as_uuid() != id),
            EntryKind::Recipient => self.recipients.retain(|r| r.id.as_uuid() != id),
            EntryKind::Transfer => self.transfers.retain(|t| t.id.as_uuid() != id),
            EntryKind::RetentionPolicy => self.retention_policies.retain(|r| r.id.as_uuid() != id),
            EntryKind::Organisation | EntryKind::ProcessingAgreement => {}
        }
        Ok(self.entry_count() < before)
    }

    fn entry_count(&self) -> usize {
        self.purposes.len()
            + self.data_categories.len()
            + self.recipients.len()
            + self.transfers.len()
            + self.retention_policies.len()
    }

    /// The purpose's own rules, and that what it names is in the register.
    fn purpose_violations(&self, purpose: &Purpose) -> Vec<RuleViolation> {
        let mut violations = purpose
            .validate(&self.data_categories)
            .err()
            .unwrap_or_default();
        let missing = |field: &'static str, what: &str| {
            RuleViolation::new(
                field,
                "Art 30(1)",
                format!("names {what} the organisation's register does not hold"),
            )
        };
        if purpose
            .data_categories
            .iter()
            .any(|id| self.data_category(*id).is_none())
        {
            violations.push(missing("data_categories", "a data category"));
        }
        if purpose
            .recipients
            .iter()
            .any(|id| self.recipient(*id).is_none())
        {
            violations.push(missing("recipients", "a recipient"));
        }
        if purpose
            .transfers
            .iter()
            .any(|id| self.transfer(*id).is_none())
        {
            violations.push(missing("transfers", "a transfer"));
        }
        if purpose
            .retention_policy
            .is_some_and(|id| self.retention_policy(id).is_none())
        {
            violations.push(missing("retention_policy", "a retention policy"));
        }
        violations
    }

    /// Every lint of the register: each purpose's in the register's order, then each transfer's.
    pub fn lints(&self) -> Vec<Lint> {
        let public_authority = self.organisation.public_authority;
        let purposes = self
            .purposes
            .iter()
            .flat_map(|p| lint_purpose(public_authority, p, &self.retention_policies));
        let transfers = self.transfers.iter().flat_map(lint_transfer);
        purposes.chain(transfers).collect()
    }
}

/// Replaces the item with `item`'s id, or appends it.
fn upsert<T>(items: &mut Vec<T>, item: T, id: impl Fn(&T) -> Uuid) {
    let key = id(&item);
    match items.iter_mut().find(|existing| id(existing) == key) {
        Some(slot) => *slot = item,
        None => items.push(item),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::demo;

    fn fields(result: Result<(), Vec<RuleViolation>>) -> Vec<&'static str> {
        result
            .err()
            .unwrap_or_default()
            .iter()
            .map(|v| v.field)
            .collect()
    }

    #[test]
    fn a_purpose_names_only_what_the_register_holds() {
        let mut register = demo::devon();
        let mut purpose = demo::purpose_named(&register, "Support tickets");
        purpose
            .recipients
            .push(RecipientId::from_uuid(Uuid::from_u128(0xdead)));
        purpose.retention_policy = Some(RetentionPolicyId::from_uuid(Uuid::from_u128(0xbeef)));
        let before = register.clone();
        assert_eq!(
            fields(register.put(Entry::Purpose(purpose))),
            ["recipients", "retention_policy"]
        );
        assert_eq!(register, before, "a refused put changes nothing");
    }

    #[test]
    fn turning_a_category_special_needs_a_condition_on_every_purpose_holding_it() {
        let mut register = demo::devon();
        let mut contact = register.data_categories[0].clone();
        contact.special = true;
        // Support tickets hold contact details with no Art 9(2) condition; safeguarding has one.
        let refusal = register
            .put(Entry::DataCategory(contact))
            .expect_err("refused");
        assert_eq!(refusal.len(), 1);
        assert_eq!(refusal[0].field, "special");
        assert!(refusal[0].message.contains("Support tickets"));
        assert!(!register.data_categories[0].special);
    }

    #[test]
    fn puts_replace_by_id_or_append() {
        let mut register = demo::devon();
        let mut tickets = demo::purpose_named(&register, "Support tickets");
        tickets.description = "Record support tickets".into();
        let count = register.purposes.len();
        assert_eq!(register.put(Entry::Purpose(tickets.clone())), Ok(()));
        assert_eq!(register.purposes.len(), count);
        assert_eq!(register.purpose(tickets.id), Some(&tickets));
        tickets.id = PurposeId::from_uuid(Uuid::from_u128(0x2_9999));
        assert_eq!(register.put(Entry::Purpose(tickets)), Ok(()));
        assert_eq!(register.purposes.len(), count + 1);
    }

    #[test]
    fn entries_purposes_name_cannot_be_removed() {
        let mut register = demo::devon();
        let retention = register.retention_policies[0].id.as_uuid();
        let in_use = register
            .remove(EntryKind::RetentionPolicy, retention)
            .expect_err("in use");
        assert!(in_use.purposes.contains(&"Support tickets".to_owned()));
        for purpose in register.purposes.clone() {
            assert_eq!(
                register.remove(EntryKind::Purpose, purpose.id.as_uuid()),
                Ok(true)
            );
        }
        assert_eq!(
            register.remove(EntryKind::RetentionPolicy, retention),
            Ok(true)
        );
        assert_eq!(
            register.remove(EntryKind::RetentionPolicy, retention),
            Ok(false)
        );
    }
}
