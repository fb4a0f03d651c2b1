//! CSV as auditors open it: RFC 4180 quoting, defused against spreadsheet formulas.

/// One CSV field. A field a spreadsheet would read as a formula (starting `=`, `+`, `-`, `@`,
/// tab or CR) gets a leading apostrophe, as OWASP advises against CSV injection: register text
/// is typed by users, and auditors open the file in Excel. Then, per RFC 4180, a field holding
/// a comma, quote, CR or LF is quoted with its quotes doubled.
pub fn field(field: &str) -> String {
    let defused = if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{field}")
    } else {
        field.to_owned()
    };
    if defused.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

/// Appends one CSV record, fields escaped, ended by CRLF (RFC 4180 section 2).
pub fn push_row(out: &mut String, fields: impl IntoIterator<Item = String>) {
    for (i, value) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&field(&value));
    }
    out.push_str("\r\n");
}
