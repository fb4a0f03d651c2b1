//! `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): which attributes a
//! response carries. `id` and `schemas` are always returned.

use serde_json::{Map, Value};

use super::ENTERPRISE_SCHEMA;
use super::error::ScimError;
use super::path::AttrPath;

const ALWAYS: &[&str] = &["id", "schemas"];

/// The attributes asked for, or those left out; at most one of the two is given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Projection {
    only: Vec<AttrPath>,
    without: Vec<AttrPath>,
}

fn paths(list: Option<&str>) -> Result<Vec<AttrPath>, ScimError> {
    list.map(|list| {
        list.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                AttrPath::parse(p).map_err(|why| {
                    ScimError::invalid_value(format!("an attribute in the list {why}"))
                })
            })
            .collect()
    })
    .unwrap_or_else(|| Ok(Vec::new()))
}

fn key_of<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a String> {
    object.keys().find(|k| k.eq_ignore_ascii_case(name))
}

impl Projection {
    pub fn parse(attributes: Option<&str>, excluded: Option<&str>) -> Result<Self, ScimError> {
        let projection = Projection {
            only: paths(attributes)?,
            without: paths(excluded)?,
        };
        if !projection.only.is_empty() && !projection.without.is_empty() {
            return Err(ScimError::invalid_value(
                "attributes and excludedAttributes are not given together",
            ));
        }
        Ok(projection)
    }

    /// `resource` as the projection shapes it.
    pub fn apply(&self, resource: Value) -> Value {
        let Value::Object(mut source) = resource else {
            return resource;
        };
        if !self.only.is_empty() {
            let mut kept = Map::new();
            for name in ALWAYS {
                if let Some(v) = source.get(*name) {
                    kept.insert((*name).to_owned(), v.clone());
                }
            }
            for path in &self.only {
                copy(&source, &mut kept, path);
            }
            return Value::Object(kept);
        }
        for path in &self.without {
            if path.urn.is_none() && ALWAYS.iter().any(|a| path.key() == *a) {
                continue;
            }
            remove(&mut source, path);
        }
        Value::Object(source)
    }
}

/// The object a path's attribute lives in: the resource, or the extension's object.
fn container_key(path: &AttrPath) -> Option<&'static str> {
    path.urn.filter(|u| *u == ENTERPRISE_SCHEMA)
}

fn copy(source: &Map<String, Value>, kept: &mut Map<String, Value>, path: &AttrPath) {
    let (from, into) = match container_key(path) {
        Some(urn) => {
            let Some(key) = key_of(source, urn) else {
                return;
            };
            let Some(Value::Object(from)) = source.get(key) else {
                return;
            };
            let Some(attr) = &path.attr else {
                kept.insert(key.clone(), Value::Object(from.clone()));
                return;
            };
            let into = kept
                .entry(key.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            let Value::Object(into) = into else {
                return;
            };
            copy_attr(from, into, attr, path.sub.as_deref());
            return;
        }
        None => (source, kept),
    };
    if let Some(attr) = &path.attr {
        copy_attr(from, into, attr, path.sub.as_deref());
    }
}

fn copy_attr(
    from: &Map<String, Value>,
    into: &mut Map<String, Value>,
    attr: &str,
    sub: Option<&str>,
) {
    let Some(key) = key_of(from, attr) else {
        return;
    };
    let value = &from[key];
    let Some(sub) = sub else {
        into.insert(key.clone(), value.clone());
        return;
    };
    let pick = |item: &Value| -> Option<Value> {
        let object = item.as_object()?;
        let sub_key = key_of(object, sub)?;
        let mut one = Map::new();
        one.insert(sub_key.clone(), object[sub_key].clone());
        Some(Value::Object(one))
    };
    let picked = match value {
        Value::Array(items) => {
            let items: Vec<Value> = items.iter().filter_map(pick).collect();
            (!items.is_empty()).then_some(Value::Array(items))
        }
        other => pick(other),
    };
    if let Some(picked) = picked {
        match into.get_mut(key) {
            Some(Value::Object(existing)) => {
                if let Value::Object(more) = picked {
                    existing.extend(more);
                }
            }
            _ => {
                into.insert(key.clone(), picked);
            }
        }
    }
}

fn remove(source: &mut Map<String, Value>, path: &AttrPath) {
    let container = match container_key(path) {
        Some(urn) => {
            let Some(key) = key_of(source, urn).cloned() else {
                return;
            };
            if path.attr.is_none() {
                source.remove(&key);
                return;
            }
            match source.get_mut(&key) {
                Some(Value::Object(inner)) => inner,
                _ => return,
            }
        }
        None => source,
    };
    let Some(attr) = &path.attr else {
        return;
    };
    let Some(key) = key_of(container, attr).cloned() else {
        return;
    };
    match &path.sub {
        None => {
            container.remove(&key);
        }
        Some(sub) => {
            let strip = |item: &mut Value| {
                if let Value::Object(object) = item
                    && let Some(sub_key) = key_of(object, sub).cloned()
                {
                    object.remove(&sub_key);
                }
            };
            match container.get_mut(&key) {
                Some(Value::Array(items)) => items.iter_mut().for_each(strip),
                Some(other) => strip(other),
                None => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user() -> Value {
        json!({
            "schemas": ["s"],
            "id": "1",
            "userName": "jo",
            "name": {"givenName": "Jo", "familyName": "Bloggs"},
            "emails": [{"value": "jo@example.org", "type": "work"}],
            ENTERPRISE_SCHEMA: {"department": "Digital", "employeeNumber": "7"}
        })
    }

    #[test]
    fn attributes_keep_only_what_is_named_and_the_id() {
        let p = Projection::parse(
            Some(&format!(
                "UserName,name.givenName,emails.value,{ENTERPRISE_SCHEMA}:department"
            )),
            None,
        )
        .expect("valid in the test");
        assert_eq!(
            p.apply(user()),
            json!({
                "schemas": ["s"],
                "id": "1",
                "userName": "jo",
                "name": {"givenName": "Jo"},
                "emails": [{"value": "jo@example.org"}],
                ENTERPRISE_SCHEMA: {"department": "Digital"}
            })
        );
    }

    #[test]
    fn excluded_attributes_are_left_out_but_never_the_id() {
        let p = Projection::parse(
            None,
            Some(&format!("id,name.familyName,emails,{ENTERPRISE_SCHEMA}")),
        )
        .expect("valid in the test");
        let out = p.apply(user());
        assert_eq!(out["id"], "1");
        assert_eq!(out["name"], json!({"givenName": "Jo"}));
        assert!(out.get("emails").is_none() && out.get(ENTERPRISE_SCHEMA).is_none());
        assert!(Projection::parse(Some("a"), Some("b")).is_err());
        assert!(Projection::parse(Some("urn:x:y"), None).is_err());
    }
}
