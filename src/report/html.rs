//! The self-contained HTML report: `reports/report.html` with the scan result embedded as JSON.
//! It loads nothing from the network (a Content-Security-Policy forbids it); inline scripts draw
//! the tables and charts from the embedded data.

use crate::result::ScanResult;

const TEMPLATE: &str = include_str!("../../reports/report.html");
const PLACEHOLDER: &str = "/*POSTURE_DATA*/";

pub fn render(result: &ScanResult) -> Result<String, String> {
    let json = serde_json::to_string(result)
        .map_err(|e| format!("could not serialise the result: {e}"))?;
    // Inside <script>, "</" could close the element early; "<\/" means the same to JSON.parse.
    // U+2028/2029 are escaped too, for old parsers that treat them as line ends.
    let safe = json
        .replace("</", "<\\/")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029");
    Ok(TEMPLATE.replacen(PLACEHOLDER, &safe, 1))
}

#[cfg(test)]
mod tests {
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
