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
