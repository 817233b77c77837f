//! What the GuardDuty checks (and the coverage probe) share: the state of GuardDuty in one
//! Region of one account, the delegated administrator, the protection plans.

use crate::check::{AccountDigest, At, Findings, OrgContext, Reason, Subject};
use crate::inventory::{
    AccountAccess, Collected, CollectionError, DelegatedAdministrator, DetectorDetails, GuardDuty,
    GuardDutyDetector, GuardDutyOrgView, Organization,
};

/// GuardDuty's service principal, as Organizations lists delegated administrators.
pub const SERVICE_PRINCIPAL: &str = "guardduty.amazonaws.com";

/// The state of GuardDuty in one Region, as the account's own detector says.
#[derive(Debug, Clone, Copy)]
pub enum RegionState<'a> {
    /// A detector with status `ENABLED`.
    On(&'a GuardDutyDetector, &'a DetectorDetails),
    /// A detector with status `DISABLED`: GuardDuty is suspended (no monitoring).
    Suspended(&'a GuardDutyDetector, &'a DetectorDetails),
    /// No detector: GuardDuty was never enabled there, or was disabled.
    NoDetector,
    /// GetDetector named a status posture does not know, or none.
    Unreported(&'a GuardDutyDetector, Option<&'a str>),
}

/// The Region's state, or the failed call that hides it.
pub fn region_state(gd: &GuardDuty) -> Result<RegionState<'_>, &CollectionError> {
    let Some(d) = &gd.detector else {
        return Ok(RegionState::NoDetector);
    };
    let details = d.details.as_ref()?;
    Ok(match details.status.as_deref() {
        Some("ENABLED") => RegionState::On(d, details),
        Some("DISABLED") => RegionState::Suspended(d, details),
        other => RegionState::Unreported(d, other),
    })
}

/// A sentence for the state (the check's message and the probe's detail).
pub fn describe(state: &RegionState, region: &str) -> String {
    match state {
        RegionState::On(d, _) => format!(
            "GuardDuty detector {} is enabled in {region}",
            d.detector_id
        ),
        RegionState::Suspended(d, _) => format!(
            "GuardDuty detector {} in {region} is suspended (status DISABLED): nothing is monitored",
            d.detector_id
        ),
        RegionState::NoDetector => {
            format!("GuardDuty is not enabled in {region}: ListDetectors lists no detector")
        }
        RegionState::Unreported(d, s) => format!(
            "GetDetector reports the status {} for detector {} in {region}",
            s.unwrap_or("(absent)"),
            d.detector_id
        ),
    }
}

/// The account Organizations lists as GuardDuty's delegated administrator.
pub fn delegated_admin(admins: &[DelegatedAdministrator]) -> Option<&DelegatedAdministrator> {
    admins
        .iter()
        .find(|a| a.service_principals.iter().any(|s| s == SERVICE_PRINCIPAL))
}

/// Whether `account` is GuardDuty's delegated administrator in `org` (`None`: the
/// delegated administrators could not be listed).
pub fn is_delegated_admin(org: &Organization, account: &str) -> Option<bool> {
    let admins = org.delegated_administrators.as_ref().ok()?;
    Some(delegated_admin(admins).is_some_and(|a| a.account_id == account))
}

/// The protection plans posture reports, with the feature names GetDetector uses. Runtime
/// Monitoring replaced EKS Runtime Monitoring (`EKS_RUNTIME_MONITORING`): either counts.
pub const PROTECTION_PLANS: &[(&str, &[&str])] = &[
    ("S3 Protection", &["S3_DATA_EVENTS"]),
    ("EKS Protection (audit logs)", &["EKS_AUDIT_LOGS"]),
    (
        "Malware Protection for EC2 (EBS)",
        &["EBS_MALWARE_PROTECTION"],
    ),
    ("RDS Protection", &["RDS_LOGIN_EVENTS"]),
    ("Lambda Protection", &["LAMBDA_NETWORK_LOGS"]),
    (
        "Runtime Monitoring",
        &["RUNTIME_MONITORING", "EKS_RUNTIME_MONITORING"],
    ),
];

/// The status of a protection plan's features: `ENABLED` when any of them is; else the first
/// reported status; `None` when the detector lists none of them.
pub fn plan_status<'a>(details: &'a DetectorDetails, features: &[&str]) -> Option<&'a str> {
    let statuses: Vec<&str> = features
        .iter()
        .filter_map(|f| details.feature(f))
        .filter_map(|f| f.status.as_deref())
        .collect();
    statuses
        .iter()
        .find(|s| **s == "ENABLED")
        .or(statuses.first())
        .copied()
}

/// S3 Protection's status: the `S3_DATA_EVENTS` feature, or where the detector lists no such
/// feature, the older `DataSources.S3Logs`; with the field it was read from.
pub fn s3_protection(details: &DetectorDetails) -> Option<(&str, &'static str)> {
    match plan_status(details, &["S3_DATA_EVENTS"]) {
        Some(s) => Some((s, "Features[S3_DATA_EVENTS].Status")),
        None => details
            .s3_logs
            .as_deref()
            .map(|s| (s, "DataSources.S3Logs.Status")),
    }
}

/// GuardDuty's delegated administrator, as the organization checks find it.
pub enum Administrator<'i> {
    /// Organizations lists no delegated administrator for GuardDuty.
    None(&'i Organization),
    /// The administrator was scanned: GuardDuty in each of its scanned Regions.
    Scanned {
        org: &'i Organization,
        admin: &'i AccountDigest,
        regions: Vec<At<'i, GuardDuty, AccountDigest>>,
    },
}

/// GuardDuty's delegated administrator and its Regions. Records "not assessed" and returns
/// `None` when the scan is not in organization mode, the delegated administrators could not be
/// listed, the administrator was not scanned (`outside-scan`) or could not be entered.
pub fn administrator<'i>(ctx: &OrgContext<'i>, out: &mut Findings) -> Option<Administrator<'i>> {
    let (org, admins) = out.organization_part(ctx, |o| &o.delegated_administrators)?;
    let Some(admin) = delegated_admin(admins) else {
        return Some(Administrator::None(org));
    };
    let Some(digest) = ctx
        .accounts
        .iter()
        .find(|a| a.account_id == admin.account_id)
    else {
        out.not_assessed(
            org,
            Reason::outside_scan(format!(
                "GuardDuty's delegated administrator {} was not scanned: scan it too (or drop it from --exclude-accounts) to read the organization's GuardDuty configuration",
                account_label(org, &admin.account_id)
            )),
        );
        return None;
    };
    if let AccountAccess::Denied { role_arn, error } = &digest.access {
        out.not_assessed(
            &Subject::account(&digest.account_id),
            Reason::account_not_accessible(role_arn, error),
        );
        return None;
    }
    let regions = out.digest_guardduty_of(ctx, digest);
    Some(Administrator::Scanned {
        org,
        admin: digest,
        regions,
    })
}

/// The message of an organization without a GuardDuty administrator.
pub fn no_administrator() -> &'static str {
    "Organizations lists no delegated administrator for GuardDuty (guardduty.amazonaws.com): no account administers GuardDuty for the organization, auto-enables it for accounts or sees their findings"
}

/// `name (id)` of an organization account, or the id.
pub fn account_label(org: &Organization, id: &str) -> String {
    match org.accounts.iter().find(|a| a.id == id) {
        Some(a) => format!("{} ({id})", a.name),
        None => id.to_string(),
    }
}

/// The organization view of the administrator's detector in one Region, or what stands in
/// its way: `Err(Some(message))` when the administrator has no detector there (a gap to
/// report), `Err(None)` when "not assessed" was recorded.
pub fn org_view<'i>(
    out: &mut Findings,
    gd: &At<'i, GuardDuty, AccountDigest>,
) -> Result<&'i GuardDutyOrgView, Option<String>> {
    let region = gd.region.unwrap_or_default();
    let Some(d) = &gd.item.detector else {
        return Err(Some(format!(
            "GuardDuty's delegated administrator {} has no detector in {region}: it administers no account there",
            gd.account_id()
        )));
    };
    match &d.organization {
        Some(v) => Ok(v),
        None => {
            out.not_assessed(
                gd,
                Reason::not_reported(format!(
                    "the organization configuration of detector {} in {region} was not collected (an inventory saved before posture read it, or the account was not GuardDuty's delegated administrator when scanned)",
                    d.detector_id
                )),
            );
            Err(None)
        }
    }
}

/// The coverage matrix's reading of GuardDuty in one Region (`crate::coverage::PROBES`), the
/// judgement of `guardduty-enabled`: `Some(true)` on (an enabled detector), `Some(false)` off (no
/// detector, or a suspended one), `None` unknown (a failed call, an unknown status); with the
/// sentence that says why.
pub fn region_coverage(data: &Collected<GuardDuty>, region: &str) -> (Option<bool>, String) {
    let gd = match data {
        Collected::Ok(gd) => gd,
        Collected::Failed(e) => return (None, e.to_string()),
    };
    match region_state(gd) {
        Err(e) => (None, e.to_string()),
        Ok(state) => {
            let on = match state {
                RegionState::On(..) => Some(true),
                RegionState::Suspended(..) | RegionState::NoDetector => Some(false),
                RegionState::Unreported(..) => None,
            };
            (on, describe(&state, region))
        }
    }
}
