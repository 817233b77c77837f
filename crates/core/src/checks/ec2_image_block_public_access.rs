use super::shared::ec2::{SharingSetting, judge_sharing_setting};
use crate::check::Check;

/// Block public access for AMIs, per Region
/// (<https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/block-public-access-to-amis.html>):
/// `block-new-sharing` refuses every new public sharing of the account's AMIs (AMIs already
/// public stay public), `unblocked` refuses nothing.
pub const CHECK: Check = Check {
    id: "ec2-image-block-public-access",
    run: |ctx, out| judge_sharing_setting(ctx, out, &IMAGES),
};

const IMAGES: SharingSetting = SharingSetting {
    field: |ec2| &ec2.image_block_public_access,
    attribute: "image_block_public_access",
    api: "GetImageBlockPublicAccessState",
    evidence: "ImageBlockPublicAccess",
    state_path: "ImageBlockPublicAccessState",
    judge: |state, region, source| match state {
        "block-new-sharing" => Some((
            true,
            format!(
                "new public sharing of AMIs in {region} is blocked ({source}); AMIs shared publicly before stay public"
            ),
        )),
        "unblocked" => Some((
            false,
            format!(
                "AMIs in {region} can be shared publicly: block public access for AMIs is off ({source})"
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
    use crate::inventory::{Collected, SharingBlock};

    fn state(state: Option<&str>, managed_by: &str) -> Collected<SharingBlock> {
        Collected::Ok(SharingBlock {
            state: state.map(str::to_string),
            managed_by: Some(managed_by.into()),
        })
    }

    #[test]
    fn states() {
        for (setting, want) in [
            (state(Some("block-new-sharing"), "account"), Status::Pass),
            (state(Some("unblocked"), "account"), Status::Fail),
            (
                state(Some("block-everything"), "account"),
                Status::NotAssessed,
            ),
            (
                Collected::Failed(denied("GetImageBlockPublicAccessState")),
                Status::NotAssessed,
            ),
        ] {
            let mut inv = base_inventory();
            ec2_mut(&mut inv).image_block_public_access = setting;
            assert_statuses(&inv, CHECK.id, &[want]);
        }
    }

    #[test]
    fn declarative_policy_is_named() {
        let mut inv = org_with_policy(
            "p-1a2b",
            "NoPublicAmis",
            "DECLARATIVE_POLICY_EC2",
            r#"{"ec2_attributes":{"image_block_public_access":{"state":{"@@assign":"block_new_sharing"}}}}"#,
            &["ou-wl"],
        );
        ec2_mut(&mut inv).image_block_public_access =
            state(Some("block-new-sharing"), "declarative-policy");
        let r = &results(&inv, CHECK.id)[0];
        assert_result(
            r,
            Status::Pass,
            &["EC2 declarative policy NoPublicAmis (p-1a2b)"],
        );
        assert!(
            r.evidence
                .iter()
                .any(|e| e.path == "ImageBlockPublicAccess.Source"
                    && e.value == "EC2 declarative policy NoPublicAmis (p-1a2b)"),
            "{r:?}"
        );
    }
}
