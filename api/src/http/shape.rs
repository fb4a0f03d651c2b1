//! Every shape fault of a JSON value, not only the first. serde stops at the first field it
//! cannot take, so each fault found is recorded and then repaired in a copy of the value (an
//! unknown field removed; a missing or ill-typed field given a stand-in of the type serde asked
//! for) and the value parsed again, until it parses or nothing more can be repaired. serde
//! itself judges every field, so this agrees with the types exactly, for every body.

use std::collections::VecDeque;

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Parses one value may cost at most: a body's faults are searched for within this budget,
/// so a body full of faults costs a bounded amount of work.
const PARSE_BUDGET: usize = 64;

/// Values tried, in order, for a field whose type the error did not name.
const STAND_INS: [&str; 9] = [
    r#""""#,
    "0",
    "false",
    "{}",
    "[]",
    r#""00000000-0000-0000-0000-000000000000""#,
    r#""1970-01-01T00:00:00Z""#,
    r#""1970-01-01""#,
    r#""x@example.invalid""#,
];

/// One step of a path into a JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    Field(String),
    Index(usize),
}

type Path = Vec<Key>;

fn display(path: &[Key]) -> String {
    let mut out = String::new();
    for key in path {
        match key {
            Key::Field(name) if out.is_empty() => out.push_str(name),
            Key::Field(name) => {
                out.push('.');
                out.push_str(name);
            }
            Key::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

/// What serde refused, and where.
struct Fault {
    /// The field at fault (for a missing field, where it belongs); `None` when serde lost its
    /// way (inside a flattened or untagged type).
    target: Option<Path>,
    kind: FaultKind,
    /// serde's wording, which may quote the submitted value: only ever read for names.
    text: String,
    /// Where serde stopped, as it printed it.
    at: String,
}

#[derive(PartialEq, Eq)]
enum FaultKind {
    Missing,
    Unknown,
    Invalid,
}

/// The field named between the first backticks after `prefix`.
fn quoted<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    text.strip_prefix(prefix)?
        .split_once('`')
        .map(|(name, _)| name)
}

/// The first fault serde finds in `value` as `T`, or the parsed value.
fn first_fault<T: DeserializeOwned>(value: &Value) -> Result<T, Fault> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|error| {
        let path: Option<Path> = error
            .path()
            .iter()
            .map(|segment| match segment {
                serde_path_to_error::Segment::Seq { index } => Some(Key::Index(*index)),
                serde_path_to_error::Segment::Map { key } => Some(Key::Field(key.clone())),
                serde_path_to_error::Segment::Enum { variant } => Some(Key::Field(variant.clone())),
                serde_path_to_error::Segment::Unknown => None,
            })
            .collect();
        let at = error.path().to_string();
        let text = error.into_inner().to_string();
        let (kind, name) = if let Some(name) = quoted(&text, "missing field `") {
            (FaultKind::Missing, Some(name))
        } else if let Some(name) = quoted(&text, "unknown field `") {
            (FaultKind::Unknown, Some(name))
        } else {
            (FaultKind::Invalid, None)
        };
        let target = path.map(|mut target| {
            if let Some(name) = name
                && target.last() != Some(&Key::Field(name.to_owned()))
            {
                target.push(Key::Field(name.to_owned()));
            }
            target
        });
        Fault {
            target,
            kind,
            text,
            at,
        }
    })
}

/// A stand-in serde's wording asks for: an allowed name (`expected one of `a`, `b``), or a
/// value of the type it expected.
fn suggested(text: &str) -> Option<Value> {
    let expected = text.rsplit_once("expected ")?.1;
    if let Some((_, rest)) = expected.split_once('`') {
        return rest
            .split_once('`')
            .map(|(name, _)| Value::String(name.to_owned()));
    }
    let guess = if expected.contains("bool") {
        "false"
    } else if [
        "integer", "number", "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f32", "f64",
    ]
    .iter()
    .any(|t| expected.contains(t))
    {
        "0"
    } else if expected.contains("sequence") {
        "[]"
    } else if expected.contains("struct") || expected.contains("map") {
        "{}"
    } else if expected.contains("UUID") || expected.contains("uuid") {
        r#""00000000-0000-0000-0000-000000000000""#
    } else if expected.contains("string") {
        r#""""#
    } else {
        return None;
    };
    serde_json::from_str(guess).ok()
}

/// The slot at `path` inside `value`.
fn slot<'v>(value: &'v mut Value, path: &[Key]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |value, key| match key {
        Key::Field(name) => value.as_object_mut()?.get_mut(name),
        Key::Index(index) => value.as_array_mut()?.get_mut(*index),
    })
}

/// Puts `new` at `path` (removing the field when `None`); returns what was there.
fn put(value: &mut Value, path: &[Key], new: Option<Value>) -> Option<Option<Value>> {
    let (last, parent) = path.split_last()?;
    let parent = slot(value, parent)?;
    match (last, parent, new) {
        (Key::Field(name), Value::Object(map), Some(new)) => Some(map.insert(name.clone(), new)),
        (Key::Field(name), Value::Object(map), None) => Some(map.remove(name)),
        (Key::Index(index), Value::Array(items), Some(new)) => {
            let item = items.get_mut(*index)?;
            Some(Some(std::mem::replace(item, new)))
        }
        _ => None,
    }
}

/// Repairs `fault` in `value` so that serde gets past its field; false when nothing tried does
/// (the value is then left as it was).
fn repair<T: DeserializeOwned>(value: &mut Value, fault: &Fault, budget: &mut usize) -> bool {
    let Some(target) = fault.target.as_deref().filter(|t| !t.is_empty()) else {
        return false;
    };
    if fault.kind == FaultKind::Unknown {
        return put(value, target, None).is_some();
    }
    let original = slot(value, target).map(|v| v.clone());
    let mut tries: VecDeque<Option<Value>> = VecDeque::new();
    // An ill-typed field is first simply left out: an optional one then parses as absent.
    if fault.kind == FaultKind::Invalid && matches!(target.last(), Some(Key::Field(_))) {
        tries.push_back(None);
    }
    tries.extend(suggested(&fault.text).map(Some));
    tries.extend(
        STAND_INS
            .iter()
            .filter_map(|s| serde_json::from_str(s).ok())
            .map(Some),
    );
    let mut tried: Vec<Option<Value>> = Vec::new();
    while let Some(candidate) = tries.pop_front() {
        if *budget == 0 {
            break;
        }
        if tried.contains(&candidate) {
            continue;
        }
        tried.push(candidate.clone());
        if put(value, target, candidate).is_none() {
            break;
        }
        *budget -= 1;
        match first_fault::<T>(value) {
            Ok(_) => return true,
            Err(next) if next.target.as_deref() != Some(target) => return true,
            // Still refused here: serde's new wording may name what it wants.
            Err(next) => {
                if let Some(wanted) = suggested(&next.text) {
                    tries.push_front(Some(wanted));
                }
            }
        }
    }
    put(value, target, original);
    false
}

/// `value` as `T`, or every fault found in it: each as `(field as serde printed the path,
/// serde's wording)`, for the caller to word without the submitted value. Alongside, the
/// fields given stand-ins, whose later complaints (validation included) are not the
/// caller's.
pub struct Shaped<T> {
    pub parsed: Option<T>,
    pub faults: Vec<(String, String)>,
    stood_in: Vec<Path>,
}

impl<T> Shaped<T> {
    /// Whether `field` (a validation path such as `title` or `items[2].name`) is, or lies
    /// inside, a field that was given a stand-in.
    pub fn stood_in(&self, field: &str) -> bool {
        self.stood_in.iter().any(|path| {
            let path = display(path);
            field == path
                || field
                    .strip_prefix(path.as_str())
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
        })
    }
}

/// Parses `value` as `T`, finding every fault serde has with it.
pub fn shape<T: DeserializeOwned>(mut value: Value) -> Shaped<T> {
    let mut faults = Vec::new();
    let mut stood_in: Vec<Path> = Vec::new();
    let mut budget = PARSE_BUDGET;
    while budget > 0 {
        budget -= 1;
        let fault = match first_fault::<T>(&value) {
            Ok(parsed) => {
                return Shaped {
                    parsed: Some(parsed),
                    faults,
                    stood_in,
                };
            }
            Err(fault) => fault,
        };
        // A field already named (a field left out when it could not be read is later missing)
        // or inside a stand-in is not named again: only repaired.
        let named = fault
            .target
            .as_ref()
            .is_some_and(|target| stood_in.iter().any(|path| target.starts_with(path)));
        if !named {
            faults.push((fault.at.clone(), fault.text.clone()));
        }
        if !repair::<T>(&mut value, &fault, &mut budget) {
            break;
        }
        if let Some(target) = fault.target
            && fault.kind != FaultKind::Unknown
            && !named
        {
            stood_in.push(target);
        }
    }
    if faults.is_empty() {
        // Out of budget inside stand-ins: the value is reported as a whole.
        faults.push((".".into(), "is invalid".into()));
    }
    Shaped {
        parsed: None,
        faults,
        stood_in,
    }
}
