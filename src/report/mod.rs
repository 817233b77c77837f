//! Renderers. Each reads only the finished [`ScanResult`] and returns the document as a string,
//! so tests can compare outputs without touching files.

mod html;
mod terminal;

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
}

pub fn render(result: &ScanResult, format: Format, color: bool) -> Result<String, String> {
    match format {
        Format::Table => Ok(terminal::render(result, color)),
        Format::Html => html::render(result),
        Format::Json => serde_json::to_string_pretty(result)
            .map(|mut s| {
                s.push('\n');
                s
            })
            .map_err(|e| format!("could not serialise the result: {e}")),
    }
}
