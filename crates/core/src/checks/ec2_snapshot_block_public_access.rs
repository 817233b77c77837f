use super::shared::ec2::SettingSource;
use crate::check::{Check, Reason};

/// Block public access for EBS snapshots, per Region
/// (<https://docs.aws.amazon.com/ebs/latest/userguide/block-public-access-snapshots.html>):
/// `block-all-sharing` also hides snapshots that are already public, `block-new-sharing` only
/// refuses new public sharing, `unblocked` refuses nothing.
pub const CHECK: Check = Check {
    id: "ec2-snapshot-block-public-access",
    run: |ctx, out| {
        let regions = out.ec2(ctx);
        for (ec2, b) in out.each_collected(regions, |ec2| &ec2.snapshot_block_public_access) {
            let region = ec2.region.unwrap_or_default();
            let state = b.state.as_deref();
            let source = SettingSource::of(
                ctx,
                &ec2.account.account_id,
                &["ec2_attributes", "snapshot_block_public_access"],
                "state",
                state,
                b.managed_by.as_deref(),
            );
            match state {
                Some("block-all-sharing") => {
                    out.pass(
                        &ec2,
                        format!(
                            "EBS snapshots in {region} cannot be shared publicly, and snapshots already public are treated as private ({})",
                            source.label
                        ),
                    );
                }
                Some("block-new-sharing") => {
                    out.pass(
                        &ec2,
                        format!(
                            "new public sharing of EBS snapshots in {region} is blocked ({}); snapshots shared publicly before stay public",
                            source.label
                        ),
                    );
                }
                Some("unblocked") => {
                    out.fail(
                        &ec2,
                        format!(
                            "EBS snapshots in {region} can be shared publicly: block public access for snapshots is off ({})",
                            source.label
                        ),
                    );
                }
                Some(other) => {
                    out.not_assessed(
                        &ec2,
                        Reason::undecidable(format!(
                            "GetSnapshotBlockPublicAccessState in {region} reports the unknown state {other}"
                        )),
                    );
                }
                None => {
                    out.not_assessed(
                        &ec2,
                        Reason::not_reported(format!(
                            "GetSnapshotBlockPublicAccessState in {region} reports no state"
                        )),
                    );
                }
            }
            out.evidence(
                "SnapshotBlockPublicAccess.State",
                state.unwrap_or("(absent)"),
            );
            if let Some(m) = &b.managed_by {
                out.evidence("SnapshotBlockPublicAccess.ManagedBy", m);
            }
            source.evidence(
                out,
                "SnapshotBlockPublicAccess",
                region,
                "GetSnapshotBlockPublicAccessState",
            );
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, ErrorKind, SharingBlock};

    fn state(state: Option<&str>, managed_by: &str) -> Collected<SharingBlock> {
        Collected::Ok(SharingBlock {
            state: state.map(str::to_string),
            managed_by: Some(managed_by.into()),
        })
    }

    #[test]
    fn states() {
        let mut not_implemented = denied("GetSnapshotBlockPublicAccessState");
        not_implemented.kind = ErrorKind::NotImplemented;
        for (setting, want) in [
            (state(Some("block-all-sharing"), "account"), Status::Pass),
            (state(Some("block-new-sharing"), "account"), Status::Pass),
            (state(Some("unblocked"), "account"), Status::Fail),
            (state(None, "account"), Status::NotAssessed),
            (Collected::Failed(not_implemented), Status::NotAssessed),
        ] {
            let mut inv = base_inventory();
            ec2_mut(&mut inv).snapshot_block_public_access = setting;
            assert_statuses(&inv, CHECK.id, &[want]);
        }
    }

    /// An inventory saved before posture read the setting loads as "not collected": not
    /// assessed, never "off".
    #[test]
    fn older_inventory_is_not_assessed() {
        let inv = base_inventory();
        let mut doc = serde_json::to_value(&inv).unwrap();
        let ec2 = doc["accounts"][0]["regional"]
            .as_object_mut()
            .unwrap()
            .values_mut()
            .next()
            .unwrap();
        ec2["ec2"]["ok"]
            .as_object_mut()
            .unwrap()
            .remove("snapshot_block_public_access");
        let inv = serde_json::from_value(doc).unwrap();
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);
    }

    /// `ManagedBy = declarative-policy`: the EC2 declarative policy attached along the
    /// account's path that assigns the reported state is named (policy syntax:
    /// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_declarative_syntax.html).
    #[test]
    fn declarative_policy_is_named() {
        let mut inv = org_with_policy(
            "p-5b1a",
            "BlockSnapshotSharing",
            "DECLARATIVE_POLICY_EC2",
            r#"{"ec2_attributes":{"snapshot_block_public_access":{"state":{"@@assign":"block_all_sharing"}}}}"#,
            &["r-root"],
        );
        ec2_mut(&mut inv).snapshot_block_public_access =
            state(Some("block-all-sharing"), "declarative-policy");
        let r = &results(&inv, CHECK.id)[0];
        assert_result(
            r,
            Status::Pass,
            &["EC2 declarative policy BlockSnapshotSharing (p-5b1a)"],
        );
        assert_evidence_path(r, "DECLARATIVE_POLICY_EC2 BlockSnapshotSharing (p-5b1a)");
        // The policy assigns a block the Region does not report (yet): evidence, not a pass.
        ec2_mut(&mut inv).snapshot_block_public_access = state(Some("unblocked"), "account");
        let r = &results(&inv, CHECK.id)[0];
        assert_result(r, Status::Fail, &["(the account)"]);
        assert_evidence_path(r, "DECLARATIVE_POLICY_EC2 p-5b1a not in effect");
    }
}
