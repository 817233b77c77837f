//! SRA Application account, pattern A: a private subnet reaches S3 through a gateway endpoint,
//! not through a NAT or internet gateway. Subnets shared in from another account's VPC are
//! judged at the end, with the owner's route tables and endpoints.

use super::shared::network::{Network, S3Path, default_route_out, is_private, routed, shared_in};
use crate::check::{At, Findings, Owner, Reason, SplitCheck};
use crate::inventory::Subnet;

pub const CHECK: SplitCheck = SplitCheck {
    id: "sra-app-private-subnet-s3-path",
    account: |ctx, out| {
        for ec2 in out.ec2(ctx) {
            for s in ec2
                .subnets
                .iter()
                .filter(|s| !s.owned_by_other(ec2.account_id()))
            {
                judge(out, &ec2.at(s), Ok(Network::own(&ec2)));
            }
        }
    },
    organization: |ctx, out| {
        for ec2 in shared_in(ctx) {
            let region = ec2.region.unwrap_or_default();
            for s in &ec2.shared_subnets {
                judge(out, &ec2.at(s), Network::of_owner(ctx, region, s));
            }
        }
    },
};

/// One subnet, routed by `net` (the reason when the network that routes it is unknown).
fn judge<A: Owner + ?Sized>(out: &mut Findings, s: &At<Subnet, A>, net: Result<Network, Reason>) {
    let id = &s.subnet_id;
    let Some((net, rt)) = routed(out, s, net, id, &s.vpc_id) else {
        return;
    };
    if !is_private(rt) {
        out.not_applicable(
            s,
            format!("subnet {id} is public (route to an internet gateway)"),
        );
        return;
    }
    let chain = format!("subnet {id} → {}", net.route_table(rt));
    match (net.s3_path(rt), default_route_out(rt)) {
        (S3Path::Unknown(vpce), _) => {
            out.not_assessed(s, Reason::undecidable(format!("route table {} sends a prefix list to endpoint {vpce}, which is not among the collected VPC endpoints, so it cannot be told whether it is the S3 endpoint", rt.route_table_id)))
                .with("chain", format!("{chain} → {vpce}"));
        }
        (S3Path::Endpoint(vpce), _) => {
            out.pass(
                s,
                format!("private subnet {id} reaches S3 through gateway endpoint {vpce}"),
            )
            .with("chain", format!("{chain} → {vpce}"));
        }
        (S3Path::None, Some((dest, gw))) => {
            out.fail(s, format!("private subnet {id} sends S3 traffic through {gw} instead of an S3 gateway endpoint"))
                .with("chain", format!("{chain} → {dest} → {gw}"));
        }
        (S3Path::None, None) => {
            out.not_applicable(s, format!("private subnet {id} has no route to S3 at all"));
        }
    }
}
