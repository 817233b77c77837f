//! SRA Application account, pattern A (EC2 reaches S3 privately with temporary credentials):
//! the network chain instance → subnet → route table → gateway/endpoint.

use super::{CheckDef, Input, Results, account_resource};
use crate::inventory::{Ec2, RouteTable};

/// The route table that governs a subnet: its explicit association, else its VPC's main table.
pub(crate) fn route_table_for<'e>(ec2: &'e Ec2, subnet_id: &str) -> Option<&'e RouteTable> {
    let explicit = ec2
        .route_tables
        .iter()
        .find(|t| t.subnet_ids.iter().any(|s| s == subnet_id));
    explicit.or_else(|| {
        let vpc = &ec2
            .subnets
            .iter()
            .find(|s| s.subnet_id == subnet_id)?
            .vpc_id;
        ec2.route_tables.iter().find(|t| t.main && &t.vpc_id == vpc)
    })
}

/// A subnet is private when its route table has no route to an internet gateway.
pub(crate) fn is_private(rt: &RouteTable) -> bool {
    !rt.routes.iter().any(|r| r.target.starts_with("igw-"))
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
    input: Input::OneAccount,
    evaluate: |ctx| {
        let mut out = Results::new("sra-app-private-instance-imdsv2");
        for (acct, region, data) in out.regions(ctx) {
            let id = &acct.account_id;
            let Some(ec2) = out.collected(&data.ec2, id, Some(region), &account_resource(id))
            else {
                continue;
            };
            for i in ec2
                .instances
                .iter()
                .filter(|i| i.state.as_deref() != Some("terminated"))
            {
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
                let Some(rt) = route_table_for(ec2, subnet) else {
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
                    "instance {} → subnet {subnet} → route table {} (no internet gateway) → instance profile {profile}",
                    i.instance_id, rt.route_table_id
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
    input: Input::OneAccount,
    evaluate: |ctx| {
        let mut out = Results::new("sra-app-private-subnet-s3-path");
        for (acct, region, data) in out.regions(ctx) {
            let id = &acct.account_id;
            let Some(ec2) = out.collected(&data.ec2, id, Some(region), &account_resource(id))
            else {
                continue;
            };
            for s in &ec2.subnets {
                let arn = format!(
                    "arn:{}:ec2:{region}:{id}:subnet/{}",
                    ctx.partition(),
                    s.subnet_id
                );
                let Some(rt) = route_table_for(ec2, &s.subnet_id) else {
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
                let chain = format!("subnet {} → route table {}", s.subnet_id, rt.route_table_id);
                match (s3_endpoint_of(ec2, rt), default_route_out(rt)) {
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
}
