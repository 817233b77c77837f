//! Security Hub judgements shared by its checks and its coverage probe.

use crate::check::{AccountDigest, At, Findings, OrgContext, Reason};
use crate::inventory::{
    Collected, CollectionError, DelegatedAdministrator, Hub, Organization, SecurityHub,
    SecurityHubOrganization, StandardsSubscription,
};

/// The service principal Organizations lists Security Hub's delegated administrator under.
pub const SERVICE_PRINCIPAL: &str = "securityhub.amazonaws.com";

/// The state of Security Hub in one region: the hub when the account is subscribed, `None`
/// when AWS says it is not, or the failed call.
pub fn hub(data: &Collected<SecurityHub>) -> Result<Option<&Hub>, &CollectionError> {
    data.as_ref().map(|s| s.hub.as_ref())
}

/// One sentence for the state of the hub, for results and the coverage matrix.
pub fn hub_sentence(sh: &SecurityHub) -> String {
    match &sh.hub {
        Some(h) => match &h.subscribed_at {
            Some(t) => format!("Security Hub is enabled (subscribed {t})"),
            None => "Security Hub is enabled".to_string(),
        },
        None => "Security Hub is not enabled (DescribeHub: the account is not subscribed)".into(),
    }
}

/// A standard the SRA asks for: AWS Foundational Security Best Practices or a CIS AWS
/// Foundations Benchmark, with its version (`"FSBP v1.0.0"`, `"CIS v1.4.0"`).
pub fn backbone_standard(s: &StandardsSubscription) -> Option<String> {
    // arn:<partition>:securityhub:<region>::standards/<name>/v/<version>
    // arn:<partition>:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0
    let tail = s.standards_arn.splitn(6, ':').nth(5)?;
    let mut parts = tail.split('/');
    let (kind, name) = (parts.next()?, parts.next()?);
    if kind != "standards" && kind != "ruleset" {
        return None;
    }
    let version = match (parts.next(), parts.next()) {
        (Some("v"), Some(v)) => v,
        _ => "?",
    };
    let short = match name {
        "aws-foundational-security-best-practices" => "FSBP",
        "cis-aws-foundations-benchmark" => "CIS",
        _ => return None,
    };
    Some(format!("{short} v{version}"))
}

/// The subscription is in effect: READY (INCOMPLETE, PENDING, FAILED and DELETING are not).
pub fn ready(s: &StandardsSubscription) -> bool {
    s.status.eq_ignore_ascii_case("READY")
}

/// The account Organizations lists as Security Hub's delegated administrator.
pub fn delegated_admin(admins: &[DelegatedAdministrator]) -> Option<&DelegatedAdministrator> {
    admins
        .iter()
        .find(|a| a.service_principals.iter().any(|p| p == SERVICE_PRINCIPAL))
}

/// The organization's accounts Security Hub's administrator should list as enabled members:
/// every ACTIVE account but the administrator itself.
pub fn expected_members<'o>(org: &'o Organization, admin: &str) -> Vec<&'o str> {
    org.accounts
        .iter()
        .filter(|a| a.state.eq_ignore_ascii_case("ACTIVE") && a.id != admin)
        .map(|a| a.id.as_str())
        .collect()
}

/// Where Security Hub is administered from, as the organization checks need it.
pub enum Administrator<'i> {
    /// Organizations lists this scanned account as Security Hub's delegated administrator.
    Scanned(&'i Organization, &'i AccountDigest),
    /// Organizations lists no delegated administrator for Security Hub.
    None(&'i Organization),
}

/// Security Hub's delegated administrator among the scanned accounts. `None` when the checks
/// cannot go on, with "not assessed" recorded: no `--org`, the delegated administrators not
/// read, or the administrator not scanned.
pub fn administrator<'i>(out: &mut Findings, ctx: &OrgContext<'i>) -> Option<Administrator<'i>> {
    let (org, admins) = out.organization_part(ctx, |o| &o.delegated_administrators)?;
    let Some(admin) = delegated_admin(admins) else {
        return Some(Administrator::None(org));
    };
    match ctx
        .accounts
        .iter()
        .find(|a| a.account_id == admin.account_id)
    {
        Some(d) => Some(Administrator::Scanned(org, d)),
        None => {
            out.not_assessed(
                org,
                Reason::outside_scan(format!(
                    "Security Hub's delegated administrator {} was not scanned: scan it (--org, or --accounts with it) to read the organization configuration and the members",
                    admin.account_id
                )),
            );
            None
        }
    }
}

/// One part of the administrator's organization view (`pick`: its configuration or its
/// members) in every region the administrator was scanned in, with where it was read. Records
/// the rest: the view not read in a region (`inconsistent`: Organizations lists the account as
/// the administrator) or its call failed. `what` names the part: "organization configuration".
pub fn administrator_parts<'i, T>(
    out: &mut Findings,
    ctx: &OrgContext<'i>,
    admin: &'i AccountDigest,
    what: &str,
    pick: fn(&SecurityHubOrganization) -> &Collected<T>,
) -> Vec<(At<'i, SecurityHub, AccountDigest>, &'i T)> {
    let mut parts = Vec::new();
    for sh in out.digest_securityhub_of(ctx, admin) {
        let region = sh.region.unwrap_or_default();
        let Some(view) = &sh.item.organization else {
            out.not_assessed(
                &sh,
                Reason::inconsistent(format!(
                    "Organizations lists {} as Security Hub's delegated administrator, but its {what} in {region} could not be read",
                    admin.account_id
                )),
            );
            continue;
        };
        if let Some(part) = out.collected(&sh, pick(view)) {
            parts.push((sh, part));
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(arn: &str, status: &str) -> StandardsSubscription {
        StandardsSubscription {
            standards_arn: arn.into(),
            subscription_arn: "s".into(),
            status: status.into(),
            status_reason: None,
        }
    }

    #[test]
    fn standards_are_named_by_their_arn() {
        let cases = [
            (
                "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0",
                Some("FSBP v1.0.0"),
            ),
            (
                "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0",
                Some("CIS v1.2.0"),
            ),
            (
                "arn:aws-us-gov:securityhub:us-gov-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0",
                Some("CIS v3.0.0"),
            ),
            (
                "arn:aws:securityhub:us-east-1::standards/nist-800-53/v/5.0.0",
                None,
            ),
            (
                "arn:aws:securityhub:us-east-1::standards/pci-dss/v/3.2.1",
                None,
            ),
            ("garbage", None),
        ];
        for (arn, want) in cases {
            assert_eq!(
                backbone_standard(&sub(arn, "READY")).as_deref(),
                want,
                "{arn}"
            );
        }
        assert!(ready(&sub("x", "READY")));
        assert!(!ready(&sub("x", "INCOMPLETE")));
    }
}
