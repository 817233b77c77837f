use super::shared::ec2::{SharingSetting, judge_sharing_setting};
use crate::check::Check;

/// Block public access for EBS snapshots, per Region
/// (<https://docs.aws.amazon.com/ebs/latest/userguide/block-public-access-snapshots.html>):
/// `block-all-sharing` also hides snapshots that are already public, `block-new-sharing` only
/// refuses new public sharing, `unblocked` refuses nothing.
pub const CHECK: Check = Check {
    id: "ec2-snapshot-block-public-access",
    run: |ctx, out| judge_sharing_setting(ctx, out, &SNAPSHOTS),
};

const SNAPSHOTS: SharingSetting = SharingSetting {
    field: |ec2| &ec2.snapshot_block_public_access,
    attribute: "snapshot_block_public_access",
    api: "GetSnapshotBlockPublicAccessState",
    evidence: "SnapshotBlockPublicAccess",
    state_path: "SnapshotBlockPublicAccess.State",
    judge: |state, region, source| match state {
        "block-all-sharing" => Some((
            true,
            format!(
                "EBS snapshots in {region} cannot be shared publicly, and snapshots already public are treated as private ({source})"
            ),
        )),
        "block-new-sharing" => Some((
            true,
            format!(
                "new public sharing of EBS snapshots in {region} is blocked ({source}); snapshots shared publicly before stay public"
            ),
        )),
        "unblocked" => Some((
            false,
            format!(
                "EBS snapshots in {region} can be shared publicly: block public access for snapshots is off ({source})"
            ),
        )),
        _ => None,
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
