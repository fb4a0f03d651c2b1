//! PATCH (RFC 7644 §3.5.2): `add`, `replace` and `remove` operations applied to the User's
//! JSON representation, which is then read back as a whole User, so every rule a PUT meets
//! holds for a PATCH too.

use serde_json::{Map, Value};

use super::error::{ScimError, ScimType};
use super::filter::{CompareOp, Filter, FilterValue, get_ci};
use super::path::AttrPath;
use super::schema::{Attribute, attributes_of, find};
use super::{ENTERPRISE_SCHEMA, PATCH_OP_SCHEMA};

/// A PATCH request holds at most this many operations.
pub const MAX_OPERATIONS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Replace,
    Remove,
}

/// A PATCH target: `emails[type eq "work"].value` is the attribute `emails`, the filter, and
/// the sub-attribute `value`.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    pub attr: AttrPath,
    pub filter: Option<Filter>,
}

impl PatchPath {
    pub fn parse(text: &str) -> Result<PatchPath, ScimError> {
        let bad = |why: String| ScimError::invalid_path(format!("the path {why}"));
        let Some(open) = text.find('[') else {
            return Ok(PatchPath {
                attr: AttrPath::parse(text).map_err(bad)?,
                filter: None,
            });
        };
        let close = text
            .rfind(']')
            .filter(|close| *close > open)
            .ok_or_else(|| bad("lacks a closing ']'".into()))?;
        let mut attr = AttrPath::parse(&text[..open]).map_err(bad)?;
        if attr.sub.is_some() {
            return Err(bad("filters a sub-attribute".into()));
        }
        let filter =
            Filter::parse(&text[open + 1..close]).map_err(|e| ScimError::invalid_path(e.detail))?;
        let rest = &text[close + 1..];
        if !rest.is_empty() {
            let sub = rest
                .strip_prefix('.')
                .ok_or_else(|| bad("has something after ']'".into()))?;
            let parsed = AttrPath::parse(sub).map_err(bad)?;
            if parsed.urn.is_some() || parsed.sub.is_some() {
                return Err(bad("names a sub-attribute that is not plain".into()));
            }
            attr.sub = parsed.attr;
        }
        Ok(PatchPath {
            attr,
            filter: Some(filter),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub op: Op,
    pub path: Option<PatchPath>,
    pub value: Option<Value>,
}

/// Reads a PatchOp request body.
pub fn parse(body: &Value) -> Result<Vec<Operation>, ScimError> {
    if !body.is_object() {
        return Err(ScimError::invalid_syntax("a PatchOp must be a JSON object"));
    }
    super::check_schemas(body, PATCH_OP_SCHEMA, false)?;
    let operations = get_ci(body, "Operations")
        .and_then(Value::as_array)
        .filter(|ops| !ops.is_empty())
        .ok_or_else(|| ScimError::invalid_syntax("Operations must be a non-empty array"))?;
    if operations.len() > MAX_OPERATIONS {
        return Err(ScimError::bad(
            ScimType::TooMany,
            format!("a PATCH holds at most {MAX_OPERATIONS} operations"),
        ));
    }
    operations
        .iter()
        .map(|operation| {
            let op = match get_ci(operation, "op").and_then(Value::as_str) {
                Some(op) if op.eq_ignore_ascii_case("add") => Op::Add,
                Some(op) if op.eq_ignore_ascii_case("replace") => Op::Replace,
                Some(op) if op.eq_ignore_ascii_case("remove") => Op::Remove,
                _ => {
                    return Err(ScimError::invalid_syntax(
                        "each operation's op must be add, replace or remove",
                    ));
                }
            };
            let path = match get_ci(operation, "path") {
                None | Some(Value::Null) => None,
                Some(Value::String(path)) => Some(PatchPath::parse(path)?),
                Some(_) => return Err(ScimError::invalid_path("path must be a string")),
            };
            let value = get_ci(operation, "value").cloned();
            if op != Op::Remove && value.is_none() {
                return Err(ScimError::invalid_syntax("add and replace need a value"));
            }
            if op == Op::Remove && path.is_none() {
                return Err(ScimError::bad(
                    ScimType::NoTarget,
                    "remove needs a path naming what to remove",
                ));
            }
            Ok(Operation { op, path, value })
        })
        .collect()
}

/// The common attributes a client may not change (RFC 7643 §3.1), and the derived one.
const READ_ONLY: &[&str] = &["id", "meta", "schemas", "displayName"];

/// What the path's attribute is: `Ok(None)` for `externalId`, the one served common attribute
/// outside the schema tables.
fn described(path: &AttrPath) -> Result<Option<&'static Attribute>, ScimError> {
    let attr = path.attr.as_deref().unwrap_or("");
    if path.urn.is_none_or(|u| u == super::USER_SCHEMA) {
        if READ_ONLY.iter().any(|r| r.eq_ignore_ascii_case(attr)) {
            return Err(ScimError::bad(
                ScimType::Mutability,
                format!("{attr} is read-only"),
            ));
        }
        if attr.eq_ignore_ascii_case("externalId") && path.sub.is_none() {
            return Ok(None);
        }
    }
    if !path.is_served() {
        return Err(ScimError::invalid_path(
            "the path names an attribute this service does not serve",
        ));
    }
    let attributes = attributes_of(path.schema()).unwrap_or(&[]);
    Ok(find(attributes, attr))
}

/// The key of `name` in `object` as written there, else its canonical spelling.
fn key_in(object: &Map<String, Value>, canonical: &str) -> String {
    object
        .keys()
        .find(|k| k.eq_ignore_ascii_case(canonical))
        .cloned()
        .unwrap_or_else(|| canonical.to_owned())
}

fn merge(target: &mut Value, value: &Value) {
    match (target.as_object_mut(), value.as_object()) {
        (Some(target), Some(value)) => {
            for (k, v) in value {
                let key = key_in(target, k);
                target.insert(key, v.clone());
            }
        }
        _ => *target = value.clone(),
    }
}

/// Applies the operations in order to `resource`, a User's JSON.
pub fn apply(resource: &mut Value, operations: &[Operation]) -> Result<(), ScimError> {
    for operation in operations {
        match &operation.path {
            Some(path) => apply_at(resource, operation.op, path, operation.value.as_ref())?,
            None => apply_without_path(resource, operation)?,
        }
    }
    Ok(())
}

/// `add` or `replace` with no path: each member of the value is an attribute (or an extension
/// URN holding attributes, or a path such as `name.givenName`). Members naming what the desk
/// does not serve, or what no client may change, are ignored, as in a PUT.
fn apply_without_path(resource: &mut Value, operation: &Operation) -> Result<(), ScimError> {
    let Some(Value::Object(members)) = &operation.value else {
        return Err(ScimError::invalid_syntax(
            "an add or replace without a path needs an object value",
        ));
    };
    for (key, value) in members {
        if key.eq_ignore_ascii_case(ENTERPRISE_SCHEMA) {
            let Value::Object(inner) = value else {
                return Err(ScimError::invalid_value(format!(
                    "{ENTERPRISE_SCHEMA} must be an object"
                )));
            };
            for (name, value) in inner {
                let path = format!("{ENTERPRISE_SCHEMA}:{name}");
                apply_member(resource, operation.op, &path, value)?;
            }
        } else {
            apply_member(resource, operation.op, key, value)?;
        }
    }
    Ok(())
}

fn apply_member(resource: &mut Value, op: Op, key: &str, value: &Value) -> Result<(), ScimError> {
    let Ok(path) = PatchPath::parse(key) else {
        return Ok(());
    };
    match apply_at(resource, op, &path, Some(value)) {
        Err(ScimError {
            scim_type: Some(ScimType::InvalidPath | ScimType::Mutability),
            ..
        }) => Ok(()),
        other => other,
    }
}

fn apply_at(
    resource: &mut Value,
    op: Op,
    path: &PatchPath,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    let value = value.unwrap_or(&Value::Null);
    let Some(root) = resource.as_object_mut() else {
        return Err(ScimError::invalid_syntax("the resource is not an object"));
    };
    // The container: the resource, or the extension's object within it.
    let container = match path.attr.urn {
        Some(urn) if urn == ENTERPRISE_SCHEMA => {
            let key = key_in(root, ENTERPRISE_SCHEMA);
            if path.attr.attr.is_none() {
                // The extension as a whole.
                return match op {
                    Op::Remove => {
                        root.remove(&key);
                        Ok(())
                    }
                    Op::Add | Op::Replace => {
                        if !value.is_object() {
                            return Err(ScimError::invalid_value(format!(
                                "{ENTERPRISE_SCHEMA} must be an object"
                            )));
                        }
                        let target = root.entry(key).or_insert_with(|| Value::Object(Map::new()));
                        merge(target, value);
                        Ok(())
                    }
                };
            }
            if op == Op::Remove && !root.contains_key(&key) {
                return Ok(());
            }
            root.entry(key)
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .ok_or_else(|| {
                    ScimError::invalid_value(format!("{ENTERPRISE_SCHEMA} must be an object"))
                })?
        }
        _ => root,
    };
    let attribute = described(&path.attr)?;
    let canonical = attribute.map_or("externalId", |a| a.name);
    let key = key_in(container, canonical);
    let multi = attribute.is_some_and(|a| a.multi);
    let sub = path.attr.sub.as_deref();
    if op == Op::Remove {
        let required = match (attribute, sub) {
            (Some(a), None) => a.required,
            (Some(a), Some(s)) => find(a.sub, s).is_some_and(|s| s.required),
            (None, _) => false,
        };
        if required {
            return Err(ScimError::bad(
                ScimType::Mutability,
                "a required attribute cannot be removed",
            ));
        }
    }
    if let Some(filter) = &path.filter {
        if !multi {
            return Err(ScimError::invalid_path(
                "a filter applies only to a multi-valued attribute",
            ));
        }
        return apply_filtered(container, &key, op, filter, sub, value);
    }
    match (op, sub) {
        (Op::Remove, None) => {
            container.remove(&key);
        }
        (Op::Remove, Some(sub)) => {
            if let Some(target) = container.get_mut(&key) {
                for item in items_mut(target) {
                    if let Some(object) = item.as_object_mut() {
                        let sub_key = key_in(object, sub);
                        object.remove(&sub_key);
                    }
                }
            }
        }
        (Op::Add, None) if multi => {
            let target = container
                .entry(key)
                .or_insert_with(|| Value::Array(Vec::new()));
            let Value::Array(values) = target else {
                return Err(ScimError::invalid_value(
                    "a multi-valued attribute is not an array",
                ));
            };
            for item in as_list(value) {
                if !values.contains(&item) {
                    values.push(item);
                }
            }
        }
        (Op::Replace, None) if multi => {
            container.insert(key, Value::Array(as_list(value)));
        }
        (_, None) => {
            let complex = attribute.is_some_and(|a| !a.sub.is_empty());
            match container.get_mut(&key) {
                Some(target) if complex && target.is_object() && value.is_object() => {
                    merge(target, value)
                }
                _ => {
                    container.insert(key, value.clone());
                }
            }
        }
        (_, Some(sub)) => {
            let target = container.entry(key).or_insert_with(|| {
                if multi {
                    Value::Array(vec![Value::Object(Map::new())])
                } else {
                    Value::Object(Map::new())
                }
            });
            if multi && target.as_array().is_some_and(Vec::is_empty) {
                *target = Value::Array(vec![Value::Object(Map::new())]);
            }
            for item in items_mut(target) {
                if let Some(object) = item.as_object_mut() {
                    let sub_key = key_in(object, sub);
                    object.insert(sub_key, value.clone());
                } else {
                    return Err(ScimError::invalid_value(
                        "a complex attribute is not an object",
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The values of a multi-valued attribute (an array), or the one value of a single one.
fn items_mut(target: &mut Value) -> Vec<&mut Value> {
    match target {
        Value::Array(values) => values.iter_mut().collect(),
        other => vec![other],
    }
}

fn as_list(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(values) => values.clone(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

/// `emails[type eq "work"]...`: the operation applies to the values the filter matches. An add
/// or replace that matches none creates the value when the filter is a plain equality (what
/// directories send to set a work email for the first time); otherwise nothing is the target.
fn apply_filtered(
    container: &mut Map<String, Value>,
    key: &str,
    op: Op,
    filter: &Filter,
    sub: Option<&str>,
    value: &Value,
) -> Result<(), ScimError> {
    let target = container
        .entry(key.to_owned())
        .or_insert_with(|| Value::Array(Vec::new()));
    let Value::Array(values) = target else {
        return Err(ScimError::invalid_value(
            "a multi-valued attribute is not an array",
        ));
    };
    let matched: Vec<usize> = (0..values.len())
        .filter(|i| filter.matches(&values[*i]))
        .collect();
    match op {
        Op::Remove => {
            match sub {
                None => {
                    let mut i = 0;
                    values.retain(|_| {
                        let keep = !matched.contains(&i);
                        i += 1;
                        keep
                    });
                }
                Some(sub) => {
                    for i in &matched {
                        if let Some(object) = values[*i].as_object_mut() {
                            let sub_key = key_in(object, sub);
                            object.remove(&sub_key);
                        }
                    }
                }
            }
            if values.is_empty() {
                container.remove(key);
            }
            return Ok(());
        }
        Op::Add | Op::Replace if matched.is_empty() => {
            let Filter::Compare {
                path,
                op: CompareOp::Eq,
                value: FilterValue::String(expected),
            } = filter
            else {
                return Err(ScimError::bad(
                    ScimType::NoTarget,
                    "the filter matches no value to change",
                ));
            };
            let mut item = Map::new();
            item.insert(
                path.attr.clone().unwrap_or_default(),
                Value::String(expected.clone()),
            );
            let mut item = Value::Object(item);
            match sub {
                Some(sub) => {
                    if let Some(object) = item.as_object_mut() {
                        object.insert(sub.to_owned(), value.clone());
                    }
                }
                None => merge(&mut item, value),
            }
            values.push(item);
        }
        Op::Add | Op::Replace => {
            for i in matched {
                match sub {
                    Some(sub) => {
                        if let Some(object) = values[i].as_object_mut() {
                            let sub_key = key_in(object, sub);
                            object.insert(sub_key, value.clone());
                        }
                    }
                    None => merge(&mut values[i], value),
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scim::USER_SCHEMA;
    use serde_json::json;

    fn user() -> Value {
        json!({
            "schemas": [USER_SCHEMA],
            "id": "1",
            "userName": "jo",
            "name": {"givenName": "Jo", "familyName": "Bloggs"},
            "emails": [{"value": "jo@example.org", "type": "work"}],
            "active": true
        })
    }

    fn patch(ops: Value) -> Result<Value, ScimError> {
        let mut resource = user();
        let ops = parse(&json!({"schemas": [PATCH_OP_SCHEMA], "Operations": ops}))?;
        apply(&mut resource, &ops)?;
        Ok(resource)
    }

    #[test]
    fn paths_with_filters_and_sub_attributes_parse() {
        let p = PatchPath::parse(r#"emails[type eq "work"].value"#).expect("valid in the test");
        assert_eq!(p.attr.key(), "emails.value");
        assert!(p.filter.is_some());
        assert!(PatchPath::parse(r#"emails[type eq "work"]x"#).is_err());
        assert!(PatchPath::parse(r#"emails[type eq "work""#).is_err());
    }

    #[test]
    fn replace_add_and_remove_reach_their_targets() {
        let r = patch(json!([{"op": "Replace", "path": "name.givenName", "value": "Joanne"}]))
            .expect("valid in the test");
        assert_eq!(
            r["name"],
            json!({"givenName": "Joanne", "familyName": "Bloggs"})
        );
        let r = patch(json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "j@x.org"}])).expect("valid in the test");
        assert_eq!(r["emails"], json!([{"value": "j@x.org", "type": "work"}]));
        let r = patch(
            json!([{"op": "add", "path": "phoneNumbers[type eq \"work\"].value", "value": "0207"}]),
        )
        .expect("valid in the test");
        assert_eq!(
            r["phoneNumbers"],
            json!([{"type": "work", "value": "0207"}])
        );
        let r = patch(json!([{"op": "remove", "path": "emails[type eq \"work\"]"}]))
            .expect("valid in the test");
        assert!(r.get("emails").is_none());
        let r = patch(json!([{"op": "add", "path": format!("{ENTERPRISE_SCHEMA}:department"), "value": "Digital"}])).expect("valid in the test");
        assert_eq!(r[ENTERPRISE_SCHEMA]["department"], "Digital");
        let r =
            patch(json!([{"op": "remove", "path": ENTERPRISE_SCHEMA}])).expect("valid in the test");
        assert!(r.get(ENTERPRISE_SCHEMA).is_none());
    }

    #[test]
    fn no_path_values_apply_member_by_member_ignoring_what_is_not_served() {
        let r = patch(json!([{"op": "replace", "value": {
            "active": false,
            "name.familyName": "Smith",
            "nickName": "JB",
            "id": "2",
            ENTERPRISE_SCHEMA: {"employeeNumber": "42"}
        }}]))
        .expect("valid in the test");
        assert_eq!(r["active"], false);
        assert_eq!(r["name"]["familyName"], "Smith");
        assert_eq!(r["id"], "1");
        assert!(r.get("nickName").is_none());
        assert_eq!(r[ENTERPRISE_SCHEMA]["employeeNumber"], "42");
    }

    #[test]
    fn what_cannot_be_patched_is_refused_with_its_kind() {
        let kind = |ops: Value| patch(ops).expect_err("refused").scim_type;
        assert_eq!(
            kind(json!([{"op": "remove", "path": "userName"}])),
            Some(ScimType::Mutability)
        );
        assert_eq!(
            kind(json!([{"op": "replace", "path": "id", "value": "x"}])),
            Some(ScimType::Mutability)
        );
        assert_eq!(
            kind(json!([{"op": "add", "path": "nickName", "value": "x"}])),
            Some(ScimType::InvalidPath)
        );
        assert_eq!(kind(json!([{"op": "remove"}])), Some(ScimType::NoTarget));
        assert_eq!(
            kind(json!([{"op": "move", "path": "userName"}])),
            Some(ScimType::InvalidSyntax)
        );
        assert_eq!(kind(json!([])), Some(ScimType::InvalidSyntax));
        assert_eq!(
            kind(
                json!([{"op": "replace", "path": "emails[value co \"@\" and type pr].value", "value": "a@b.c"}, {"op": "replace", "path": "addresses[type pr].formatted", "value": "x"}])
            ),
            Some(ScimType::NoTarget)
        );
    }
}
