//! Renderers. Each reads only the finished [`ScanResult`] and writes the document to a writer,
//! streaming the findings (which may be spooled on disk); `render_to_string` serves tests.

pub mod asff;
mod csv;
mod html;
mod ocsf;
mod terminal;

pub use asff::BATCH as ASFF_BATCH;

use std::io::Write;

use anyhow::Context as _;

use crate::result::ScanResult;

pub use terminal::render as terminal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable summary and failed findings (comfy-table).
    Table,
    /// The versioned JSON document (`reports/scan-result.v1.schema.json`).
    Json,
    /// A self-contained HTML report (scores, charts, findings with evidence; no network needed).
    Html,
    /// OCSF 1.8.0 Compliance Findings (class 2003), one JSON object per line.
    Ocsf,
    /// AWS Security Hub findings (ASFF), a JSON array.
    Asff,
    /// ASFF as BatchImportFindings request bodies, `{"Findings": [...]}` with at most 100 per line.
    AsffBatches,
    /// One row per finding, the same fields as JSON.
    Csv,
}

impl Format {
    /// File extension for reports delivered to S3.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Table => "txt",
            Format::Json => "json",
            Format::Html => "html",
            Format::Ocsf => "ocsf.ndjson",
            Format::Asff => "asff.json",
            Format::AsffBatches => "asff-batches.ndjson",
            Format::Csv => "csv",
        }
    }
}

/// Rendering settings that are not part of the result.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    pub color: bool,
    /// Security Hub product ARN for ASFF (default: the scanning account's `default` product).
    pub asff_product_arn: Option<String>,
    /// Region for global findings in ASFF (`Resources[].Region` is required).
    pub home_region: String,
}

/// Write the document for `format` to `out`, streaming the findings.
pub fn render(
    result: &ScanResult,
    format: Format,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let home = if opts.home_region.is_empty() {
        "us-east-1"
    } else {
        opts.home_region.as_str()
    };
    match format {
        Format::Table => Ok(out.write_all(terminal::render(result, opts.color)?.as_bytes())?),
        Format::Html => html::render(result, out),
        Format::Ocsf => ocsf::render(result, out),
        Format::Asff => asff::render(result, opts.asff_product_arn.as_deref(), home, out),
        Format::AsffBatches => {
            asff::render_batches(result, opts.asff_product_arn.as_deref(), home, out)
        }
        Format::Csv => csv::render(result, out),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, result)
                .context("could not write the result")?;
            Ok(out.write_all(b"\n")?)
        }
    }
}

/// The document as a string (tests, small results).
pub fn render_to_string(
    result: &ScanResult,
    format: Format,
    opts: &RenderOptions,
) -> anyhow::Result<String> {
    let mut out = Vec::new();
    render(result, format, opts, &mut out)?;
    Ok(String::from_utf8(out)?)
}
