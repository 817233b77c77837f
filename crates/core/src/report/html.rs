//! The self-contained HTML report: `reports/report.html` with the scan result embedded as JSON.
//! It loads nothing from the network (a Content-Security-Policy forbids it); inline scripts draw
//! the tables and charts from the embedded data.

use std::io::Write;

use anyhow::{Context as _, anyhow};
use serde::Serialize;

use crate::result::ScanResult;

const TEMPLATE: &str = include_str!("../../../../reports/report.html");
const PLACEHOLDER: &str = "/*POSTURE_DATA*/";

pub fn render(result: &ScanResult, out: &mut dyn Write) -> anyhow::Result<()> {
    let (head, tail) = TEMPLATE
        .split_once(PLACEHOLDER)
        .ok_or_else(|| anyhow!("the report template has no data placeholder"))?;
    out.write_all(head.as_bytes())?;
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, ScriptSafe);
    result
        .serialize(&mut ser)
        .context("could not write the result")?;
    out.write_all(tail.as_bytes())?;
    Ok(())
}

/// Compact JSON that is safe inside `<script>`: `<` is written `\u003c` (so no `</script>` or
/// `<!--` can end the element early) and U+2028/2029 are escaped for old parsers that treat them
/// as line ends. `JSON.parse` reads the same values.
struct ScriptSafe;

impl serde_json::ser::Formatter for ScriptSafe {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut rest = fragment;
        while let Some(i) = rest.find(['<', '\u{2028}', '\u{2029}']) {
            writer.write_all(&rest.as_bytes()[..i])?;
            let c = rest[i..].chars().next().unwrap_or('<');
            write!(writer, "\\u{:04x}", c as u32)?;
            rest = &rest[i + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn script_safe_json_cannot_close_the_script() {
        use serde::Serialize;
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, super::ScriptSafe);
        "a</script><!-- \u{2028}é"
            .serialize(&mut ser)
            .expect("serialises");
        let text = String::from_utf8(out).expect("utf-8");
        assert_eq!(text, r#""a\u003c/script>\u003c!-- \u2028é""#);
        let back: String = serde_json::from_str(&text).expect("parses");
        assert_eq!(back, "a</script><!-- \u{2028}é");
    }

    #[test]
    fn template_has_one_placeholder() {
        assert_eq!(super::TEMPLATE.matches(super::PLACEHOLDER).count(), 1);
        assert!(
            !super::TEMPLATE.contains("http://")
                || super::TEMPLATE.contains("http://www.w3.org/2000/svg")
        );
        assert!(
            !super::TEMPLATE.contains("<script src"),
            "the report must not load scripts"
        );
    }
}
