//! The coverage matrix: for each organization-wide security service, whether it is on, off or
//! unknown in each region of each account.
//!
//! The SRA deploys its security services (CloudTrail, Config, GuardDuty, Security Hub, IAM
//! Access Analyzer, Inspector, Macie, Detective) in every account and every region. A check's
//! results say which cells fail; the matrix shows the whole grid at once, so a missing region or
//! a member outside the organization's administration stands out. Each service contributes a
//! [`Probe`] over the collected inventory: the same judgement its `-enabled` check makes.
//!
//! Unknown is never folded into Off or On: a cell whose data could not be collected says why.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::inventory::{AccountAccess, AccountInventory, Collected, RegionInventory};

/// The state of one service in one region of one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    On,
    Off,
    Unknown,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::On => "on",
            State::Off => "off",
            State::Unknown => "unknown",
        }
    }
}

/// What a probe found in one region of one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub state: State,
    /// Why: "detector 12ab… enabled", "no detector", the call that failed.
    pub detail: String,
    /// On, and covering every account of the organization in this region (an organization
    /// analyzer, an organization trail): the other accounts' Off cells of the region are shown
    /// as covered by it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub organization_wide: bool,
}

impl Cell {
    pub fn on(detail: impl Into<String>) -> Cell {
        Cell {
            state: State::On,
            detail: detail.into(),
            organization_wide: false,
        }
    }

    pub fn off(detail: impl Into<String>) -> Cell {
        Cell {
            state: State::Off,
            detail: detail.into(),
            organization_wide: false,
        }
    }

    pub fn unknown(detail: impl Into<String>) -> Cell {
        Cell {
            state: State::Unknown,
            detail: detail.into(),
            organization_wide: false,
        }
    }

    /// On, for every account of the organization in this region.
    pub fn on_for_organization(detail: impl Into<String>) -> Cell {
        Cell {
            organization_wide: true,
            ..Cell::on(detail)
        }
    }

    /// The cell of a value that could not be collected, or `None` when it was.
    pub fn of_failure<T>(value: &Collected<T>) -> Result<&T, Cell> {
        match value {
            Collected::Ok(v) => Ok(v),
            Collected::Failed(e) => Err(Cell::unknown(format!(
                "{}:{} failed: {}",
                e.service, e.operation, e.message
            ))),
        }
    }
}

/// One service of the matrix.
pub struct Probe {
    /// The inventory field of the service: `guardduty`.
    pub service: &'static str,
    /// Its name for people: `GuardDuty`.
    pub title: &'static str,
    /// The state of the service in one region of one account. The evaluator streams accounts
    /// one at a time: a probe sees one account only.
    pub region: fn(account: &AccountInventory, region: &str, data: &RegionInventory) -> Cell,
}

// --- SVC: securityhub ---
/// Security Hub in one region: the same reading of DescribeHub as `securityhub-enabled` (On:
/// subscribed; Off: AWS says the account is not subscribed; Unknown: the call failed or was not
/// made).
fn securityhub(_: &AccountInventory, _region: &str, data: &RegionInventory) -> Cell {
    match Cell::of_failure(&data.securityhub) {
        Err(unknown) => unknown,
        Ok(sh) => {
            let sentence = crate::checks::shared::securityhub::hub_sentence(sh);
            match sh.hub {
                Some(_) => Cell::on(sentence),
                None => Cell::off(sentence),
            }
        }
    }
}

#[cfg(test)]
mod securityhub_tests {
    use crate::checks::fixtures::*;
    use crate::coverage::State;
    use crate::inventory::{Collected, Inventory};

    #[test]
    fn the_securityhub_probe_agrees_with_its_check() {
        let state = |inv: &Inventory| {
            let a = &inv.accounts[0];
            super::securityhub(a, REGION, &a.regional[REGION]).state
        };
        let mut inv = base_inventory();
        assert_eq!(state(&inv), State::On);
        *securityhub_mut(&mut inv) = securityhub_off();
        assert_eq!(state(&inv), State::Off);
        region_mut(&mut inv).securityhub = Collected::Failed(denied("DescribeHub"));
        assert_eq!(state(&inv), State::Unknown);
    }
}
// --- end SVC: securityhub ---

/// The services of the matrix, in the order they are shown.
pub const PROBES: &[Probe] = &[
    // --- backbone: config ---
    Probe {
        service: "config",
        title: "AWS Config",
        region: config_probe,
    },
    // --- end backbone: config ---
    // --- SVC: accessanalyzer, inspector2, macie
    Probe {
        service: "accessanalyzer",
        title: "IAM Access Analyzer",
        region: accessanalyzer_probe,
    },
    Probe {
        service: "inspector2",
        title: "Inspector",
        region: inspector2_probe,
    },
    Probe {
        service: "macie",
        title: "Macie",
        region: macie_probe,
    },
    // --- end SVC: accessanalyzer, inspector2, macie
    // --- backbone: guardduty + detective ---
    Probe {
        service: "guardduty",
        title: "GuardDuty",
        region: |_, region, data| {
            cell_of(crate::checks::shared::guardduty::region_coverage(
                &data.guardduty,
                region,
            ))
        },
    },
    Probe {
        service: "detective",
        title: "Detective",
        region: |_, region, data| {
            cell_of(crate::checks::shared::detective::region_coverage(
                &data.detective,
                region,
            ))
        },
    },
    // --- end guardduty + detective ---
    // --- SVC: securityhub ---
    Probe {
        service: "securityhub",
        title: "Security Hub",
        region: securityhub,
    },
    // --- end SVC: securityhub ---
    // --- backbone: cloudtrail
    Probe {
        service: "cloudtrail",
        title: "CloudTrail",
        region: cloudtrail_probe,
    },
    // --- end backbone: cloudtrail
];

// --- backbone: config ---
/// AWS Config: On where the region's customer managed recorder is recording, Off where there
/// is none or it is stopped, Unknown where it could not be read: the judgement of
/// `config-recorder-enabled` (`shared::config::recorder_state`). The probe lives here, not in
/// `checks::shared`, so that `checks` does not import `coverage` (which imports `checks`).
fn config_probe(_account: &AccountInventory, _region: &str, data: &RegionInventory) -> Cell {
    use crate::checks::shared::config::{RecorderState, recorder_state};
    let c = match Cell::of_failure(&data.config) {
        Ok(c) => c,
        Err(cell) => return cell,
    };
    match recorder_state(c) {
        Ok(RecorderState::Recording(rec, _)) => {
            Cell::on(format!("recorder {} recording", rec.name))
        }
        Ok(RecorderState::Stopped(rec, _)) => Cell::off(format!("recorder {} stopped", rec.name)),
        Ok(RecorderState::Absent) => Cell::off("no configuration recorder"),
        Err(reason) => Cell::unknown(reason.sentence()),
    }
}
// --- end backbone: config ---
// --- backbone: guardduty + detective ---
/// The cell of a shared judgement (`checks/shared/<service>.rs`): on, off or unknown, with why.
/// The judgement returns plain values, so that `checks` never imports this module (which
/// imports it: no cycle).
fn cell_of((on, detail): (Option<bool>, String)) -> Cell {
    match on {
        Some(true) => Cell::on(detail),
        Some(false) => Cell::off(detail),
        None => Cell::unknown(detail),
    }
}
// --- end guardduty + detective ---
// --- backbone: cloudtrail
/// CloudTrail is on in a region when a trail covering it is logging management write events:
/// the judgement of `cloudtrail-multi-region` (`checks/shared/cloudtrail.rs`), which also
/// requires the trail to be multi-region. An organization trail of this account (the
/// management account) covers every account of the organization in the region.
fn cloudtrail_probe(account: &AccountInventory, region: &str, data: &RegionInventory) -> Cell {
    use crate::checks::shared::cloudtrail::{
        Coverage as Logging, Listings, gaps_sentence, names, region_coverage,
    };
    let trails = match Cell::of_failure(&data.cloudtrail) {
        Ok(t) => t,
        Err(cell) => return cell,
    };
    match region_coverage(&Listings::of_account(account), region, trails) {
        Logging::Logged(by) => {
            let detail = format!("logged by {}", names(&by));
            let owned_org_trail = by.iter().any(|t| {
                t.is_organization_trail && t.owner_account() == Some(account.account_id.as_str())
            });
            if owned_org_trail {
                Cell::on_for_organization(detail)
            } else {
                Cell::on(detail)
            }
        }
        Logging::NotLogged(gaps) if gaps.is_empty() => Cell::off("no trail covers the region"),
        Logging::NotLogged(gaps) => Cell::off(format!(
            "no trail logs management events: {}",
            gaps_sentence(&gaps)
        )),
        Logging::Unknown(reason) => Cell::unknown(reason.to_string()),
    }
}
// --- end backbone: cloudtrail

/// One cell of the matrix, where it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Placed {
    pub account_id: String,
    /// The region; `*` when the account's regions are unknown (it could not be entered, or
    /// region discovery failed).
    pub region: String,
    #[serde(flatten)]
    pub cell: Cell,
    /// Set when the cell was Off in its own account but an organization-wide resource of
    /// another account covers the region: that account's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covered_by: Option<String>,
}

/// One service's row of the matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceCoverage {
    pub service: String,
    pub title: String,
    pub on: usize,
    pub off: usize,
    pub unknown: usize,
    pub cells: Vec<Placed>,
}

/// The matrix: each probed service over every scanned account and region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub services: Vec<ServiceCoverage>,
}

/// Builds the matrix one account at a time, as the evaluator sees them.
#[derive(Debug, Default)]
pub struct Builder {
    cells: BTreeMap<&'static str, Vec<Placed>>,
}

impl Builder {
    pub fn add(&mut self, account: &AccountInventory) {
        self.add_with(PROBES, account);
    }

    fn add_with(&mut self, probes: &[Probe], account: &AccountInventory) {
        for probe in probes {
            let cells = self.cells.entry(probe.service).or_default();
            for (region, cell) in cells_of(probe, account) {
                cells.push(Placed {
                    account_id: account.account_id.clone(),
                    region,
                    cell,
                    covered_by: None,
                });
            }
        }
    }

    pub fn finish(self) -> Coverage {
        self.finish_with(PROBES)
    }

    fn finish_with(mut self, probes: &[Probe]) -> Coverage {
        let services = probes
            .iter()
            .map(|probe| {
                let mut cells = self.cells.remove(probe.service).unwrap_or_default();
                // An organization-wide resource covers the other accounts' Off cells of its region.
                let wide: BTreeMap<String, String> = cells
                    .iter()
                    .filter(|c| c.cell.state == State::On && c.cell.organization_wide)
                    .map(|c| (c.region.clone(), c.account_id.clone()))
                    .collect();
                for c in &mut cells {
                    if c.cell.state != State::Off {
                        continue;
                    }
                    if let Some(owner) = wide.get(&c.region) {
                        c.covered_by = Some(owner.clone());
                        c.cell.state = State::On;
                        c.cell.detail = format!(
                            "{}; covered by the organization-wide configuration in account {owner}",
                            c.cell.detail
                        );
                    }
                }
                cells.sort_by(|a, b| (&a.account_id, &a.region).cmp(&(&b.account_id, &b.region)));
                let count = |s: State| cells.iter().filter(|c| c.cell.state == s).count();
                ServiceCoverage {
                    service: probe.service.to_string(),
                    title: probe.title.to_string(),
                    on: count(State::On),
                    off: count(State::Off),
                    unknown: count(State::Unknown),
                    cells,
                }
            })
            .collect();
        Coverage { services }
    }
}

/// The cells of one account for one probe: each scanned region, or a single `*` cell saying why
/// the account's regions are unknown.
fn cells_of(probe: &Probe, account: &AccountInventory) -> Vec<(String, Cell)> {
    if let AccountAccess::Denied { error, .. } = &account.access {
        return vec![(
            "*".into(),
            Cell::unknown(format!(
                "the account could not be entered: {}",
                error.message
            )),
        )];
    }
    let regions = match &account.regions {
        Collected::Ok(r) => r,
        Collected::Failed(e) => {
            return vec![(
                "*".into(),
                Cell::unknown(format!("region discovery failed: {}", e.message)),
            )];
        }
    };
    regions
        .iter()
        .map(|region| {
            let cell = match account.regional.get(region) {
                Some(data) => (probe.region)(account, region, data),
                None => Cell::unknown("the region was not collected"),
            };
            (region.clone(), cell)
        })
        .collect()
}

impl Coverage {
    /// The distinct regions of the matrix, sorted.
    pub fn regions(&self) -> Vec<&str> {
        let mut r: Vec<&str> = self
            .services
            .iter()
            .flat_map(|s| s.cells.iter().map(|c| c.region.as_str()))
            .collect();
        r.sort_unstable();
        r.dedup();
        r
    }

    /// The distinct accounts of the matrix, sorted.
    pub fn accounts(&self) -> Vec<&str> {
        let mut a: Vec<&str> = self
            .services
            .iter()
            .flat_map(|s| s.cells.iter().map(|c| c.account_id.as_str()))
            .collect();
        a.sort_unstable();
        a.dedup();
        a
    }

    pub fn is_empty(&self) -> bool {
        self.services.iter().all(|s| s.cells.is_empty())
    }
}

// --- SVC: accessanalyzer, inspector2, macie
// The probes sit here, not in checks/shared/: the shared judgements they call are the checks'
// own (so a cell and its check agree), and checks/ must not import coverage (no module cycle).

/// On where the account's own active external access analyzer watches it, on for the whole
/// organization where that analyzer is an ORGANIZATION analyzer (the matrix then covers the
/// other accounts of the region, as `accessanalyzer-enabled` does), off where none, unknown
/// where ListAnalyzers failed.
fn accessanalyzer_probe(_: &AccountInventory, region: &str, data: &RegionInventory) -> Cell {
    use crate::checks::shared::accessanalyzer::{Cover, cover};
    let own = match Cell::of_failure(&data.accessanalyzer) {
        Ok(own) => own,
        Err(unknown) => return unknown,
    };
    match cover(own, []) {
        Some(Cover::Own(a)) if a.is_organization() => {
            Cell::on_for_organization(format!("organization analyzer {} in {region}", a.name))
        }
        Some(c) => Cell::on(c.describe()),
        None => Cell::off("no active external access analyzer of the account"),
    }
}

/// The judgement of `inspector-enabled`; unknown where the status could not be read.
fn inspector2_probe(_: &AccountInventory, _: &str, data: &RegionInventory) -> Cell {
    match Cell::of_failure(&data.inspector2) {
        Ok(i) => verdict_cell(crate::checks::shared::inspector2::scanning(i)),
        Err(unknown) => unknown,
    }
}

/// The judgement of `macie-enabled`; unknown where the session could not be read.
fn macie_probe(_: &AccountInventory, _: &str, data: &RegionInventory) -> Cell {
    match Cell::of_failure(&data.macie) {
        Ok(m) => verdict_cell(crate::checks::shared::macie::running(m)),
        Err(unknown) => unknown,
    }
}

fn verdict_cell(v: crate::checks::shared::inspector2::Verdict) -> Cell {
    if v.on {
        Cell::on(v.detail)
    } else {
        Cell::off(v.detail)
    }
}
// --- end SVC: accessanalyzer, inspector2, macie

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::base_inventory;
    use crate::inventory::CollectionError;

    /// A test service: on in us-east-1, organization-wide in eu-west-1 of account
    /// 111111111111, off elsewhere.
    fn probe_region(account: &AccountInventory, region: &str, _: &RegionInventory) -> Cell {
        if region == "eu-west-1" && account.account_id == "111111111111" {
            Cell::on_for_organization("organization-wide")
        } else if region == "us-east-1" {
            Cell::on("on")
        } else {
            Cell::off("off")
        }
    }

    const TEST: &[Probe] = &[Probe {
        service: "test",
        title: "Test",
        region: probe_region,
    }];

    /// Accounts 111111111111 and 222222222222, each scanned in us-east-1, eu-west-1 and
    /// ap-south-1.
    fn accounts() -> Vec<AccountInventory> {
        let base = base_inventory().accounts.remove(0);
        let data = base.regional.values().next().unwrap().clone();
        ["111111111111", "222222222222"]
            .into_iter()
            .map(|id| {
                let mut a = base.clone();
                a.account_id = id.into();
                let regions = ["us-east-1", "eu-west-1", "ap-south-1"];
                a.regions = Collected::Ok(regions.iter().map(|r| r.to_string()).collect());
                a.regional = regions
                    .iter()
                    .map(|r| (r.to_string(), data.clone()))
                    .collect();
                a
            })
            .collect()
    }

    #[test]
    fn config_probe_agrees_with_config_recorder_enabled() {
        use super::State;
        use super::config_probe;
        use crate::checks::fixtures::*;
        use crate::inventory::Collected;
        let mut inv = base_inventory();
        let state = |inv: &crate::inventory::Inventory| {
            let a = &inv.accounts[0];
            config_probe(a, REGION, &a.regional[REGION]).state
        };
        assert_eq!(state(&inv), State::On);
        if let Collected::Ok(s) = &mut config_mut(&mut inv).recorder_statuses {
            s[0].recording = false;
        }
        assert_eq!(state(&inv), State::Off);
        config_mut(&mut inv).recorders.clear();
        assert_eq!(state(&inv), State::Off);
        region_mut(&mut inv).config = Collected::Failed(denied("DescribeConfigurationRecorders"));
        assert_eq!(state(&inv), State::Unknown);
    }

    #[test]
    fn cells_per_account_and_region_with_organization_wide_cover() {
        let mut b = Builder::default();
        for a in &accounts() {
            b.add_with(TEST, a);
        }
        let m = b.finish_with(TEST);
        let row = &m.services[0];
        assert_eq!(row.cells.len(), 6);
        for c in &row.cells {
            match c.region.as_str() {
                "us-east-1" => assert_eq!(c.cell.state, State::On),
                "eu-west-1" => {
                    assert_eq!(c.cell.state, State::On, "{c:?}");
                    let want = (c.account_id == "222222222222").then_some("111111111111");
                    assert_eq!(c.covered_by.as_deref(), want);
                }
                _ => assert_eq!(c.cell.state, State::Off, "{c:?}"),
            }
        }
        assert_eq!((row.on, row.off, row.unknown), (4, 2, 0));
        assert_eq!(m.regions(), ["ap-south-1", "eu-west-1", "us-east-1"]);
        assert_eq!(m.accounts(), ["111111111111", "222222222222"]);
    }

    #[test]
    fn unreadable_accounts_and_regions_are_unknown() {
        let mut accounts = accounts();
        accounts[0].regions = Collected::Failed(CollectionError::not_read(
            "ec2",
            "DescribeRegions",
            "denied",
        ));
        accounts[1].regional.remove("ap-south-1");
        let mut b = Builder::default();
        for a in &accounts {
            b.add_with(TEST, a);
        }
        let row = &b.finish_with(TEST).services[0];
        let first: Vec<_> = row
            .cells
            .iter()
            .filter(|c| c.account_id == "111111111111")
            .collect();
        assert_eq!(first.len(), 1);
        assert_eq!(
            (first[0].region.as_str(), first[0].cell.state),
            ("*", State::Unknown)
        );
        let missing = row
            .cells
            .iter()
            .find(|c| c.account_id == "222222222222" && c.region == "ap-south-1")
            .unwrap();
        assert_eq!(missing.cell.state, State::Unknown);
        // An unknown cell is never covered by an organization-wide one.
        assert!(
            row.cells
                .iter()
                .all(|c| c.cell.state != State::Unknown || c.covered_by.is_none())
        );
    }

    // --- SVC: accessanalyzer, inspector2, macie
    #[test]
    fn service_probes_agree_with_their_checks() {
        use crate::checks::fixtures::{REGION, analyzer, base_inventory, denied};
        use crate::inventory::{AccessAnalyzer, Analyzer, Collected, Inspector2, Macie};
        let inv = base_inventory();
        let acct = &inv.accounts[0];
        let mut data = acct.regional[REGION].clone();
        let cell = accessanalyzer_probe(acct, REGION, &data);
        assert_eq!((cell.state, cell.organization_wide), (State::On, false));
        data.accessanalyzer = Collected::Ok(AccessAnalyzer {
            analyzers: vec![analyzer("org", Analyzer::ORGANIZATION, "ACTIVE")],
        });
        let cell = accessanalyzer_probe(acct, REGION, &data);
        assert_eq!((cell.state, cell.organization_wide), (State::On, true));
        data.accessanalyzer = Collected::Ok(AccessAnalyzer::default());
        assert_eq!(accessanalyzer_probe(acct, REGION, &data).state, State::Off);
        data.accessanalyzer = Collected::Failed(denied("ListAnalyzers"));
        assert_eq!(
            accessanalyzer_probe(acct, REGION, &data).state,
            State::Unknown
        );
        // Inspector and Macie: the checks' judgements.
        data.inspector2 = Collected::Ok(Inspector2 {
            status: "DISABLED".into(),
            ec2: None,
            ecr: None,
            lambda: None,
            lambda_code: None,
        });
        let cell = inspector2_probe(acct, REGION, &data);
        assert_eq!(cell.state, State::Off);
        assert!(cell.detail.contains("DISABLED"), "{cell:?}");
        data.macie = Collected::Ok(Macie::NotEnabled);
        assert_eq!(macie_probe(acct, REGION, &data).state, State::Off);
        data.macie = Collected::Failed(denied("GetMacieSession"));
        assert_eq!(macie_probe(acct, REGION, &data).state, State::Unknown);
        assert_eq!(
            inspector2_probe(acct, REGION, &acct.regional[REGION]).state,
            State::On
        );
    }
    // --- end SVC: accessanalyzer, inspector2, macie
}
