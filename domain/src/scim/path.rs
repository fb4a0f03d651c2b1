//! Attribute paths (RFC 7644 §3.10): `userName`, `name.givenName`, or one prefixed by its
//! schema URN, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`.

use super::schema::{SCHEMAS, attributes_of};

/// A parsed attribute path. `urn` is the schema's canonical URN when one was written; `attr`
/// is absent when the path is a bare schema URN (the extension as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPath {
    pub urn: Option<&'static str>,
    pub attr: Option<String>,
    pub sub: Option<String>,
}

fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    (text == "$ref")
        || chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl AttrPath {
    /// The path, or a message saying what is wrong with it (no value is repeated).
    pub fn parse(text: &str) -> Result<AttrPath, String> {
        let mut urn = None;
        let mut rest = text;
        if text.len() >= 4 && text[..4].eq_ignore_ascii_case("urn:") {
            let known = SCHEMAS.iter().find(|u| {
                text.len() >= u.len()
                    && text.is_char_boundary(u.len())
                    && text[..u.len()].eq_ignore_ascii_case(u)
            });
            let Some(known) = known else {
                return Err("names a schema this service does not serve".into());
            };
            urn = Some(*known);
            rest = &text[known.len()..];
            if rest.is_empty() {
                return Ok(AttrPath {
                    urn,
                    attr: None,
                    sub: None,
                });
            }
            rest = rest
                .strip_prefix(':')
                .ok_or_else(|| "names a schema this service does not serve".to_owned())?;
        }
        let (attr, sub) = match rest.split_once('.') {
            Some((attr, sub)) => (attr, Some(sub)),
            None => (rest, None),
        };
        if !is_name(attr) || sub.is_some_and(|s| !is_name(s)) {
            return Err("is not an attribute path".into());
        }
        Ok(AttrPath {
            urn,
            attr: Some(attr.to_owned()),
            sub: sub.map(str::to_owned),
        })
    }

    /// The path's schema: its URN if written, else the core User schema.
    pub fn schema(&self) -> &'static str {
        self.urn.unwrap_or(super::USER_SCHEMA)
    }

    /// Whether the path names an attribute (and sub-attribute) the desk serves, without regard
    /// to case; a bare extension URN is served.
    pub fn is_served(&self) -> bool {
        let Some(attributes) = attributes_of(self.schema()) else {
            return false;
        };
        let Some(attr) = &self.attr else {
            return self.urn.is_some();
        };
        match super::schema::find(attributes, attr) {
            None => false,
            Some(found) => self
                .sub
                .as_deref()
                .is_none_or(|sub| super::schema::find(found.sub, sub).is_some()),
        }
    }

    /// `attr` or `attr.sub`, lower case, without the URN: what code matches on.
    pub fn key(&self) -> String {
        let attr = self.attr.as_deref().unwrap_or("").to_ascii_lowercase();
        match &self.sub {
            Some(sub) => format!("{attr}.{}", sub.to_ascii_lowercase()),
            None => attr,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scim::{ENTERPRISE_SCHEMA, USER_SCHEMA};

    #[test]
    fn plain_dotted_and_prefixed_paths_parse() {
        let p = AttrPath::parse("name.givenName").expect("valid in the test");
        assert_eq!(
            (p.attr.as_deref(), p.sub.as_deref()),
            (Some("name"), Some("givenName"))
        );
        let p = AttrPath::parse(&format!("{USER_SCHEMA}:userName")).expect("valid in the test");
        assert_eq!(p.key(), "username");
        let p = AttrPath::parse(&format!(
            "{}:manager.value",
            ENTERPRISE_SCHEMA.to_lowercase()
        ))
        .expect("valid in the test");
        assert_eq!(
            (p.urn, p.key().as_str()),
            (Some(ENTERPRISE_SCHEMA), "manager.value")
        );
        let bare = AttrPath::parse(ENTERPRISE_SCHEMA).expect("valid in the test");
        assert!(bare.attr.is_none() && bare.is_served());
    }

    #[test]
    fn unknown_schemas_and_bad_names_are_refused() {
        assert!(AttrPath::parse("urn:example:other:x").is_err());
        assert!(AttrPath::parse("1abc").is_err());
        assert!(AttrPath::parse("name.").is_err());
        assert!(
            !AttrPath::parse("password")
                .expect("valid in the test")
                .is_served()
        );
        assert!(
            AttrPath::parse("emails.value")
                .expect("valid in the test")
                .is_served()
        );
        assert!(
            !AttrPath::parse("emails.display")
                .expect("valid in the test")
                .is_served()
        );
    }
}
