//! Keyset pages: every list query loads one row more than its limit, to know whether more follow.

use domain::page::PageLimit;

use crate::error::StoreError;

/// At most `limit` of `rows` (which were loaded with one more), converted, and whether more
/// follow.
pub(crate) fn page_of<R, T>(
    mut rows: Vec<R>,
    limit: PageLimit,
) -> Result<(Vec<T>, bool), StoreError>
where
    T: TryFrom<R, Error = StoreError>,
{
    let more = rows.len() > usize::from(limit.get());
    rows.truncate(usize::from(limit.get()));
    let items = rows
        .into_iter()
        .map(T::try_from)
        .collect::<Result<_, _>>()?;
    Ok((items, more))
}

/// A page of the rows of `$table` (with `org_id`, `person_id` and a v7 `id`) about one person of
/// the organisation, newest first, after the cursor row `$after`, loaded as `$row`: at most
/// `$limit` converted, and whether more follow. For the records kept about a person that are
/// read back person by person.
macro_rules! page_about_person {
    ($conn:expr, $table:ident, $row:ty, $org_id:expr, $person_id:expr, $limit:expr, $after:expr) => {{
        let mut query = $table::table
            .filter($table::org_id.eq($org_id.to_string()))
            .filter($table::person_id.eq($person_id.to_string()))
            .select(<$row>::as_select())
            .order($table::id.desc())
            .limit(i64::from($limit.get()) + 1)
            .into_boxed();
        if let Some(after) = $after {
            query = query.filter($table::id.lt(after.to_string()));
        }
        $crate::page::page_of(query.load::<$row>($conn)?, $limit)
    }};
}
pub(crate) use page_about_person;
