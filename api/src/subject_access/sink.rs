//! Where a bundle's parts go as they are read: JSON written straight through, or a ZIP of CSV
//! files, each hashed as it is written and listed in a closing manifest. Neither keeps more
//! than the row in hand.

use std::io::{self, Write};

use aws_lc_rs::digest;
use domain::catalogue::{Column, Table};
use domain::register::PersonProcessing;
use domain::subject_access::Withheld;
use persistence::subject_access::text_of;
use serde_json::{Map, Value};
use zip::write::{SimpleFileOptions, StreamWriter};
use zip::{CompressionMethod, ZipWriter};

use super::BundleAbout;

/// The parts of a bundle, in the order they are written.
pub trait Sink {
    fn begin(
        &mut self,
        about: &BundleAbout,
        processing: Option<&PersonProcessing>,
    ) -> io::Result<()>;
    fn section(&mut self, table: &'static Table, columns: &[&'static Column]) -> io::Result<()>;
    fn row(&mut self, columns: &[&'static Column], values: &[Value]) -> io::Result<()>;
    fn end_section(&mut self, rows: u64) -> io::Result<()>;
    fn finish(&mut self, withheld: &[Withheld]) -> io::Result<()>;
}

/// `{"about", "processing", "records": [{"table", "record_kind", "rows", "count"}], "withheld"}`.
pub struct Json<W: Write> {
    out: W,
    first_section: bool,
    first_row: bool,
}

impl<W: Write> Json<W> {
    pub fn new(out: W) -> Self {
        Json {
            out,
            first_section: true,
            first_row: true,
        }
    }
}

impl<W: Write> Sink for Json<W> {
    fn begin(
        &mut self,
        about: &BundleAbout,
        processing: Option<&PersonProcessing>,
    ) -> io::Result<()> {
        self.out.write_all(b"{\"about\":")?;
        serde_json::to_writer(&mut self.out, about)?;
        self.out.write_all(b",\"processing\":")?;
        serde_json::to_writer(&mut self.out, &processing)?;
        self.out.write_all(b",\"records\":[")
    }

    fn section(&mut self, table: &'static Table, _: &[&'static Column]) -> io::Result<()> {
        if !self.first_section {
            self.out.write_all(b",")?;
        }
        self.first_section = false;
        self.first_row = true;
        write!(
            self.out,
            "{{\"table\":\"{}\",\"record_kind\":\"{}\",\"rows\":[",
            table.name, table.record
        )
    }

    fn row(&mut self, columns: &[&'static Column], values: &[Value]) -> io::Result<()> {
        if !self.first_row {
            self.out.write_all(b",")?;
        }
        self.first_row = false;
        let object: Map<String, Value> = columns
            .iter()
            .zip(values)
            .map(|(c, v)| (c.name.to_owned(), v.clone()))
            .collect();
        serde_json::to_writer(&mut self.out, &object)?;
        Ok(())
    }

    fn end_section(&mut self, rows: u64) -> io::Result<()> {
        write!(self.out, "],\"count\":{rows}}}")
    }

    fn finish(&mut self, withheld: &[Withheld]) -> io::Result<()> {
        self.out.write_all(b"],\"withheld\":")?;
        serde_json::to_writer(&mut self.out, withheld)?;
        self.out.write_all(b"}")?;
        self.out.flush()
    }
}

/// The file being written into the ZIP: its name, running digest and rows so far.
struct Open {
    name: String,
    digest: digest::Context,
    rows: u64,
}

/// `about.csv`, `processing.csv` (access), one `<table>.csv` per table walked,
/// `withheld.csv`, then `manifest.csv`: each other file's name, SHA-256 and rows (the header
/// line not counted).
pub struct Zip<W: Write> {
    zip: Option<ZipWriter<StreamWriter<W>>>,
    open: Option<Open>,
    manifest: Vec<(String, String, u64)>,
}

fn zip_error(error: zip::result::ZipError) -> io::Error {
    io::Error::other(error)
}

impl<W: Write> Zip<W> {
    pub fn new(out: W) -> Self {
        Zip {
            zip: Some(ZipWriter::new_stream(out)),
            open: None,
            manifest: Vec::new(),
        }
    }

    fn writer(&mut self) -> io::Result<&mut ZipWriter<StreamWriter<W>>> {
        self.zip
            .as_mut()
            .ok_or_else(|| io::Error::other("the bundle's ZIP is already closed"))
    }

    fn close_file(&mut self) {
        if let Some(open) = self.open.take() {
            let sha = domain::audit::to_hex(open.digest.finish().as_ref());
            self.manifest.push((open.name, sha, open.rows));
        }
    }

    fn start(&mut self, name: String, header: &[&str]) -> io::Result<()> {
        self.close_file();
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        self.writer()?
            .start_file(name.as_str(), options)
            .map_err(zip_error)?;
        self.open = Some(Open {
            name,
            digest: digest::Context::new(&digest::SHA256),
            rows: 0,
        });
        self.line(header.iter().map(|h| (*h).to_owned()))?;
        if let Some(open) = &mut self.open {
            open.rows = 0;
        }
        Ok(())
    }

    /// One CSV record of the open file.
    fn line(&mut self, fields: impl IntoIterator<Item = String>) -> io::Result<()> {
        let mut text = String::new();
        domain::csv::push_row(&mut text, fields);
        if let Some(open) = &mut self.open {
            open.digest.update(text.as_bytes());
            open.rows += 1;
        }
        self.writer()?.write_all(text.as_bytes())
    }
}

/// Every scalar of `value` with its path (`recipients[0].name`).
fn flatten(path: String, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(fields) => {
            for (name, inner) in fields {
                let path = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                flatten(path, inner, out);
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                flatten(format!("{path}[{i}]"), inner, out);
            }
        }
        scalar => out.push((path, text_of(scalar))),
    }
}

impl<W: Write> Sink for Zip<W> {
    fn begin(
        &mut self,
        about: &BundleAbout,
        processing: Option<&PersonProcessing>,
    ) -> io::Result<()> {
        self.start("about.csv".into(), &["field", "value"])?;
        let mut fields = Vec::new();
        flatten(String::new(), &serde_json::to_value(about)?, &mut fields);
        for (field, value) in fields {
            self.line([field, value])?;
        }
        let Some(processing) = processing else {
            return Ok(());
        };
        self.start("processing.csv".into(), &["purpose", "field", "value"])?;
        for held in &processing.purposes {
            let purpose = held.purpose.name.clone();
            let mut fields = Vec::new();
            flatten(String::new(), &serde_json::to_value(held)?, &mut fields);
            for (field, value) in fields {
                self.line([purpose.clone(), field, value])?;
            }
        }
        let mut fields = Vec::new();
        let ungoverned = serde_json::to_value(&processing.ungoverned)?;
        flatten("ungoverned".into(), &ungoverned, &mut fields);
        for (field, value) in fields {
            self.line([String::new(), field, value])?;
        }
        Ok(())
    }

    fn section(&mut self, table: &'static Table, columns: &[&'static Column]) -> io::Result<()> {
        let header: Vec<&str> = columns.iter().map(|c| c.name).collect();
        self.start(format!("{}.csv", table.name), &header)
    }

    fn row(&mut self, _: &[&'static Column], values: &[Value]) -> io::Result<()> {
        self.line(values.iter().map(text_of))
    }

    fn end_section(&mut self, _: u64) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self, withheld: &[Withheld]) -> io::Result<()> {
        self.start(
            "withheld.csv".into(),
            &["table", "column", "reason", "count", "explanation"],
        )?;
        for w in withheld {
            self.line([
                w.table.to_owned(),
                w.column.unwrap_or_default().to_owned(),
                w.reason.as_str().to_owned(),
                w.count.to_string(),
                w.explanation.to_owned(),
            ])?;
        }
        self.close_file();
        let manifest = std::mem::take(&mut self.manifest);
        self.start("manifest.csv".into(), &["file", "sha256", "rows"])?;
        for (name, sha, rows) in manifest {
            self.line([name, sha, rows.to_string()])?;
        }
        self.open = None;
        let zip = self
            .zip
            .take()
            .ok_or_else(|| io::Error::other("the bundle's ZIP is already closed"))?;
        zip.finish().map_err(zip_error)?.into_inner().flush()
    }
}
