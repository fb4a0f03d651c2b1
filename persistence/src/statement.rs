//! SQL built at run time from names the catalogue gives (never a request's), with its values
//! bound in order: written once with `{n}` placeholders and run on either backend.
//!
//! The same text recurs with other values (an erasure or a lookup per person), so unlike
//! `diesel::sql_query` these are kept prepared by the connection's statement cache, keyed by
//! their SQL: a retention sweep erasing person after person parses each statement once.

use diesel::backend::Backend as DieselBackend;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, HasSqlType, Text, Untyped};
use diesel::{pg::Pg, sqlite::Sqlite};

use crate::connection::AnyConnection;
use crate::error::StoreError;

/// SQL with its values bound in order.
#[derive(Default)]
pub(crate) struct Statement {
    pub(crate) text: String,
    binds: Vec<String>,
}

/// One piece of a statement's text: SQL as written, or the `n`th value (from 1).
enum Part<'a> {
    Sql(&'a str),
    Value(usize),
}

/// `text` split at its `{n}` placeholders.
fn parts(text: &str) -> Vec<Part<'_>> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let number = rest[open + 1..]
            .find('}')
            .and_then(|close| Some((close, rest[open + 1..open + 1 + close].parse().ok()?)));
        match number {
            Some((close, n)) => {
                parts.push(Part::Sql(&rest[..open]));
                parts.push(Part::Value(n));
                rest = &rest[open + close + 2..];
            }
            None => {
                parts.push(Part::Sql(&rest[..=open]));
                rest = &rest[open + 1..];
            }
        }
    }
    parts.push(Part::Sql(rest));
    parts
}

/// A statement as diesel runs it: each placeholder becomes the backend's own (`?` or `$n`) with
/// its value bound there. No static query id and nothing marking it unsafe to cache, so the
/// statement cache keys it by its SQL.
struct Prepared<'a>(&'a Statement);

impl QueryId for Prepared<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Prepared<'_> {
    type SqlType = Untyped;
}

impl<Conn> RunQueryDsl<Conn> for Prepared<'_> {}

impl<DB> QueryFragment<DB> for Prepared<'_>
where
    DB: DieselBackend + HasSqlType<Text>,
    String: diesel::serialize::ToSql<Text, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        for part in parts(&self.0.text) {
            match part {
                Part::Sql(sql) => out.push_sql(sql),
                Part::Value(n) => {
                    let value = self.0.binds.get(n.wrapping_sub(1)).ok_or_else(|| {
                        diesel::result::Error::QueryBuilderError(
                            format!("no value for placeholder {{{n}}}").into(),
                        )
                    })?;
                    out.push_bind_param::<Text, String>(value)?;
                }
            }
        }
        Ok(())
    }
}

impl Statement {
    /// `text` with these values for its placeholders `{1}`, `{2}`, ... in order.
    pub(crate) fn with(text: impl Into<String>, values: &[&str]) -> Statement {
        Statement {
            text: text.into(),
            binds: values.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    /// The placeholder for `value`, bound next.
    pub(crate) fn bind(&mut self, value: impl Into<String>) -> String {
        self.binds.push(value.into());
        format!("{{{}}}", self.binds.len())
    }

    /// Runs it; answers the rows it changed.
    pub(crate) fn execute(&self, conn: &mut AnyConnection) -> Result<u64, StoreError> {
        let done = match conn {
            AnyConnection::Sqlite(c) => Prepared(self).execute(c)?,
            AnyConnection::Postgresql(c) => Prepared(self).execute(c)?,
        };
        Ok(done as u64)
    }

    /// Runs it; answers its rows.
    pub(crate) fn load<T>(&self, conn: &mut AnyConnection) -> Result<Vec<T>, StoreError>
    where
        T: QueryableByName<Sqlite> + QueryableByName<Pg> + 'static,
    {
        Ok(match conn {
            AnyConnection::Sqlite(c) => Prepared(self).load::<T>(c)?,
            AnyConnection::Postgresql(c) => Prepared(self).load::<T>(c)?,
        })
    }

    /// Runs a `SELECT COUNT(*) AS n`; answers the count.
    pub(crate) fn count(&self, conn: &mut AnyConnection) -> Result<u64, StoreError> {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        let found: Vec<Count> = self.load(conn)?;
        Ok(found.first().map_or(0, |c| c.n.max(0) as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sql(text: &str) -> String {
        parts(text)
            .into_iter()
            .map(|p| match p {
                Part::Sql(s) => s.to_owned(),
                Part::Value(n) => format!("<{n}>"),
            })
            .collect()
    }

    #[test]
    fn placeholders_are_found_in_any_order_and_repeated() {
        assert_eq!(
            sql("a = {1} AND b = {10} OR c = {1}"),
            "a = <1> AND b = <10> OR c = <1>"
        );
    }

    #[test]
    fn braces_that_are_no_placeholder_stay_sql() {
        assert_eq!(sql("x = '{a}' AND y = {2"), "x = '{a}' AND y = {2");
        assert_eq!(sql("{}{1}"), "{}<1>");
    }
}
