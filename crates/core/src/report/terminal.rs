//! The terminal summary: per-account counts, failed findings by severity, and what could not
//! be assessed.

use std::collections::BTreeMap;
use std::fmt::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, Color, ContentArrangement, Table};

use crate::catalog::Severity;
use crate::checks::Status;
use crate::result::ScanResult;

fn table(color: bool) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if !color {
        // Not a terminal (a file, a pipe, CI logs): wide rows rather than wrapped cells.
        t.force_no_tty().set_width(240);
    }
    t
}

fn severity_cell(s: Severity, color: bool) -> Cell {
    let c = Cell::new(s.as_str());
    if !color {
        return c;
    }
    match s {
        Severity::Critical => c.fg(Color::Magenta),
        Severity::High => c.fg(Color::Red),
        Severity::Medium => c.fg(Color::Yellow),
        _ => c,
    }
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}%"))
        .unwrap_or_else(|| "n/a".into())
}

fn short_name(framework: &str) -> &str {
    match framework {
        "well-architected-security" => "WA",
        "sra" => "SRA",
        other => other,
    }
}

pub fn render(r: &ScanResult, color: bool) -> anyhow::Result<String> {
    let mut out = String::new();
    let duration = (r.scan.finished_at - r.scan.started_at).num_seconds();
    let _ = writeln!(
        out,
        "posture {} — {} scan by {} ({} account(s), {}s){}",
        r.posture_version,
        r.scan.mode,
        r.scan.caller_arn,
        r.accounts.len(),
        duration,
        r.organization_id
            .as_ref()
            .map(|o| format!(", organization {o}"))
            .unwrap_or_default()
    );

    if let Some(c) = &r.scan.api_calls {
        let _ = writeln!(
            out,
            "API calls: {} ({} error responses, {} throttled, all retried or recorded as not assessed)",
            c.attempts, c.error_responses, c.throttled_responses
        );
    }
    for fw in &r.frameworks {
        let _ = writeln!(
            out,
            "{}: {} (coverage {}) — met {}, partially met {}, not met {}, not assessed {}, not assessable {}",
            fw.name,
            pct(fw.overall.score),
            pct(fw.overall.coverage),
            fw.overall.met,
            fw.overall.partially_met,
            fw.overall.not_met,
            fw.overall.not_assessed,
            fw.overall.not_assessable
        );
    }

    let mut t = table(color);
    let mut header: Vec<String> = [
        "Account",
        "Name",
        "OU",
        "Access",
        "Pass",
        "Fail",
        "Critical",
        "High",
        "Medium",
        "Low",
        "Not assessed",
        "N/A",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(
        r.frameworks
            .iter()
            .map(|f| format!("{} score (cov.)", short_name(&f.framework))),
    );
    t.set_header(header);
    for a in &r.accounts {
        let sev = |s: Severity| {
            a.failed_by_severity
                .get(&s)
                .copied()
                .unwrap_or(0)
                .to_string()
        };
        let mut row = vec![
            Cell::new(&a.account_id),
            Cell::new(a.name.as_deref().unwrap_or("")),
            Cell::new(a.ou_path.as_deref().unwrap_or("")),
            Cell::new(&a.access),
            Cell::new(a.counts.pass),
            Cell::new(a.counts.fail),
            Cell::new(sev(Severity::Critical)),
            Cell::new(sev(Severity::High)),
            Cell::new(sev(Severity::Medium)),
            Cell::new(sev(Severity::Low)),
            Cell::new(a.counts.not_assessed),
            Cell::new(a.counts.not_applicable),
        ];
        for fw in &r.frameworks {
            let s = fw
                .accounts
                .iter()
                .find(|x| x.account_id == a.account_id)
                .map(|x| &x.summary);
            row.push(Cell::new(match s {
                Some(s) => format!("{} ({})", pct(s.score), pct(s.coverage)),
                None => "-".into(),
            }));
        }
        t.add_row(row);
    }
    let _ = writeln!(out, "{t}");
    coverage_table(&mut out, r, color);

    let mut failed = r.findings.filtered(|f| f.status == Status::Fail)?;
    failed.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.check_id.cmp(&b.check_id))
            .then(a.account_id.cmp(&b.account_id))
    });
    if failed.is_empty() {
        let _ = writeln!(out, "\nNo failed findings.");
    } else {
        let _ = writeln!(out, "\nFailed findings ({}):", failed.len());
        let mut t = table(color);
        t.set_header(vec![
            "Severity", "Check", "Account", "Region", "Resource", "Finding",
        ]);
        for f in failed {
            t.add_row(vec![
                severity_cell(f.severity, color),
                Cell::new(&f.check_id),
                Cell::new(f.account_name.as_deref().unwrap_or(&f.account_id)),
                Cell::new(f.region.as_deref().unwrap_or("global")),
                Cell::new(&f.resource),
                Cell::new(&f.message),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }

    if !r.collection_errors.is_empty() {
        // Group identical failures (same account, call and error) to keep the list readable.
        let mut grouped: BTreeMap<(String, String, String), (usize, Vec<String>)> = BTreeMap::new();
        for e in &r.collection_errors {
            let key = (
                e.account_id.clone(),
                format!("{}:{}", e.error.service, e.error.operation),
                match &e.error.code {
                    Some(code) => format!("{:?} {code}: {}", e.error.kind, e.error.message),
                    None => format!("{:?}: {}", e.error.kind, e.error.message),
                },
            );
            let entry = grouped.entry(key).or_default();
            entry.0 += 1;
            if let Some(region) = &e.error.region
                && !entry.1.contains(region)
            {
                entry.1.push(region.clone());
            }
        }
        let _ = writeln!(
            out,
            "\nNot assessed — data that could not be collected ({} call(s) failed):",
            r.collection_errors.len()
        );
        let mut t = table(color);
        t.set_header(vec!["Account", "Call", "Regions", "Count", "Error"]);
        for ((account, call, err), (count, regions)) in grouped {
            t.add_row(vec![
                Cell::new(account),
                Cell::new(call),
                Cell::new(if regions.is_empty() {
                    "global".to_string()
                } else {
                    regions.join(", ")
                }),
                Cell::new(count),
                Cell::new(err),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    let total_fail: usize = r.accounts.iter().map(|a| a.counts.fail).sum();
    let total_na: usize = r.accounts.iter().map(|a| a.counts.not_assessed).sum();
    let _ = writeln!(
        out,
        "\n{} failed, {} not assessed{}.",
        total_fail,
        total_na,
        if r.incomplete {
            " — the scan is incomplete: not assessed is never a pass"
        } else {
            ""
        }
    );
    Ok(out)
}

/// The coverage matrix, one row per account and one column per service: `on` when the service
/// is on in every scanned region, else the regions where it is off or unknown.
fn coverage_table(out: &mut String, r: &ScanResult, color: bool) {
    use crate::coverage::State;
    let services = &r.coverage.services;
    if r.coverage.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "Security services coverage (on in every region, or where it is off / unknown):"
    );
    let mut t = table(color);
    let mut header = vec!["Account".to_string()];
    header.extend(services.iter().map(|s| s.title.clone()));
    t.set_header(header);
    let names: BTreeMap<&str, &str> = r
        .accounts
        .iter()
        .filter_map(|a| a.name.as_deref().map(|n| (a.account_id.as_str(), n)))
        .collect();
    for account in r.coverage.accounts() {
        let label = match names.get(account) {
            Some(n) => format!("{account} {n}"),
            None => account.to_string(),
        };
        let mut row = vec![Cell::new(label)];
        for s in services {
            let cells: Vec<&crate::coverage::Placed> =
                s.cells.iter().filter(|c| c.account_id == account).collect();
            let regions = |state: State| -> Vec<&str> {
                cells
                    .iter()
                    .filter(|c| c.cell.state == state)
                    .map(|c| c.region.as_str())
                    .collect()
            };
            let (off, unknown) = (regions(State::Off), regions(State::Unknown));
            let mut parts = Vec::new();
            if !off.is_empty() {
                parts.push(format!("off: {}", off.join(" ")));
            }
            if !unknown.is_empty() {
                parts.push(format!("unknown: {}", unknown.join(" ")));
            }
            let cell = if cells.is_empty() {
                Cell::new("-")
            } else if parts.is_empty() {
                Cell::new("on")
            } else {
                Cell::new(parts.join("; "))
            };
            let cell = match (color, off.is_empty(), unknown.is_empty(), cells.is_empty()) {
                (false, ..) | (_, _, _, true) => cell,
                (true, false, _, _) => cell.fg(Color::Red),
                (true, true, false, _) => cell.fg(Color::DarkGrey),
                (true, true, true, _) => cell.fg(Color::Green),
            };
            row.push(cell);
        }
        t.add_row(row);
    }
    let _ = writeln!(out, "{t}");
}

#[cfg(test)]
mod tests {
    use crate::checks::fixtures::{base_inventory, fixture_now};
    use crate::config::Thresholds;
    use crate::coverage::{Cell, Coverage, Placed, ServiceCoverage};
    use crate::evaluate::{BuildOptions, build};

    fn placed(account: &str, region: &str, cell: Cell) -> Placed {
        Placed {
            account_id: account.into(),
            region: region.into(),
            cell,
            covered_by: None,
        }
    }

    /// Each account's row names the regions where a service is off or unknown, and says `on`
    /// only when it is on everywhere.
    #[test]
    fn coverage_table_names_the_gaps() {
        let t = Thresholds::default();
        let opts = BuildOptions {
            thresholds: &t,
            now: fixture_now(),
            only_checks: None,
            trusted_accounts: &[],
            sra_accounts: &Default::default(),
            suppressions: None,
            baseline: None,
        };
        let mut r = build(&base_inventory(), &opts).expect("builds");
        // Nothing probed (the fixture's services probe something: leave them out).
        r.coverage.services.clear();
        let plain = super::render(&r, false).unwrap();
        assert!(
            !plain.contains("Security services coverage"),
            "nothing probed, no table"
        );
        r.coverage = Coverage {
            services: vec![
                ServiceCoverage {
                    service: "guardduty".into(),
                    title: "GuardDuty".into(),
                    on: 1,
                    off: 1,
                    unknown: 0,
                    cells: vec![
                        placed("111111111111", "us-east-1", Cell::on("detector")),
                        placed("111111111111", "eu-west-1", Cell::off("no detector")),
                    ],
                },
                ServiceCoverage {
                    service: "macie".into(),
                    title: "Macie".into(),
                    on: 1,
                    off: 0,
                    unknown: 1,
                    cells: vec![
                        placed("111111111111", "us-east-1", Cell::on("enabled")),
                        placed("111111111111", "eu-west-1", Cell::unknown("AccessDenied")),
                    ],
                },
                ServiceCoverage {
                    service: "config".into(),
                    title: "Config".into(),
                    on: 2,
                    off: 0,
                    unknown: 0,
                    cells: vec![
                        placed("111111111111", "us-east-1", Cell::on("recording")),
                        placed("111111111111", "eu-west-1", Cell::on("recording")),
                    ],
                },
            ],
        };
        let text = super::render(&r, false).unwrap();
        assert!(text.contains("Security services coverage"), "{text}");
        let row = text
            .lines()
            .find(|l| l.contains("111111111111 test"))
            .expect("a row for the account");
        assert!(row.contains("off: eu-west-1"), "{row}");
        assert!(row.contains("unknown: eu-west-1"), "{row}");
        assert!(row.contains(" on "), "{row}");
    }
}
