//! Security Hub runs a backbone standard: AWS Foundational Security Best Practices or a CIS AWS
//! Foundations Benchmark, enabled and READY, in every region where the hub is on.

use super::shared::securityhub::{backbone_standard, ready};
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "securityhub-standards",
    run: |ctx, out| {
        for sh in out.securityhub(ctx) {
            let region = sh.region.unwrap_or_default();
            if sh.hub.is_none() {
                out.not_applicable(
                    &sh,
                    format!("Security Hub is not enabled in {region}: no standard can run (securityhub-enabled reports it)"),
                );
                continue;
            }
            let Some(standards) = out.collected(&sh, &sh.standards) else {
                continue;
            };
            let running: Vec<String> = standards
                .iter()
                .filter(|s| ready(s))
                .filter_map(backbone_standard)
                .collect();
            let not_ready: Vec<String> = standards
                .iter()
                .filter(|s| !ready(s))
                .filter_map(|s| backbone_standard(s).map(|n| format!("{n} ({})", s.status)))
                .collect();
            if running.is_empty() {
                let msg = if not_ready.is_empty() {
                    format!(
                        "neither AWS Foundational Security Best Practices nor a CIS AWS Foundations Benchmark is enabled in {region}"
                    )
                } else {
                    format!(
                        "no backbone standard is READY in {region}: {}",
                        not_ready.join(", ")
                    )
                };
                out.fail(&sh, msg);
            } else {
                out.pass(
                    &sh,
                    format!("{} enabled and READY in {region}", running.join(" and ")),
                );
            }
            for s in standards {
                out.evidence(
                    format!("GetEnabledStandards[{}].StandardsStatus", s.standards_arn),
                    &s.status,
                );
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::check::ReasonCode;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::Collected;

    fn with_standards(standards: &[&str]) -> crate::inventory::Inventory {
        let mut inv = base_inventory();
        *securityhub_mut(&mut inv) = securityhub_hub(ACCOUNT, REGION, standards);
        inv
    }

    #[test]
    fn fsbp_or_cis_passes_and_says_which() {
        let r = results(&with_standards(&[FSBP]), CHECK.id);
        assert_result(&r[0], Status::Pass, &["FSBP v1.0.0"]);
        let r = results(&with_standards(&[CIS_1_2]), CHECK.id);
        assert_result(&r[0], Status::Pass, &["CIS v1.2.0"]);
        let r = results(
            &with_standards(&["standards/cis-aws-foundations-benchmark/v/3.0.0", FSBP]),
            CHECK.id,
        );
        assert_result(&r[0], Status::Pass, &["CIS v3.0.0 and FSBP v1.0.0"]);
        assert_evidence_value(&r[0], "READY");
    }

    #[test]
    fn other_standards_or_none_fail() {
        let r = results(
            &with_standards(&["standards/nist-800-53/v/5.0.0"]),
            CHECK.id,
        );
        assert_result(&r[0], Status::Fail, &["neither"]);
        let r = results(&with_standards(&[]), CHECK.id);
        assert_result(&r[0], Status::Fail, &["neither"]);
    }

    #[test]
    fn a_standard_not_ready_fails_with_its_status() {
        let mut inv = with_standards(&[FSBP]);
        if let Collected::Ok(s) = &mut securityhub_mut(&mut inv).standards {
            s[0].status = "INCOMPLETE".into();
        }
        let r = results(&inv, CHECK.id);
        assert_result(&r[0], Status::Fail, &["FSBP v1.0.0 (INCOMPLETE)"]);
    }

    #[test]
    fn hub_off_is_not_applicable_and_unread_standards_not_assessed() {
        let mut off = base_inventory();
        *securityhub_mut(&mut off) = securityhub_off();
        assert_statuses(&off, CHECK.id, &[Status::NotApplicable]);

        let mut failed = base_inventory();
        securityhub_mut(&mut failed).standards = Collected::Failed(denied("GetEnabledStandards"));
        assert_statuses(&failed, CHECK.id, &[Status::NotAssessed]);
        assert_reason(&results(&failed, CHECK.id)[0], ReasonCode::CollectionFailed);

        let mut hub_failed = base_inventory();
        region_mut(&mut hub_failed).securityhub = Collected::Failed(denied("DescribeHub"));
        assert_statuses(&hub_failed, CHECK.id, &[Status::NotAssessed]);
    }
}
