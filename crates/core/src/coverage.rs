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
    // --- SVC: securityhub ---
    Probe {
        service: "securityhub",
        title: "Security Hub",
        region: securityhub,
    },
    // --- end SVC: securityhub ---
];

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
}
