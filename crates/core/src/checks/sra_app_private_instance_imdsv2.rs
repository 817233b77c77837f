//! SRA Application account, pattern A (EC2 reaches S3 privately with temporary credentials): a
//! private workload instance with role credentials requires IMDSv2. Instances in subnets shared
//! in from another account's VPC are judged at the end, with the owner's route tables.

use super::shared::network::{Network, is_private, routed, shared_in};
use crate::check::{At, Findings, Owner, Reason, SplitCheck};
use crate::inventory::{Instance, Subnet};

pub const CHECK: SplitCheck = SplitCheck {
    id: "sra-app-private-instance-imdsv2",
    account: |ctx, out| {
        for ec2 in out.ec2(ctx) {
            for i in ec2
                .instances
                .iter()
                .filter(|i| i.state.as_deref() != Some("terminated"))
            {
                let subnet = i
                    .subnet_id
                    .as_deref()
                    .and_then(|s| ec2.subnets.iter().find(|x| x.subnet_id == s));
                if !subnet.is_some_and(|s| s.owned_by_other(ec2.account_id())) {
                    judge(out, &ec2.at(i), subnet, Ok(Network::own(&ec2)));
                }
            }
        }
    },
    organization: |ctx, out| {
        for ec2 in shared_in(ctx) {
            let region = ec2.region.unwrap_or_default();
            for i in &ec2.instances_in_shared_subnets {
                // The digest keeps the instances of its shared subnets only.
                let Some(s) = i
                    .subnet_id
                    .as_deref()
                    .and_then(|s| ec2.shared_subnets.iter().find(|x| x.subnet_id == s))
                else {
                    continue;
                };
                judge(out, &ec2.at(i), Some(s), Network::of_owner(ctx, region, s));
            }
        }
    },
};

/// One instance, routed by `net` (the reason when the network that routes it is unknown).
fn judge<A: Owner + ?Sized>(
    out: &mut Findings,
    i: &At<Instance, A>,
    subnet_record: Option<&Subnet>,
    net: Result<Network, Reason>,
) {
    let id = &i.instance_id;
    let Some(profile) = &i.instance_profile_arn else {
        out.not_applicable(
            i,
            format!("instance {id} has no instance profile, so IMDS holds no role credentials"),
        );
        return;
    };
    let Some(subnet) = &i.subnet_id else {
        out.not_applicable(i, format!("instance {id} is not in a VPC subnet"));
        return;
    };
    let vpc = subnet_record
        .map(|s| s.vpc_id.as_str())
        .or(i.vpc_id.as_deref())
        .unwrap_or_default();
    let Some((net, rt)) = routed(out, i, net, subnet, vpc) else {
        return;
    };
    if !is_private(rt) {
        out.not_applicable(
            i,
            format!("instance {id} is in public subnet {subnet} (see ec2-instance-imdsv2)"),
        );
        return;
    }
    let m = &i.metadata_options;
    let chain = format!(
        "instance {id} → subnet {subnet} → {} (no internet gateway) → instance profile {profile}",
        net.route_table(rt)
    );
    if m.tokens_required() || !m.endpoint_enabled() {
        out.pass(
            i,
            format!("private workload instance {id} requires IMDSv2 for its role credentials"),
        );
    } else {
        out.fail(i, format!("private workload instance {id} with role credentials accepts IMDSv1: an SSRF can read them"));
    }
    out.evidence("chain", chain).evidence(
        "MetadataOptions.HttpTokens",
        m.http_tokens.as_deref().unwrap_or("(absent: optional)"),
    );
}
