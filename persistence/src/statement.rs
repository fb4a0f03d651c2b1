//! SQL built at run time from names the catalogue gives (never a request's), with its values
//! bound in order: written once with `{n}` placeholders and run on either backend.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::{pg::Pg, sqlite::Sqlite};

use crate::connection::{AnyConnection, Backend};
use crate::error::StoreError;

/// SQL with its values bound in order.
#[derive(Default)]
pub(crate) struct Statement {
    pub(crate) text: String,
    binds: Vec<String>,
}

/// `$run` with `$query`, the statement's SQL for the connection's backend with every value
/// bound, on `$c`, that backend's connection.
macro_rules! bound {
    ($st:expr, $conn:expr, |$query:ident, $c:ident| $run:expr) => {
        match $conn {
            AnyConnection::Sqlite($c) => {
                let mut $query = diesel::sql_query($st.sql(Backend::Sqlite)).into_boxed();
                for value in &$st.binds {
                    $query = $query.bind::<Text, _>(value.clone());
                }
                $run
            }
            AnyConnection::Postgresql($c) => {
                let mut $query = diesel::sql_query($st.sql(Backend::Postgres)).into_boxed();
                for value in &$st.binds {
                    $query = $query.bind::<Text, _>(value.clone());
                }
                $run
            }
        }
    };
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

    fn sql(&self, backend: Backend) -> String {
        let mut text = self.text.clone();
        // Highest first, so {1} never eats the start of {10}.
        for n in (1..=self.binds.len()).rev() {
            let placeholder = match backend {
                Backend::Sqlite => format!("?{n}"),
                Backend::Postgres => format!("${n}"),
            };
            text = text.replace(&format!("{{{n}}}"), &placeholder);
        }
        text
    }

    /// Runs it; answers the rows it changed.
    pub(crate) fn execute(&self, conn: &mut AnyConnection) -> Result<u64, StoreError> {
        let done = bound!(self, conn, |query, c| query.execute(c)?);
        Ok(done as u64)
    }

    /// Runs it; answers its rows.
    pub(crate) fn load<T>(&self, conn: &mut AnyConnection) -> Result<Vec<T>, StoreError>
    where
        T: QueryableByName<Sqlite> + QueryableByName<Pg> + 'static,
    {
        Ok(bound!(self, conn, |query, c| query.load::<T>(c)?))
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
