//! The attributes the desk serves for a User (RFC 7643 §4.1, §4.3), described once: the
//! `/Schemas` documents, attribute names (matched without regard to case, §2.1), what is
//! required, read-only or multi-valued all come from these tables.

use serde_json::{Value, json};

use super::{ENTERPRISE_SCHEMA, USER_SCHEMA};

/// An attribute's type (RFC 7643 §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Boolean,
    Complex,
    Reference,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Boolean => "boolean",
            Kind::Complex => "complex",
            Kind::Reference => "reference",
        }
    }
}

/// RFC 7643 §7 `mutability`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutability {
    ReadOnly,
    ReadWrite,
}

/// One attribute of a schema.
#[derive(Debug)]
pub struct Attribute {
    pub name: &'static str,
    pub kind: Kind,
    pub multi: bool,
    pub required: bool,
    pub case_exact: bool,
    pub mutability: Mutability,
    /// Unique across the organisation's users (`server`).
    pub unique: bool,
    pub canonical: &'static [&'static str],
    pub references: &'static [&'static str],
    pub sub: &'static [Attribute],
    pub description: &'static str,
}

const fn text(name: &'static str, description: &'static str) -> Attribute {
    Attribute {
        name,
        kind: Kind::String,
        multi: false,
        required: false,
        case_exact: false,
        mutability: Mutability::ReadWrite,
        unique: false,
        canonical: &[],
        references: &[],
        sub: &[],
        description,
    }
}

const fn required(attribute: Attribute) -> Attribute {
    Attribute {
        required: true,
        ..attribute
    }
}

const fn complex(
    name: &'static str,
    multi: bool,
    sub: &'static [Attribute],
    description: &'static str,
) -> Attribute {
    Attribute {
        kind: Kind::Complex,
        multi,
        sub,
        ..text(name, description)
    }
}

/// The desk holds one business value of each of these, always of type `work`.
const WORK: &[&str] = &["work"];
const fn work_type() -> Attribute {
    Attribute {
        canonical: WORK,
        ..text(
            "type",
            "Always `work`: the desk holds business contact details only.",
        )
    }
}

/// The core User schema's attributes the desk serves. Others (photos, ims, x509 certificates,
/// passwords, ...) are not personal data the desk has a purpose for, so they are not served,
/// and ignored when sent (Art 5(1)(c)).
pub const USER_ATTRIBUTES: &[Attribute] = &[
    Attribute {
        unique: true,
        ..required(text(
            "userName",
            "The name the person signs in with; unique in the organisation, compared without \
             regard to case.",
        ))
    },
    required(complex(
        "name",
        false,
        &[
            required(text("givenName", "Given name.")),
            required(text("familyName", "Family name.")),
        ],
        "The person's name.",
    )),
    Attribute {
        mutability: Mutability::ReadOnly,
        ..text(
            "displayName",
            "Given and family name, as the desk shows them.",
        )
    },
    complex(
        "emails",
        true,
        &[text("value", "A business email address."), work_type()],
        "The business email address (one is held: the primary, else the last given).",
    ),
    complex(
        "phoneNumbers",
        true,
        &[text("value", "A business telephone number."), work_type()],
        "The business telephone number (one is held).",
    ),
    complex(
        "addresses",
        true,
        &[
            text(
                "formatted",
                "The business address, lines separated by newlines.",
            ),
            work_type(),
        ],
        "The business address (one is held).",
    ),
    Attribute {
        kind: Kind::Boolean,
        ..required(text(
            "active",
            "False when the person has left or the identity system disabled them. Setting it \
             false (or deleting the user) records them as a leaver, with the desk work a leaver \
             brings: removal of accounts and recovery of assets.",
        ))
    },
];

/// The enterprise extension's attributes the desk serves (RFC 7643 §4.3).
pub const ENTERPRISE_ATTRIBUTES: &[Attribute] = &[
    text(
        "employeeNumber",
        "The organisation's number for the person.",
    ),
    text("department", "The person's department; a change is a move."),
    complex(
        "manager",
        false,
        &[
            text("value", "The id of the manager's User."),
            Attribute {
                kind: Kind::Reference,
                references: &["User"],
                ..text("$ref", "The URI of the manager's User.")
            },
        ],
        "The person's manager, a User of the same organisation.",
    ),
];

/// The attributes of a schema URN the desk serves, matched without regard to case.
pub fn attributes_of(urn: &str) -> Option<&'static [Attribute]> {
    if urn.eq_ignore_ascii_case(USER_SCHEMA) {
        Some(USER_ATTRIBUTES)
    } else if urn.eq_ignore_ascii_case(ENTERPRISE_SCHEMA) {
        Some(ENTERPRISE_ATTRIBUTES)
    } else {
        None
    }
}

/// The attribute named `name` (any case) among `attributes`.
pub fn find<'a>(attributes: &'a [Attribute], name: &str) -> Option<&'a Attribute> {
    attributes
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(name))
}

fn attribute_json(attribute: &Attribute) -> Value {
    let mut doc = json!({
        "name": attribute.name,
        "type": attribute.kind.as_str(),
        "multiValued": attribute.multi,
        "description": attribute.description,
        "required": attribute.required,
        "caseExact": attribute.case_exact,
        "mutability": match attribute.mutability {
            Mutability::ReadOnly => "readOnly",
            Mutability::ReadWrite => "readWrite",
        },
        "returned": "default",
        "uniqueness": if attribute.unique { "server" } else { "none" },
    });
    if !attribute.canonical.is_empty() {
        doc["canonicalValues"] = json!(attribute.canonical);
    }
    if !attribute.references.is_empty() {
        doc["referenceTypes"] = json!(attribute.references);
    }
    if !attribute.sub.is_empty() {
        doc["subAttributes"] = attribute.sub.iter().map(attribute_json).collect();
    }
    doc
}

/// The `/Schemas` resource for `urn` (RFC 7643 §7), with its `meta.location` under `base`.
pub fn schema_resource(urn: &str, base: &str) -> Option<Value> {
    let attributes = attributes_of(urn)?;
    let (id, name, description) = if urn.eq_ignore_ascii_case(USER_SCHEMA) {
        (USER_SCHEMA, "User", "A person the desk serves.")
    } else {
        (
            ENTERPRISE_SCHEMA,
            "EnterpriseUser",
            "The person's place in the organisation.",
        )
    };
    Some(json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": id,
        "name": name,
        "description": description,
        "attributes": attributes.iter().map(attribute_json).collect::<Vec<_>>(),
        "meta": { "resourceType": "Schema", "location": format!("{base}/Schemas/{id}") },
    }))
}

/// The schema URNs `/Schemas` lists.
pub const SCHEMAS: &[&str] = &[USER_SCHEMA, ENTERPRISE_SCHEMA];

/// The `/ResourceTypes/User` resource (RFC 7643 §6).
pub fn user_resource_type(base: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "People of the organisation, provisioned by its identity system.",
        "schema": USER_SCHEMA,
        "schemaExtensions": [{ "schema": ENTERPRISE_SCHEMA, "required": false }],
        "meta": { "resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/User") },
    })
}

/// The `/ServiceProviderConfig` resource (RFC 7643 §5): what the desk supports.
pub fn service_provider_config(base: &str, max_results: u32) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "documentationUri": format!("{base}/Schemas"),
        "patch": { "supported": true },
        "bulk": { "supported": false, "maxOperations": 0, "maxPayloadSize": 0 },
        "filter": { "supported": true, "maxResults": max_results },
        "changePassword": { "supported": false },
        "sort": { "supported": false },
        "etag": { "supported": false },
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "A bearer JWT of the organisation with the integrator role.",
            "primary": true,
        }],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": format!("{base}/ServiceProviderConfig"),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_without_regard_to_case() {
        assert_eq!(
            find(USER_ATTRIBUTES, "USERNAME").map(|a| a.name),
            Some("userName")
        );
        assert!(find(USER_ATTRIBUTES, "password").is_none());
        assert!(attributes_of(&ENTERPRISE_SCHEMA.to_uppercase()).is_some());
    }

    #[test]
    fn schema_documents_describe_every_attribute() {
        let doc = schema_resource(USER_SCHEMA, "https://desk.example/scim/v2")
            .expect("valid in the test");
        let names: Vec<&str> = doc["attributes"]
            .as_array()
            .expect("valid in the test")
            .iter()
            .map(|a| a["name"].as_str().expect("valid in the test"))
            .collect();
        assert_eq!(
            names,
            [
                "userName",
                "name",
                "displayName",
                "emails",
                "phoneNumbers",
                "addresses",
                "active"
            ]
        );
        assert_eq!(doc["attributes"][0]["uniqueness"], "server");
        assert_eq!(
            doc["attributes"][3]["subAttributes"][1]["canonicalValues"][0],
            "work"
        );
        assert!(schema_resource("urn:example:other", "b").is_none());
    }
}
