//! SCIM filters (RFC 7644 §3.4.2.2): `userName eq "jo"`, `emails[type eq "work"]`,
//! `not (active eq false) and name.familyName sw "Bl"`. Parsed here into a tree; storage turns
//! it into a query, and PATCH paths evaluate it against the values of a multi-valued attribute.

use serde_json::Value;

use super::error::ScimError;
use super::path::AttrPath;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CompareOp {
    fn parse(word: &str) -> Option<CompareOp> {
        Some(match word.to_ascii_lowercase().as_str() {
            "eq" => CompareOp::Eq,
            "ne" => CompareOp::Ne,
            "co" => CompareOp::Co,
            "sw" => CompareOp::Sw,
            "ew" => CompareOp::Ew,
            "gt" => CompareOp::Gt,
            "ge" => CompareOp::Ge,
            "lt" => CompareOp::Lt,
            "le" => CompareOp::Le,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "eq",
            CompareOp::Ne => "ne",
            CompareOp::Co => "co",
            CompareOp::Sw => "sw",
            CompareOp::Ew => "ew",
            CompareOp::Gt => "gt",
            CompareOp::Ge => "ge",
            CompareOp::Lt => "lt",
            CompareOp::Le => "le",
        }
    }
}

/// A literal a filter compares with.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterValue {
    String(String),
    Bool(bool),
    Number(f64),
    Null,
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Compare {
        path: AttrPath,
        op: CompareOp,
        value: FilterValue,
    },
    Present(AttrPath),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    /// `emails[type eq "work"]`: the inner filter's paths are sub-attributes of `attr`.
    ValuePath {
        attr: AttrPath,
        filter: Box<Filter>,
    },
}

/// Filters longer than this are refused: no client needs more, and the parser recurses.
pub const MAX_FILTER_LEN: usize = 2_000;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    Word(String),
    Text(String),
}

fn tokenize(text: &str) -> Result<Vec<Token>, ScimError> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | '[' | ']' => {
                chars.next();
                tokens.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    '[' => Token::OpenBracket,
                    _ => Token::CloseBracket,
                });
            }
            '"' => {
                // A JSON string: find its closing quote, skipping escapes, and let serde read it.
                chars.next();
                let mut end = None;
                let mut escaped = false;
                for (i, c) in chars.by_ref() {
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' => {
                            end = Some(i);
                            break;
                        }
                        _ => {}
                    }
                }
                let end = end.ok_or_else(|| {
                    ScimError::invalid_filter("the filter has an unterminated string")
                })?;
                let value: String = serde_json::from_str(&text[start..=end])
                    .map_err(|_| ScimError::invalid_filter("the filter has a malformed string"))?;
                tokens.push(Token::Text(value));
            }
            _ => {
                let mut end = text.len();
                while let Some(&(i, c)) = chars.peek() {
                    if c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | '"') {
                        end = i;
                        break;
                    }
                    chars.next();
                }
                tokens.push(Token::Word(text[start..end].to_owned()));
            }
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn expect(&mut self, token: Token, what: &str) -> Result<(), ScimError> {
        if self.next() == Some(token) {
            Ok(())
        } else {
            Err(ScimError::invalid_filter(format!(
                "the filter lacks {what}"
            )))
        }
    }

    fn or(&mut self) -> Result<Filter, ScimError> {
        let mut left = self.and()?;
        while self.keyword("or") {
            self.at += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, ScimError> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            self.at += 1;
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, ScimError> {
        if self.keyword("not") {
            self.at += 1;
            self.expect(Token::Open, "a '(' after not")?;
            let inner = self.or()?;
            self.expect(Token::Close, "a closing ')'")?;
            return Ok(Filter::Not(Box::new(inner)));
        }
        if self.peek() == Some(&Token::Open) {
            self.at += 1;
            let inner = self.or()?;
            self.expect(Token::Close, "a closing ')'")?;
            return Ok(inner);
        }
        self.attribute_expression()
    }

    fn attribute_expression(&mut self) -> Result<Filter, ScimError> {
        let Some(Token::Word(word)) = self.next() else {
            return Err(ScimError::invalid_filter(
                "the filter lacks an attribute path where one is expected",
            ));
        };
        let path = AttrPath::parse(&word)
            .map_err(|why| ScimError::invalid_filter(format!("an attribute path {why}")))?;
        if self.peek() == Some(&Token::OpenBracket) {
            self.at += 1;
            let inner = self.or()?;
            self.expect(Token::CloseBracket, "a closing ']'")?;
            return Ok(Filter::ValuePath {
                attr: path,
                filter: Box::new(inner),
            });
        }
        let Some(Token::Word(op)) = self.next() else {
            return Err(ScimError::invalid_filter(
                "the filter lacks an operator after an attribute path",
            ));
        };
        if op.eq_ignore_ascii_case("pr") {
            return Ok(Filter::Present(path));
        }
        let op = CompareOp::parse(&op).ok_or_else(|| {
            ScimError::invalid_filter(
                "the filter has an unknown operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)",
            )
        })?;
        let value = match self.next() {
            Some(Token::Text(text)) => FilterValue::String(text),
            Some(Token::Word(word)) => match word.as_str() {
                "true" => FilterValue::Bool(true),
                "false" => FilterValue::Bool(false),
                "null" => FilterValue::Null,
                number => FilterValue::Number(number.parse().map_err(|_| {
                    ScimError::invalid_filter(
                        "a comparison value must be a quoted string, a number, true, false or \
                         null",
                    )
                })?),
            },
            _ => {
                return Err(ScimError::invalid_filter(
                    "the filter lacks a value after an operator",
                ));
            }
        };
        Ok(Filter::Compare { path, op, value })
    }
}

impl Filter {
    /// Parses a whole filter; anything malformed is `invalidFilter` saying what.
    pub fn parse(text: &str) -> Result<Filter, ScimError> {
        if text.len() > MAX_FILTER_LEN {
            return Err(ScimError::invalid_filter(format!(
                "the filter is longer than {MAX_FILTER_LEN} characters"
            )));
        }
        let mut parser = Parser {
            tokens: tokenize(text)?,
            at: 0,
        };
        let filter = parser.or()?;
        if parser.at < parser.tokens.len() {
            return Err(ScimError::invalid_filter(
                "the filter has something after its end",
            ));
        }
        Ok(filter)
    }

    /// The filter with every value path written as sub-attribute comparisons:
    /// `emails[type eq "work" and value co "@x"]` becomes
    /// `emails.type eq "work" and emails.value co "@x"`. The desk holds one value of each
    /// multi-valued attribute, so the two mean the same.
    pub fn flatten(self) -> Result<Filter, ScimError> {
        Ok(match self {
            Filter::And(a, b) => Filter::And(Box::new(a.flatten()?), Box::new(b.flatten()?)),
            Filter::Or(a, b) => Filter::Or(Box::new(a.flatten()?), Box::new(b.flatten()?)),
            Filter::Not(a) => Filter::Not(Box::new(a.flatten()?)),
            Filter::ValuePath { attr, filter } => filter.flatten()?.under(&attr)?,
            leaf => leaf,
        })
    }

    fn under(self, parent: &AttrPath) -> Result<Filter, ScimError> {
        let nest = |path: AttrPath| -> Result<AttrPath, ScimError> {
            if path.urn.is_some() || path.sub.is_some() || parent.sub.is_some() {
                return Err(ScimError::invalid_filter(
                    "a value filter names sub-attributes by their plain names",
                ));
            }
            Ok(AttrPath {
                urn: parent.urn,
                attr: parent.attr.clone(),
                sub: path.attr,
            })
        };
        Ok(match self {
            Filter::Compare { path, op, value } => Filter::Compare {
                path: nest(path)?,
                op,
                value,
            },
            Filter::Present(path) => Filter::Present(nest(path)?),
            Filter::And(a, b) => {
                Filter::And(Box::new(a.under(parent)?), Box::new(b.under(parent)?))
            }
            Filter::Or(a, b) => Filter::Or(Box::new(a.under(parent)?), Box::new(b.under(parent)?)),
            Filter::Not(a) => Filter::Not(Box::new(a.under(parent)?)),
            Filter::ValuePath { .. } => {
                return Err(ScimError::invalid_filter("value filters do not nest"));
            }
        })
    }

    /// Whether `item` (one value of a multi-valued attribute, or a resource) matches. Strings
    /// compare without regard to case: every attribute the desk serves is `caseExact: false`
    /// except ids, which are compared as written by storage, not here.
    pub fn matches(&self, item: &Value) -> bool {
        match self {
            Filter::And(a, b) => a.matches(item) && b.matches(item),
            Filter::Or(a, b) => a.matches(item) || b.matches(item),
            Filter::Not(a) => !a.matches(item),
            Filter::Present(path) => {
                lookup(item, path).is_some_and(|v| !v.is_null() && v != &Value::Array(vec![]))
            }
            Filter::Compare { path, op, value } => compare(lookup(item, path), *op, value),
            Filter::ValuePath { attr, filter } => match lookup_attr(item, attr) {
                Some(Value::Array(values)) => values.iter().any(|v| filter.matches(v)),
                Some(value) => filter.matches(value),
                None => false,
            },
        }
    }
}

/// The value at `key` of an object, the key matched without regard to case.
pub fn get_ci<'a>(object: &'a Value, key: &str) -> Option<&'a Value> {
    object
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

fn lookup_attr<'a>(item: &'a Value, path: &AttrPath) -> Option<&'a Value> {
    let container = match path.urn {
        Some(urn) if urn != super::USER_SCHEMA => get_ci(item, urn)?,
        _ => item,
    };
    get_ci(container, path.attr.as_deref()?)
}

fn lookup<'a>(item: &'a Value, path: &AttrPath) -> Option<&'a Value> {
    let value = lookup_attr(item, path)?;
    match &path.sub {
        None => Some(value),
        Some(sub) => match value {
            // A multi-valued attribute's sub-attribute: the first value's (the desk holds one).
            Value::Array(values) => values.iter().find_map(|v| get_ci(v, sub)),
            other => get_ci(other, sub),
        },
    }
}

fn compare(actual: Option<&Value>, op: CompareOp, expected: &FilterValue) -> bool {
    let actual = actual.unwrap_or(&Value::Null);
    match (actual, expected) {
        (Value::String(a), FilterValue::String(e)) => {
            let (a, e) = (a.to_lowercase(), e.to_lowercase());
            match op {
                CompareOp::Eq => a == e,
                CompareOp::Ne => a != e,
                CompareOp::Co => a.contains(&e),
                CompareOp::Sw => a.starts_with(&e),
                CompareOp::Ew => a.ends_with(&e),
                CompareOp::Gt => a > e,
                CompareOp::Ge => a >= e,
                CompareOp::Lt => a < e,
                CompareOp::Le => a <= e,
            }
        }
        (Value::Bool(a), FilterValue::Bool(e)) => match op {
            CompareOp::Eq => a == e,
            CompareOp::Ne => a != e,
            _ => false,
        },
        (Value::Null, FilterValue::Null) => op == CompareOp::Eq,
        (_, FilterValue::Null) => op == CompareOp::Ne,
        (Value::Null, _) => op == CompareOp::Ne,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn path(text: &str) -> AttrPath {
        AttrPath::parse(text).expect("valid in the test")
    }

    #[test]
    fn comparisons_and_presence_parse() {
        assert_eq!(
            Filter::parse(r#"userName Eq "Jo\"B""#).expect("valid in the test"),
            Filter::Compare {
                path: path("userName"),
                op: CompareOp::Eq,
                value: FilterValue::String("Jo\"B".into()),
            }
        );
        assert_eq!(
            Filter::parse("externalId pr").expect("valid in the test"),
            Filter::Present(path("externalId"))
        );
        assert!(matches!(
            Filter::parse("active eq false").expect("valid in the test"),
            Filter::Compare {
                value: FilterValue::Bool(false),
                ..
            }
        ));
    }

    #[test]
    fn not_binds_tighter_than_and_which_binds_tighter_than_or() {
        let f = Filter::parse(r#"a eq "1" or b eq "2" and not (c pr)"#).expect("valid in the test");
        let Filter::Or(_, right) = f else {
            panic!("or at the top")
        };
        let Filter::And(_, not) = *right else {
            panic!("and beneath")
        };
        assert!(matches!(*not, Filter::Not(_)));
    }

    #[test]
    fn value_paths_flatten_into_sub_attributes() {
        let f = Filter::parse(r#"emails[type eq "work" and value co "@x"]"#)
            .expect("valid in the test")
            .flatten()
            .expect("valid in the test");
        let Filter::And(a, _) = f else { panic!("and") };
        assert!(matches!(*a, Filter::Compare { ref path, .. } if path.key() == "emails.type"));
        assert!(
            Filter::parse("emails[value[type pr]]")
                .expect("valid in the test")
                .flatten()
                .is_err()
        );
    }

    #[test]
    fn malformed_filters_are_invalid_filter_errors() {
        for bad in [
            "",
            "userName",
            "userName eq",
            "userName zz \"x\"",
            "userName eq \"x",
            "(userName pr",
            "userName pr extra",
            "userName eq bare",
            "urn:example:x:y eq \"1\"",
        ] {
            let error = Filter::parse(bad).expect_err("refused");
            assert_eq!(
                error.scim_type,
                Some(super::super::error::ScimType::InvalidFilter),
                "{bad}"
            );
        }
        assert!(Filter::parse(&"a pr or ".repeat(300)).is_err());
    }

    #[test]
    fn items_match_without_regard_to_case() {
        let item = json!({"type": "Work", "value": "Jo@Example.org"});
        assert!(
            Filter::parse(r#"type eq "work""#)
                .expect("valid in the test")
                .matches(&item)
        );
        assert!(
            Filter::parse(r#"value ew "example.ORG""#)
                .expect("valid in the test")
                .matches(&item)
        );
        assert!(
            !Filter::parse(r#"not (value pr)"#)
                .expect("valid in the test")
                .matches(&item)
        );
        assert!(
            Filter::parse(r#"display eq null"#)
                .expect("valid in the test")
                .matches(&item)
        );
        let user = json!({"emails": [{"value": "a@b.c"}], "active": true});
        assert!(
            Filter::parse(r#"emails[value eq "A@B.C"] and active eq true"#)
                .expect("valid in the test")
                .matches(&user)
        );
    }
}
