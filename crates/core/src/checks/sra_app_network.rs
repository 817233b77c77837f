//! SRA Application account, pattern A (EC2 reaches S3 privately with temporary credentials):
//! the network chain instance → subnet → route table → gateway/endpoint.
//!
//! A subnet of a VPC shared through RAM is routed by the VPC owner's route tables and
//! endpoints, which the participant account cannot see: such subnets (and their instances) are
//! judged at the end of the scan with the owner's data from the organization summary
//! ([`Input::Split`]).

use super::{CheckDef, Context, Input, Pass, Results, account_resource};
use crate::inventory::{AccountAccess, AccountInventory, Collected, Ec2, RouteTable, Subnet};

/// The route table that governs a subnet: its explicit association, else its VPC's main table.
fn route_table_for<'e>(ec2: &'e Ec2, subnet_id: &str, vpc_id: &str) -> Option<&'e RouteTable> {
    let explicit = ec2
        .route_tables
        .iter()
        .find(|t| t.subnet_ids.iter().any(|s| s == subnet_id));
    explicit.or_else(|| {
        ec2.route_tables
            .iter()
            .find(|t| t.main && t.vpc_id == vpc_id)
    })
}

/// A subnet is private when its route table has no route to an internet gateway.
fn is_private(rt: &RouteTable) -> bool {
    !rt.routes.iter().any(|r| r.target.starts_with("igw-"))
}

/// The EC2 data that routes a subnet: the account's own, or the VPC owner's for a subnet of
/// a VPC shared with the account.
struct Network<'e> {
    ec2: &'e Ec2,
    /// The VPC owner, when it is another account.
    owner: Option<&'e str>,
}

impl Network<'_> {
    /// " of account X" for another account's route table, for the chain evidence.
    fn of_owner(&self) -> String {
        self.owner
            .map(|o| format!(" of account {o}"))
            .unwrap_or_default()
    }
}

/// Whether this pass judges a subnet: its own subnets as each account finishes, subnets of
/// other accounts' VPCs at the end (when every owner's summary is there), all of them over a
/// whole inventory.
fn judged_in(pass: Pass, shared_in: bool) -> bool {
    match pass {
        Pass::Whole => true,
        Pass::Account => !shared_in,
        Pass::Organization => shared_in,
    }
}

/// The (account, region, EC2 data) this pass walks. In the per-account and whole passes the
/// walkers record "not assessed" for what was not collected; the end-of-scan pass walks
/// quietly, since the account's own pass already reported it.
fn ec2_regions<'i>(
    out: &mut Results,
    ctx: &Context<'i>,
) -> Vec<(&'i AccountInventory, &'i str, &'i Ec2)> {
    if ctx.pass == Pass::Organization {
        return ctx
            .accounts
            .iter()
            .filter(|a| {
                !matches!(a.access, AccountAccess::Denied { .. }) && a.regions.as_ref().is_ok()
            })
            .flat_map(|a| {
                a.regional
                    .iter()
                    .filter_map(move |(region, r)| match &r.ec2 {
                        Collected::Ok(ec2) => Some((a, region.as_str(), ec2)),
                        Collected::Failed(_) => None,
                    })
            })
            .collect();
    }
    let mut found = Vec::new();
    for (acct, region, data) in out.regions(ctx) {
        let id = &acct.account_id;
        if let Some(ec2) = out.collected(&data.ec2, id, Some(region), &account_resource(id)) {
            found.push((acct, region, ec2));
        }
    }
    found
}

/// The network that routes `subnet` as `account` sees it: its own EC2 data, or the VPC
/// owner's when the subnet is shared in from another scanned account. `Err` is the reason for
/// "not assessed".
fn network_of<'i>(
    ctx: &Context<'i>,
    account: &str,
    region: &str,
    own: &'i Ec2,
    subnet: &'i Subnet,
) -> Result<Network<'i>, String> {
    let Some(owner) = subnet.owner_id.as_deref().filter(|o| *o != account) else {
        return Ok(Network {
            ec2: own,
            owner: None,
        });
    };
    let whose = format!(
        "not assessed: VPC {} of subnet {} is owned by account {owner}",
        subnet.vpc_id, subnet.subnet_id
    );
    let why = "(a shared VPC's route tables and endpoints are visible only to its owner)";
    let Some(acct) = ctx.accounts.iter().find(|a| a.account_id == owner) else {
        return Err(format!("{whose}, which was not scanned {why}"));
    };
    if let AccountAccess::Denied { role_arn, .. } = &acct.access {
        return Err(format!(
            "{whose}, which posture could not enter (role {role_arn}) {why}"
        ));
    }
    match acct.regional.get(region).map(|r| &r.ec2) {
        None => Err(format!("{whose}, in which {region} was not scanned {why}")),
        Some(Collected::Failed(e)) => Err(format!(
            "{whose}, whose EC2 data in {region} could not be collected: {e}"
        )),
        Some(Collected::Ok(ec2)) => Ok(Network {
            ec2,
            owner: Some(owner),
        }),
    }
}

/// How a route table reaches S3 through a gateway endpoint.
enum S3Path<'e> {
    /// Through this S3 gateway endpoint.
    Endpoint(&'e str),
    /// No S3 gateway endpoint serves the table.
    None,
    /// A prefix-list route goes to an endpoint that is not in the data, so it cannot be told
    /// whether it is the S3 endpoint or another gateway endpoint (DynamoDB).
    Unknown(&'e str),
}

/// The S3 gateway endpoint serving a route table: an S3 gateway endpoint that lists the table,
/// or a prefix-list route whose target is an S3 gateway endpoint. A prefix-list route to any
/// `vpce-` is not enough: a DynamoDB gateway endpoint adds one too, for its own prefix list.
fn s3_endpoint_of<'e>(ec2: &'e Ec2, rt: &'e RouteTable) -> S3Path<'e> {
    let listed = ec2
        .vpc_endpoints
        .iter()
        .find(|e| e.is_s3_gateway() && e.route_table_ids.iter().any(|id| id == &rt.route_table_id));
    if let Some(e) = listed {
        return S3Path::Endpoint(&e.vpc_endpoint_id);
    }
    let mut unknown = None;
    for r in rt
        .routes
        .iter()
        .filter(|r| r.destination_prefix_list.is_some() && r.target.starts_with("vpce-"))
    {
        match ec2
            .vpc_endpoints
            .iter()
            .find(|e| e.vpc_endpoint_id == r.target)
        {
            Some(e) if e.is_s3_gateway() => return S3Path::Endpoint(&e.vpc_endpoint_id),
            Some(_) => {}
            None => unknown = unknown.or(Some(r.target.as_str())),
        }
    }
    unknown.map_or(S3Path::None, S3Path::Unknown)
}

/// The default route (IPv4 `0.0.0.0/0` or IPv6 `::/0`) that leaves the VPC: through a NAT
/// gateway, an internet gateway, an egress-only internet gateway (IPv6) or a carrier gateway
/// (Wavelength). Transit gateways, peering connections, local gateways, core networks and
/// appliances lead to other networks, which the check does not follow.
fn default_route_out(rt: &RouteTable) -> Option<(&str, &str)> {
    rt.routes.iter().find_map(|r| {
        let dest = r.destination_cidr.as_deref()?;
        let out = matches!(dest, "0.0.0.0/0" | "::/0")
            && ["nat-", "igw-", "eigw-", "cagw-"]
                .iter()
                .any(|p| r.target.starts_with(p));
        out.then_some((dest, r.target.as_str()))
    })
}

pub const PRIVATE_INSTANCE_IMDSV2: CheckDef = CheckDef {
    id: "sra-app-private-instance-imdsv2",
    input: Input::Split,
    evaluate: |ctx| {
        let mut out = Results::new("sra-app-private-instance-imdsv2");
        for (acct, region, ec2) in ec2_regions(&mut out, ctx) {
            let id = &acct.account_id;
            for i in ec2
                .instances
                .iter()
                .filter(|i| i.state.as_deref() != Some("terminated"))
            {
                let subnet_record = i
                    .subnet_id
                    .as_deref()
                    .and_then(|s| ec2.subnets.iter().find(|x| x.subnet_id == s));
                let shared_in = subnet_record.is_some_and(|s| s.owned_by_other(id));
                if !judged_in(ctx.pass, shared_in) {
                    continue;
                }
                let arn = format!(
                    "arn:{}:ec2:{region}:{id}:instance/{}",
                    ctx.partition(),
                    i.instance_id
                );
                let Some(profile) = &i.instance_profile_arn else {
                    out.not_applicable(id, Some(region), &arn, format!("instance {} has no instance profile, so IMDS holds no role credentials", i.instance_id));
                    continue;
                };
                let Some(subnet) = &i.subnet_id else {
                    out.not_applicable(
                        id,
                        Some(region),
                        &arn,
                        format!("instance {} is not in a VPC subnet", i.instance_id),
                    );
                    continue;
                };
                let net = match subnet_record {
                    Some(s) => match network_of(ctx, id, region, ec2, s) {
                        Ok(n) => n,
                        Err(reason) => {
                            out.not_assessed(id, Some(region), &arn, reason);
                            continue;
                        }
                    },
                    None => Network { ec2, owner: None },
                };
                let vpc = subnet_record
                    .map(|s| s.vpc_id.as_str())
                    .or(i.vpc_id.as_deref())
                    .unwrap_or_default();
                let Some(rt) = route_table_for(net.ec2, subnet, vpc) else {
                    out.not_assessed(
                        id,
                        Some(region),
                        &arn,
                        format!("not assessed: no route table found for subnet {subnet}"),
                    );
                    continue;
                };
                if !is_private(rt) {
                    out.not_applicable(
                        id,
                        Some(region),
                        &arn,
                        format!(
                            "instance {} is in public subnet {subnet} (see ec2-instance-imdsv2)",
                            i.instance_id
                        ),
                    );
                    continue;
                }
                let m = &i.metadata_options;
                let chain = format!(
                    "instance {} → subnet {subnet} → route table {}{} (no internet gateway) → instance profile {profile}",
                    i.instance_id,
                    rt.route_table_id,
                    net.of_owner()
                );
                if m.tokens_required() || !m.endpoint_enabled() {
                    out.pass(
                        id,
                        Some(region),
                        &arn,
                        format!(
                            "private workload instance {} requires IMDSv2 for its role credentials",
                            i.instance_id
                        ),
                    );
                } else {
                    out.fail(id, Some(region), &arn, format!("private workload instance {} with role credentials accepts IMDSv1: an SSRF can read them", i.instance_id));
                }
                out.evidence("chain", chain).evidence(
                    "MetadataOptions.HttpTokens",
                    m.http_tokens.as_deref().unwrap_or("(absent: optional)"),
                );
            }
        }
        out.items
    },
};

pub const PRIVATE_SUBNET_S3_PATH: CheckDef = CheckDef {
    id: "sra-app-private-subnet-s3-path",
    input: Input::Split,
    evaluate: |ctx| {
        let mut out = Results::new("sra-app-private-subnet-s3-path");
        for (acct, region, ec2) in ec2_regions(&mut out, ctx) {
            let id = &acct.account_id;
            for s in &ec2.subnets {
                if !judged_in(ctx.pass, s.owned_by_other(id)) {
                    continue;
                }
                let arn = format!(
                    "arn:{}:ec2:{region}:{id}:subnet/{}",
                    ctx.partition(),
                    s.subnet_id
                );
                let net = match network_of(ctx, id, region, ec2, s) {
                    Ok(n) => n,
                    Err(reason) => {
                        out.not_assessed(id, Some(region), &arn, reason);
                        continue;
                    }
                };
                let Some(rt) = route_table_for(net.ec2, &s.subnet_id, &s.vpc_id) else {
                    out.not_assessed(
                        id,
                        Some(region),
                        &arn,
                        format!(
                            "not assessed: no route table found for subnet {}",
                            s.subnet_id
                        ),
                    );
                    continue;
                };
                if !is_private(rt) {
                    out.not_applicable(
                        id,
                        Some(region),
                        &arn,
                        format!(
                            "subnet {} is public (route to an internet gateway)",
                            s.subnet_id
                        ),
                    );
                    continue;
                }
                let chain = format!(
                    "subnet {} → route table {}{}",
                    s.subnet_id,
                    rt.route_table_id,
                    net.of_owner()
                );
                match (s3_endpoint_of(net.ec2, rt), default_route_out(rt)) {
                    (S3Path::Unknown(vpce), _) => {
                        out.not_assessed(id, Some(region), &arn, format!("not assessed: route table {} sends a prefix list to endpoint {vpce}, which is not among the collected VPC endpoints, so it cannot be told whether it is the S3 endpoint", rt.route_table_id))
                            .with("chain", format!("{chain} → {vpce}"));
                    }
                    (S3Path::Endpoint(vpce), _) => {
                        out.pass(
                            id,
                            Some(region),
                            &arn,
                            format!(
                                "private subnet {} reaches S3 through gateway endpoint {vpce}",
                                s.subnet_id
                            ),
                        )
                        .with("chain", format!("{chain} → {vpce}"));
                    }
                    (S3Path::None, Some((dest, gw))) => {
                        out.fail(id, Some(region), &arn, format!("private subnet {} sends S3 traffic through {gw} instead of an S3 gateway endpoint", s.subnet_id))
                            .with("chain", format!("{chain} → {dest} → {gw}"));
                    }
                    (S3Path::None, None) => {
                        out.not_applicable(
                            id,
                            Some(region),
                            &arn,
                            format!("private subnet {} has no route to S3 at all", s.subnet_id),
                        );
                    }
                }
            }
        }
        out.items
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::*;

    fn network(inv: &mut Inventory, with_endpoint: bool, tokens: &str) {
        let ec2 = ec2_mut(inv);
        ec2.subnets = vec![Subnet {
            tags: None,
            subnet_id: "subnet-priv".into(),
            vpc_id: "vpc-1".into(),
            cidr_block: None,
            availability_zone: None,
            map_public_ip_on_launch: false,
            owner_id: None,
        }];
        ec2.route_tables = vec![RouteTable {
            route_table_id: "rtb-priv".into(),
            vpc_id: "vpc-1".into(),
            main: false,
            subnet_ids: vec!["subnet-priv".into()],
            routes: vec![
                Route {
                    destination_cidr: Some("10.0.0.0/16".into()),
                    destination_prefix_list: None,
                    target: "local".into(),
                },
                Route {
                    destination_cidr: Some("0.0.0.0/0".into()),
                    destination_prefix_list: None,
                    target: "nat-1".into(),
                },
            ],
        }];
        ec2.vpc_endpoints = if with_endpoint {
            vec![VpcEndpoint {
                tags: None,
                vpc_endpoint_id: "vpce-1".into(),
                vpc_id: "vpc-1".into(),
                service_name: "com.amazonaws.us-east-1.s3".into(),
                endpoint_type: "Gateway".into(),
                state: None,
                policy: None,
                route_table_ids: vec!["rtb-priv".into()],
            }]
        } else {
            vec![]
        };
        ec2.instances = vec![Instance {
            tags: None,
            instance_id: "i-1".into(),
            state: Some("running".into()),
            subnet_id: Some("subnet-priv".into()),
            vpc_id: Some("vpc-1".into()),
            instance_profile_arn: Some("arn:aws:iam::111111111111:instance-profile/app".into()),
            public_ip: None,
            metadata_options: MetadataOptions {
                http_tokens: Some(tokens.into()),
                http_endpoint: None,
                http_put_response_hop_limit: None,
            },
        }];
    }

    #[test]
    fn pattern_a_network() {
        let mut inv = base_inventory();
        network(&mut inv, false, "optional");
        assert_eq!(
            statuses(&inv, "sra-app-private-subnet-s3-path"),
            vec![Status::Fail]
        );
        assert_eq!(
            statuses(&inv, "sra-app-private-instance-imdsv2"),
            vec![Status::Fail]
        );
        let r = &results(&inv, "sra-app-private-instance-imdsv2")[0];
        assert!(
            r.evidence[0]
                .value
                .contains("subnet-priv → route table rtb-priv"),
            "{:?}",
            r.evidence
        );
        network(&mut inv, true, "required");
        assert_eq!(
            statuses(&inv, "sra-app-private-subnet-s3-path"),
            vec![Status::Pass]
        );
        assert_eq!(
            statuses(&inv, "sra-app-private-instance-imdsv2"),
            vec![Status::Pass]
        );
    }
    /// A DynamoDB gateway endpoint adds a prefix-list route to a `vpce-` as well; it is not an
    /// S3 path (audit finding 9: it used to pass).
    #[test]
    fn dynamodb_gateway_endpoint_is_not_an_s3_path() {
        let mut inv = base_inventory();
        network(&mut inv, false, "required");
        let ec2 = ec2_mut(&mut inv);
        ec2.route_tables[0].routes.push(Route {
            destination_cidr: None,
            destination_prefix_list: Some("pl-02cd2c6b".into()),
            target: "vpce-ddb".into(),
        });
        ec2.vpc_endpoints = vec![VpcEndpoint {
            tags: None,
            vpc_endpoint_id: "vpce-ddb".into(),
            vpc_id: "vpc-1".into(),
            service_name: "com.amazonaws.us-east-1.dynamodb".into(),
            endpoint_type: "Gateway".into(),
            state: Some("available".into()),
            policy: None,
            route_table_ids: vec!["rtb-priv".into()],
        }];
        let r = &results(&inv, "sra-app-private-subnet-s3-path")[0];
        assert_eq!(r.status, Status::Fail, "{r:?}");
        assert!(r.message.contains("nat-1"), "{r:?}");

        // The S3 endpoint's own route, with the endpoint known, still passes even when the
        // endpoint's route table list does not name the table.
        let ec2 = ec2_mut(&mut inv);
        ec2.route_tables[0].routes.push(Route {
            destination_cidr: None,
            destination_prefix_list: Some("pl-63a5400a".into()),
            target: "vpce-s3".into(),
        });
        ec2.vpc_endpoints.push(VpcEndpoint {
            tags: None,
            vpc_endpoint_id: "vpce-s3".into(),
            vpc_id: "vpc-1".into(),
            service_name: "com.amazonaws.us-east-1.s3".into(),
            endpoint_type: "Gateway".into(),
            state: Some("available".into()),
            policy: None,
            route_table_ids: vec![],
        });
        let r = &results(&inv, "sra-app-private-subnet-s3-path")[0];
        assert_eq!(r.status, Status::Pass, "{r:?}");
        assert!(r.message.contains("vpce-s3"), "{r:?}");

        // A prefix-list route to an endpoint that is not in the data cannot be told apart.
        let ec2 = ec2_mut(&mut inv);
        ec2.vpc_endpoints.retain(|e| e.vpc_endpoint_id != "vpce-s3");
        let r = &results(&inv, "sra-app-private-subnet-s3-path")[0];
        assert_eq!(r.status, Status::NotAssessed, "{r:?}");
        assert!(r.message.contains("vpce-s3"), "{r:?}");
    }
    /// An IPv6-only private subnet whose `::/0` goes to an egress-only internet gateway sends
    /// S3 traffic out of the VPC (audit finding 17).
    #[test]
    fn ipv6_egress_only_gateway_is_a_way_out() {
        let mut inv = base_inventory();
        network(&mut inv, false, "required");
        ec2_mut(&mut inv).route_tables[0].routes = vec![Route {
            destination_cidr: Some("::/0".into()),
            destination_prefix_list: None,
            target: "eigw-1".into(),
        }];
        let r = &results(&inv, "sra-app-private-subnet-s3-path")[0];
        assert_eq!(r.status, Status::Fail, "{r:?}");
        assert!(r.message.contains("eigw-1"), "{r:?}");
        assert!(
            r.evidence.iter().any(|e| e.value.contains("::/0 → eigw-1")),
            "{r:?}"
        );
    }
    /// A participant of a VPC shared through RAM sees the subnet and its own instances, but the
    /// route tables and endpoints stay in the VPC owner's account (audit finding 11: both
    /// checks were never assessed there).
    #[test]
    fn shared_vpc_is_judged_with_the_owners_network() {
        const OWNER: &str = "222222222222";
        let mut inv = base_inventory();
        network(&mut inv, true, "required");
        let mut owner = inv.accounts[0].clone();
        owner.account_id = OWNER.into();
        if let Some(r) = owner.regional.get_mut(REGION)
            && let Collected::Ok(ec2) = &mut r.ec2
        {
            ec2.instances.clear();
            for s in &mut ec2.subnets {
                s.owner_id = Some(OWNER.into());
            }
        }
        let participant = ec2_mut(&mut inv);
        participant.route_tables.clear();
        participant.vpc_endpoints.clear();
        for s in &mut participant.subnets {
            s.owner_id = Some(OWNER.into());
        }
        inv.accounts.push(owner);

        for check in [
            "sra-app-private-subnet-s3-path",
            "sra-app-private-instance-imdsv2",
        ] {
            let r = results(&inv, check);
            let mine: Vec<_> = r.iter().filter(|r| r.account_id == ACCOUNT).collect();
            assert_eq!(mine.len(), 1, "{r:#?}");
            assert_eq!(mine[0].status, Status::Pass, "{r:#?}");
            assert!(
                mine[0].evidence.iter().any(|e| e.value.contains(OWNER)),
                "the chain names the owner: {r:#?}"
            );
        }

        // The owner was not scanned: not assessed, saying so.
        inv.accounts.pop();
        for check in [
            "sra-app-private-subnet-s3-path",
            "sra-app-private-instance-imdsv2",
        ] {
            let r = results(&inv, check);
            assert_eq!(r.len(), 1, "{r:#?}");
            assert_eq!(r[0].status, Status::NotAssessed, "{r:#?}");
            assert!(
                r[0].message
                    .contains("owned by account 222222222222, which was not scanned"),
                "{r:#?}"
            );
        }
    }
}
