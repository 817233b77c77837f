//! What the CloudTrail checks (and the coverage probe) share: the state of a trail as an account
//! sees it, and whether a region of an account is logged.
//!
//! A trail is *logging* a region when GetTrailStatus says `IsLogging`, its selectors record
//! management write events (the default selector records every management event; custom basic
//! or advanced selectors may leave them out), and it covers the region: its home region, or any
//! region for a multi-region trail. DescribeTrails with `includeShadowTrails` lists in each
//! region the trails that cover it, the organization trail included in member accounts.

use crate::check::{AccountDigest, Reason};
use crate::inventory::{
    AccountInventory, CloudTrail, Collected, ManagementEvents, Trail, TrailStatus,
};

/// An account's trail listings, by region (the regions where DescribeTrails answered, and the
/// failures of the others).
pub struct Listings<'a> {
    pub regions: Vec<(&'a str, &'a Collected<CloudTrail>)>,
}

impl<'a> Listings<'a> {
    pub fn of_account(acct: &'a AccountInventory) -> Listings<'a> {
        Listings {
            regions: acct
                .regional
                .iter()
                .map(|(r, data)| (r.as_str(), &data.cloudtrail))
                .collect(),
        }
    }

    pub fn of_digest(d: &'a AccountDigest) -> Listings<'a> {
        Listings {
            regions: d
                .cloudtrail
                .iter()
                .map(|(r, data)| (r.as_str(), data))
                .collect(),
        }
    }

    /// Every listing of the trail `arn` in the account.
    fn listings_of(&self, arn: &'a str) -> impl Iterator<Item = &'a Trail> + '_ {
        self.regions
            .iter()
            .filter_map(|(_, c)| c.as_ref().ok())
            .flat_map(|ct| ct.trails.iter())
            .filter(move |t| t.arn == arn)
    }

    /// Every distinct trail listed in the account (first listing of each).
    pub fn distinct(&self) -> Vec<&'a Trail> {
        let mut out: Vec<&'a Trail> = Vec::new();
        for (_, c) in &self.regions {
            if let Collected::Ok(ct) = c {
                for t in &ct.trails {
                    if !out.iter().any(|o| o.arn == t.arn) {
                        out.push(t);
                    }
                }
            }
        }
        out
    }

    /// The first region whose listing failed, with its error.
    pub fn first_failure(&self) -> Option<(&'a str, &'a crate::inventory::CollectionError)> {
        self.regions
            .iter()
            .find_map(|(r, c)| c.error().map(|e| (*r, e)))
    }

    /// Whether any region's listing was read.
    pub fn any_read(&self) -> bool {
        self.regions.iter().any(|(_, c)| c.as_ref().is_ok())
    }

    /// The status of `trail`, from the listing where it was read (its home region's, or every
    /// listing region's when the home region was not scanned).
    pub fn status(&self, trail: &'a Trail) -> Option<&'a Collected<TrailStatus>> {
        trail
            .status
            .as_ref()
            .or_else(|| self.listings_of(&trail.arn).find_map(|t| t.status.as_ref()))
    }

    fn selectors(&self, trail: &'a Trail) -> Option<&'a Collected<ManagementEvents>> {
        trail.management_events.as_ref().or_else(|| {
            self.listings_of(&trail.arn)
                .find_map(|t| t.management_events.as_ref())
        })
    }

    /// What the account knows of `trail`: logging (with the management events recorded),
    /// stopped, or unknown.
    pub fn state(&self, trail: &'a Trail) -> TrailState<'a> {
        let status = match self.status(trail) {
            Some(Collected::Ok(s)) => s,
            Some(Collected::Failed(e)) => return TrailState::Unknown(Reason::collection(e)),
            None => {
                return TrailState::Unknown(Reason::not_reported(format!(
                    "the status of trail {} was not read in any scanned region",
                    trail.arn
                )));
            }
        };
        if !status.is_logging {
            return TrailState::Stopped(status);
        }
        if !trail.has_custom_event_selectors {
            return TrailState::Logging(status, ManagementEvents::ALL);
        }
        match self.selectors(trail) {
            Some(Collected::Ok(m)) => TrailState::Logging(status, *m),
            Some(Collected::Failed(e)) => TrailState::Unknown(Reason::collection(e)),
            None => TrailState::Unknown(Reason::not_reported(format!(
                "the event selectors of trail {} were not read in any scanned region",
                trail.arn
            ))),
        }
    }
}

/// What an account knows of one trail.
pub enum TrailState<'a> {
    /// `IsLogging`, recording these management events.
    Logging(&'a TrailStatus, ManagementEvents),
    /// `IsLogging` false.
    Stopped(&'a TrailStatus),
    /// GetTrailStatus or GetEventSelectors failed.
    Unknown(Reason),
}

impl TrailState<'_> {
    /// Logging management write events (the ones that change something).
    pub fn records_writes(&self) -> bool {
        matches!(self, TrailState::Logging(_, m) if m.write)
    }

    /// Why the trail does not log management writes, when it does not (`None` when it does or
    /// the state is unknown).
    pub fn gap(&self) -> Option<String> {
        match self {
            TrailState::Logging(_, m) if !m.write => Some(format!("records {}", m.label())),
            TrailState::Stopped(_) => Some("is not logging (StopLogging)".to_string()),
            _ => None,
        }
    }
}

/// A trail covers `region`: it was created there, or it is a multi-region trail.
pub fn covers(trail: &Trail, region: &str) -> bool {
    trail.is_multi_region || trail.homed_in(region)
}

/// Whether one region of an account is logged.
pub enum Coverage<'a> {
    /// These trails cover the region and log its management write events (not empty).
    Logged(Vec<&'a Trail>),
    /// No trail logs it: the covering trails (maybe none) and why each does not.
    NotLogged(Vec<(&'a Trail, String)>),
    /// No trail is known to log it, and the state of some covering trail is unknown.
    Unknown(Reason),
}

/// Whether `region` of the account whose listings are `all` is logged, from the trails listed
/// there (`here`).
pub fn region_coverage<'a>(all: &Listings<'a>, region: &str, here: &'a CloudTrail) -> Coverage<'a> {
    let mut logged = Vec::new();
    let mut gaps = Vec::new();
    let mut unknown = None;
    for t in here.trails.iter().filter(|t| covers(t, region)) {
        let state = all.state(t);
        if state.records_writes() {
            logged.push(t);
        } else if let Some(gap) = state.gap() {
            gaps.push((t, gap));
        } else if let TrailState::Unknown(r) = state {
            unknown.get_or_insert(r.after(format!("the state of trail {} is unknown: ", t.name)));
        }
    }
    if !logged.is_empty() {
        Coverage::Logged(logged)
    } else if let Some(r) = unknown {
        Coverage::Unknown(r)
    } else {
        Coverage::NotLogged(gaps)
    }
}

/// The organization trails as the scanned accounts list them (the management account first:
/// it owns every organization trail), each with the best-known state.
pub struct OrgTrails<'a> {
    /// Each organization trail once: the trail, its state, the account whose listing was read.
    pub found: Vec<(&'a Trail, TrailState<'a>, &'a str)>,
    management_listed: bool,
    listed_somewhere: bool,
    failure: Option<(&'a str, &'a str, &'a crate::inventory::CollectionError)>,
}

impl<'a> OrgTrails<'a> {
    pub fn read(accounts: &'a [AccountDigest], management: &str) -> OrgTrails<'a> {
        let mut entered: Vec<&'a AccountDigest> = accounts
            .iter()
            .filter(|d| !matches!(d.access, crate::inventory::AccountAccess::Denied { .. }))
            .collect();
        entered.sort_by_key(|d| d.account_id != management);
        let mut out = OrgTrails {
            found: Vec::new(),
            management_listed: false,
            listed_somewhere: false,
            failure: None,
        };
        for d in entered {
            let listings = Listings::of_digest(d);
            if listings.any_read() {
                out.listed_somewhere = true;
                out.management_listed |= d.account_id == management;
            }
            if out.failure.is_none() {
                out.failure = listings
                    .first_failure()
                    .map(|(r, e)| (d.account_id.as_str(), r, e));
            }
            for t in listings
                .distinct()
                .into_iter()
                .filter(|t| t.is_organization_trail)
            {
                let state = listings.state(t);
                match out.found.iter_mut().find(|(f, _, _)| f.arn == t.arn) {
                    Some(entry) => {
                        if matches!(entry.1, TrailState::Unknown(_))
                            && !matches!(state, TrailState::Unknown(_))
                        {
                            *entry = (t, state, d.account_id.as_str());
                        }
                    }
                    None => out.found.push((t, state, d.account_id.as_str())),
                }
            }
        }
        out
    }

    /// The organization trail that records the organization: multi-region and logging
    /// management write events.
    pub fn recording(&self) -> Option<&(&'a Trail, TrailState<'a>, &'a str)> {
        self.found
            .iter()
            .find(|(t, s, _)| t.is_multi_region && s.records_writes())
    }

    /// When no organization trail was found: `Ok` with the failure's sentence when the listings
    /// read show there is none, `Err` with the reason when too little was read to say so.
    pub fn absence(&self, management: &str) -> Result<String, Reason> {
        if self.management_listed {
            Ok(format!(
                "the organization has no organization trail: the management account {management} lists none"
            ))
        } else if self.listed_somewhere {
            Ok("the organization has no organization trail: no scanned account lists one (AWS lists the organization trail in every member account)".to_string())
        } else if let Some((account, region, e)) = self.failure {
            Err(Reason::collection_as(
                format!("no account's trails could be read (account {account}, {region}): "),
                e,
            ))
        } else {
            Err(Reason::outside_scan(
                "no scanned account's trails were read (scan the management account)",
            ))
        }
    }
}

/// The organization trail that records every account of the organization: multi-region,
/// logging management write events, owned by the management account (it owns every
/// organization trail). `None` outside organization mode or when there is none.
pub fn organization_cover<'a>(
    organization: Option<&'a Collected<crate::inventory::Organization>>,
    accounts: &'a [AccountDigest],
) -> Option<OrgCover<'a>> {
    let Some(Collected::Ok(org)) = organization else {
        return None;
    };
    let management = org.management_account_id.as_str();
    let trails = OrgTrails::read(accounts, management);
    let (trail, state, _) = trails.recording()?;
    if trail.owner_account() != Some(management) {
        return None;
    }
    let events = match state {
        TrailState::Logging(_, m) => *m,
        _ => ManagementEvents::default(),
    };
    Some(OrgCover {
        organization: org,
        trail,
        events,
    })
}

/// An organization trail that logs the organization (see [`organization_cover`]).
pub struct OrgCover<'a> {
    pub organization: &'a crate::inventory::Organization,
    pub trail: &'a Trail,
    pub events: ManagementEvents,
}

impl OrgCover<'_> {
    /// The account is one of the organization's, so the trail records it.
    pub fn covers_account(&self, account_id: &str) -> bool {
        self.organization
            .accounts
            .iter()
            .any(|a| a.id == account_id)
            || self.organization.management_account_id == account_id
    }
}

/// What the policy of the KMS key of a trail admits.
pub enum KeyReading {
    /// The trail has no KMS key (SSE-S3 only): no key policy to read.
    NoKey,
    /// The key policy admits no one outside the organization and the trusted accounts.
    Inside(String),
    /// It admits these principals outside (after the RCPs above the key's account).
    Outside(String, Vec<String>),
    Unknown(Reason),
}

/// The policy of the KMS key `trail` encrypts with, read by the policy engine against the
/// scan's trust boundary, with the RCPs above the key's account (as `kms-key-policy-outside-org`
/// reads every key), from the digest of the account that owns the key.
pub fn key_reading(ctx: &crate::check::OrgContext, trail: &Trail) -> KeyReading {
    use super::boundary::decisions;
    use super::layers::{Attached, account_rcps};
    let Some(arn) = trail.kms_key_id.as_deref() else {
        return KeyReading::NoKey;
    };
    let parts: Vec<&str> = arn.split(':').collect();
    let (Some(region), Some(account)) = (parts.get(3), parts.get(4)) else {
        return KeyReading::Unknown(Reason::not_reported(format!(
            "the KMS key {arn} of trail {} is not named by its ARN",
            trail.name
        )));
    };
    let Some(owner) = ctx.accounts.iter().find(|d| d.account_id == *account) else {
        return KeyReading::Unknown(Reason::outside_scan(format!(
            "the KMS key {arn} of trail {} belongs to account {account}, which was not scanned",
            trail.name
        )));
    };
    let text = match owner.trail_keys.get(*region) {
        None => {
            return KeyReading::Unknown(Reason::outside_scan(format!(
                "the KMS key {arn} of trail {} is in {region}, which was not scanned in account {account}",
                trail.name
            )));
        }
        Some(Collected::Failed(e)) => return KeyReading::Unknown(Reason::collection(e)),
        Some(Collected::Ok(keys)) => match keys.get(arn) {
            Some(Collected::Ok(text)) => text,
            Some(Collected::Failed(e)) => return KeyReading::Unknown(Reason::collection(e)),
            None => {
                return KeyReading::Unknown(Reason::inconsistent(format!(
                    "the KMS key {arn} of trail {} is not among the customer-managed keys of account {account} that let CloudTrail in",
                    trail.name
                )));
            }
        },
    };
    let policy = match crate::policy::parse(text) {
        Ok(p) => p,
        Err(e) => {
            return KeyReading::Unknown(Reason::unparseable(format!("the key policy of {arn}"), e));
        }
    };
    let read = decisions(&policy, ctx.boundary());
    let mut grants = read.outside.clone();
    let rcps = account_rcps(
        ctx.organization,
        account,
        &policy,
        grants.iter().map(|g| g.statement.as_str()),
        &Attached::kms_key(arn),
        ctx.boundary(),
    );
    grants.retain(|g| !rcps.confines(&g.statement));
    let who = crate::policy::outside_accounts(&grants);
    if who.is_empty() {
        KeyReading::Inside(arn.to_string())
    } else {
        KeyReading::Outside(arn.to_string(), who)
    }
}

/// `name (reason); name (reason)`.
pub fn gaps_sentence(gaps: &[(&Trail, String)]) -> String {
    gaps.iter()
        .map(|(t, why)| format!("{} {why}", t.name))
        .collect::<Vec<_>>()
        .join("; ")
}

/// `a, b, c`.
pub fn names(trails: &[&Trail]) -> String {
    trails
        .iter()
        .map(|t| t.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::coverage::{PROBES, State};
    use crate::inventory::{Collected, Inventory};

    fn probe_state(inv: &Inventory) -> State {
        let probe = PROBES
            .iter()
            .find(|p| p.service == "cloudtrail")
            .expect("cloudtrail probe");
        let acct = &inv.accounts[0];
        (probe.region)(acct, REGION, &acct.regional[REGION]).state
    }

    /// The coverage probe and `cloudtrail-multi-region` judge a region alike: not logged is Off
    /// and a fail, unknown is Unknown and not assessed, logged is On (the check also wants the
    /// trail to be multi-region).
    #[test]
    fn the_probe_agrees_with_the_multi_region_check() {
        let mut unknown = trail("t", true, true);
        unknown.status = Some(Collected::Failed(denied("GetTrailStatus")));
        let mut listing_failed = base_inventory();
        region_mut(&mut listing_failed).cloudtrail = Collected::Failed(denied("DescribeTrails"));
        for (inv, state, status) in [
            (inventory_with_trails(vec![]), State::Off, Status::Fail),
            (
                inventory_with_trails(vec![trail("t", true, true)]),
                State::On,
                Status::Pass,
            ),
            (
                inventory_with_trails(vec![trail("t", true, false)]),
                State::Off,
                Status::Fail,
            ),
            (
                inventory_with_trails(vec![trail("t", false, true)]),
                State::On,
                Status::Fail,
            ),
            (
                inventory_with_trails(vec![unknown]),
                State::Unknown,
                Status::NotAssessed,
            ),
            (listing_failed, State::Unknown, Status::NotAssessed),
        ] {
            assert_eq!(probe_state(&inv), state);
            assert_statuses(&inv, "cloudtrail-multi-region", &[status]);
        }
    }

    /// The management account's organization trail covers the members' regions in the matrix.
    #[test]
    fn an_owned_organization_trail_is_organization_wide() {
        let mut t = trail("org", true, true);
        t.is_organization_trail = true;
        let inv = inventory_with_trails(vec![t]);
        let probe = PROBES.iter().find(|p| p.service == "cloudtrail").unwrap();
        let acct = &inv.accounts[0];
        assert!((probe.region)(acct, REGION, &acct.regional[REGION]).organization_wide);
    }
}
