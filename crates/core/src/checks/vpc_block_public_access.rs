use super::shared::ec2::SettingSource;
use crate::check::{Check, Reason};

/// VPC Block Public Access, per Region
/// (<https://docs.aws.amazon.com/vpc/latest/userguide/security-vpc-bpa.html>): `block-ingress`
/// or `block-bidirectional` stop internet gateway traffic for every VPC and subnet of the
/// Region but those excluded; `off` stops nothing. A low-severity signal (the catalog says
/// why): the accounts that host the organization's internet edge need exclusions.
pub const CHECK: Check = Check {
    id: "vpc-block-public-access",
    run: |ctx, out| {
        let regions = out.ec2(ctx);
        for (ec2, b) in out.each_collected(regions, |ec2| &ec2.vpc_block_public_access) {
            let region = ec2.region.unwrap_or_default();
            let mode = b.internet_gateway_block_mode.as_deref();
            let source = SettingSource::of(
                ctx,
                &ec2.account.account_id,
                &[
                    "ec2_attributes",
                    "vpc_block_public_access",
                    "internet_gateway_block",
                ],
                "mode",
                mode,
                b.managed_by.as_deref(),
            );
            match mode {
                Some("block-bidirectional") => {
                    out.pass(
                        &ec2,
                        format!(
                            "VPC Block Public Access blocks internet gateway traffic in both directions in {region}, except for excluded VPCs and subnets ({})",
                            source.label
                        ),
                    );
                }
                Some("block-ingress") => {
                    out.pass(
                        &ec2,
                        format!(
                            "VPC Block Public Access blocks inbound internet traffic in {region}, except for excluded VPCs and subnets ({})",
                            source.label
                        ),
                    );
                }
                Some("off") => {
                    out.fail(
                        &ec2,
                        format!(
                            "VPC Block Public Access is off in {region}: internet gateways route as their VPCs are configured ({})",
                            source.label
                        ),
                    );
                }
                Some(other) => {
                    out.not_assessed(
                        &ec2,
                        Reason::undecidable(format!(
                            "DescribeVpcBlockPublicAccessOptions in {region} reports the unknown mode {other}"
                        )),
                    );
                }
                None => {
                    out.not_assessed(
                        &ec2,
                        Reason::not_reported(format!(
                            "DescribeVpcBlockPublicAccessOptions in {region} reports no InternetGatewayBlockMode"
                        )),
                    );
                }
            }
            out.evidence(
                "VpcBlockPublicAccessOptions.InternetGatewayBlockMode",
                mode.unwrap_or("(absent)"),
            );
            if let Some(s) = &b.state {
                out.evidence("VpcBlockPublicAccessOptions.State", s);
            }
            if let Some(e) = &b.exclusions_allowed {
                out.evidence("VpcBlockPublicAccessOptions.ExclusionsAllowed", e);
            }
            if let Some(m) = &b.managed_by {
                out.evidence("VpcBlockPublicAccessOptions.ManagedBy", m);
            }
            source.evidence(
                out,
                "VpcBlockPublicAccessOptions",
                region,
                "DescribeVpcBlockPublicAccessOptions",
            );
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, VpcBlockPublicAccess};

    fn mode(mode: Option<&str>, managed_by: &str) -> Collected<VpcBlockPublicAccess> {
        Collected::Ok(VpcBlockPublicAccess {
            internet_gateway_block_mode: mode.map(str::to_string),
            managed_by: Some(managed_by.into()),
            ..Default::default()
        })
    }

    #[test]
    fn modes() {
        for (setting, want) in [
            (mode(Some("block-bidirectional"), "account"), Status::Pass),
            (mode(Some("block-ingress"), "account"), Status::Pass),
            (mode(Some("off"), "account"), Status::Fail),
            (mode(None, "account"), Status::NotAssessed),
            (
                Collected::Failed(denied("DescribeVpcBlockPublicAccessOptions")),
                Status::NotAssessed,
            ),
        ] {
            let mut inv = base_inventory();
            ec2_mut(&mut inv).vpc_block_public_access = setting;
            assert_statuses(&inv, CHECK.id, &[want]);
        }
    }

    /// The declarative policy spells the mode `block_ingress`, the API `block-ingress`.
    #[test]
    fn declarative_policy_is_named() {
        let mut inv = org_with_policy(
            "p-7c3d",
            "BlockIgwIngress",
            "DECLARATIVE_POLICY_EC2",
            r#"{"ec2_attributes":{"vpc_block_public_access":{"internet_gateway_block":{"mode":{"@@assign":"block_ingress"},"exclusions_allowed":{"@@assign":"enabled"}}}}}"#,
            &["r-root"],
        );
        ec2_mut(&mut inv).vpc_block_public_access =
            mode(Some("block-ingress"), "declarative-policy");
        let r = &results(&inv, CHECK.id)[0];
        assert_result(
            r,
            Status::Pass,
            &["EC2 declarative policy BlockIgwIngress (p-7c3d)"],
        );
        assert_evidence_path(r, "VpcBlockPublicAccessOptions.ManagedBy");
        // Managed by a policy posture cannot see (here: none along the path assigns `off`).
        ec2_mut(&mut inv).vpc_block_public_access = mode(Some("off"), "declarative-policy");
        let r = &results(&inv, CHECK.id)[0];
        assert_result(
            r,
            Status::Fail,
            &["the organization's EC2 declarative policy"],
        );
        assert_evidence_path(r, "DECLARATIVE_POLICY_EC2 p-7c3d not in effect");
    }
}
