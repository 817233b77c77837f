//! The network chain of SRA pattern A: instance → subnet → route table → gateway/endpoint.
//!
//! A subnet of the account's own VPC is routed by the account's route tables. A subnet of a VPC
//! shared in through RAM is routed by the VPC owner's route tables and endpoints, which the
//! participant account cannot see: such subnets (and their instances) are judged at the end of
//! the scan with the owner's [`Ec2Digest`].

use crate::check::{AccountDigest, At, Ec2Digest, Findings, OrgContext, Reason, Resource};
use crate::inventory::{AccountAccess, Collected, Ec2, RouteTable, Subnet, VpcEndpoint};

/// The EC2 data that routes a subnet: the account's own, or the VPC owner's for a subnet of a
/// VPC shared with the account.
pub struct Network<'e> {
    route_tables: &'e [RouteTable],
    vpc_endpoints: &'e [VpcEndpoint],
    /// The VPC owner, when it is another account.
    owner: Option<&'e str>,
}

impl<'e> Network<'e> {
    /// The account's own network.
    pub fn own(ec2: &'e Ec2) -> Network<'e> {
        Network {
            route_tables: &ec2.route_tables,
            vpc_endpoints: &ec2.vpc_endpoints,
            owner: None,
        }
    }

    /// The network of `subnet`, shared in from another scanned account's VPC in `region`: the
    /// owner's route tables and endpoints; `Err` when the owner's data is not there.
    pub fn of_owner(
        ctx: &OrgContext<'e>,
        region: &str,
        subnet: &'e Subnet,
    ) -> Result<Network<'e>, Reason> {
        let owner = subnet.owner_id.as_deref().unwrap_or_default();
        let whose = format!(
            "VPC {} of subnet {} is owned by account {owner}",
            subnet.vpc_id, subnet.subnet_id
        );
        let why = "(a shared VPC's route tables and endpoints are visible only to its owner)";
        let Some(acct) = ctx.accounts.iter().find(|a| a.account_id == owner) else {
            return Err(Reason::outside_scan(format!(
                "{whose}, which was not scanned {why}"
            )));
        };
        if let AccountAccess::Denied { role_arn, error } = &acct.access {
            return Err(Reason {
                detail: format!("{whose}, which posture could not enter (role {role_arn}) {why}"),
                ..Reason::account_not_accessible(role_arn, error)
            });
        }
        match acct.regional.get(region) {
            None => Err(Reason::outside_scan(format!(
                "{whose}, in which {region} was not scanned {why}"
            ))),
            Some(Collected::Failed(e)) => Err(Reason::collection_as(
                format!("{whose}, whose EC2 data in {region} could not be collected: "),
                e,
            )),
            Some(Collected::Ok(ec2)) => Ok(Network {
                route_tables: &ec2.route_tables,
                vpc_endpoints: &ec2.vpc_endpoints,
                owner: Some(owner),
            }),
        }
    }

    /// The route table that governs a subnet: its explicit association, else its VPC's main
    /// table.
    pub fn route_table_for(&self, subnet_id: &str, vpc_id: &str) -> Option<&'e RouteTable> {
        let explicit = self
            .route_tables
            .iter()
            .find(|t| t.subnet_ids.iter().any(|s| s == subnet_id));
        explicit.or_else(|| {
            self.route_tables
                .iter()
                .find(|t| t.main && t.vpc_id == vpc_id)
        })
    }

    /// The chain evidence of a route table: `route table rtb-… [of account X]`.
    pub fn route_table(&self, rt: &RouteTable) -> String {
        let owner = self
            .owner
            .map(|o| format!(" of account {o}"))
            .unwrap_or_default();
        format!("route table {}{owner}", rt.route_table_id)
    }

    /// The S3 gateway endpoint serving a route table: an S3 gateway endpoint that lists the
    /// table, or a prefix-list route whose target is an S3 gateway endpoint. A prefix-list route
    /// to any `vpce-` is not enough: a DynamoDB gateway endpoint adds one too, for its own
    /// prefix list.
    pub fn s3_path(&self, rt: &'e RouteTable) -> S3Path<'e> {
        let listed = self.vpc_endpoints.iter().find(|e| {
            e.is_s3_gateway() && e.route_table_ids.iter().any(|id| id == &rt.route_table_id)
        });
        if let Some(e) = listed {
            return S3Path::Endpoint(&e.vpc_endpoint_id);
        }
        let mut unknown = None;
        for r in rt
            .routes
            .iter()
            .filter(|r| r.destination_prefix_list.is_some() && r.target.starts_with("vpce-"))
        {
            match self
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
}

/// The network and the route table that route `subnet_id` (of `vpc_id`); where the network
/// (`Err`: the reason) or the table is unknown, "not assessed" on `on` and `None`.
pub fn routed<'e>(
    out: &mut Findings,
    on: &impl Resource,
    net: Result<Network<'e>, Reason>,
    subnet_id: &str,
    vpc_id: &str,
) -> Option<(Network<'e>, &'e RouteTable)> {
    let net = match net {
        Ok(n) => n,
        Err(reason) => {
            out.not_assessed(on, reason);
            return None;
        }
    };
    let Some(rt) = net.route_table_for(subnet_id, vpc_id) else {
        out.not_assessed(
            on,
            Reason::inconsistent(format!("no route table found for subnet {subnet_id}")),
        );
        return None;
    };
    Some((net, rt))
}

/// How a route table reaches S3 through a gateway endpoint.
pub enum S3Path<'e> {
    /// Through this S3 gateway endpoint.
    Endpoint(&'e str),
    /// No S3 gateway endpoint serves the table.
    None,
    /// A prefix-list route goes to an endpoint that is not in the data, so it cannot be told
    /// whether it is the S3 endpoint or another gateway endpoint (DynamoDB).
    Unknown(&'e str),
}

/// A subnet is private when its route table has no route to an internet gateway.
pub fn is_private(rt: &RouteTable) -> bool {
    !rt.routes.iter().any(|r| r.target.starts_with("igw-"))
}

/// The default route (IPv4 `0.0.0.0/0` or IPv6 `::/0`) that leaves the VPC: through a NAT
/// gateway, an internet gateway, an egress-only internet gateway (IPv6) or a carrier gateway
/// (Wavelength). Transit gateways, peering connections, local gateways, core networks and
/// appliances lead to other networks, which the check does not follow.
pub fn default_route_out(rt: &RouteTable) -> Option<(&str, &str)> {
    rt.routes.iter().find_map(|r| {
        let dest = r.destination_cidr.as_deref()?;
        let out = matches!(dest, "0.0.0.0/0" | "::/0")
            && ["nat-", "igw-", "eigw-", "cagw-"]
                .iter()
                .any(|p| r.target.starts_with(p));
        out.then_some((dest, r.target.as_str()))
    })
}

/// The EC2 digest of every region of every scanned account, for the subnets shared in from
/// other accounts' VPCs. Quiet: what could not be collected or entered was reported by the
/// account part of the check.
pub fn shared_in<'i>(ctx: &OrgContext<'i>) -> Vec<At<'i, Ec2Digest, AccountDigest>> {
    let mut out = Vec::new();
    for acct in ctx.accounts {
        if matches!(acct.access, AccountAccess::Denied { .. }) || acct.regions.as_ref().is_err() {
            continue;
        }
        for (region, ec2) in &acct.regional {
            if let Collected::Ok(ec2) = ec2 {
                out.push(At::new(ctx.partition(), acct, Some(region.as_str()), ec2));
            }
        }
    }
    out
}

/// Both pattern A network checks.
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
            vec![gateway_endpoint(
                "vpce-1",
                S3_SERVICE,
                None,
                None,
                &["rtb-priv"],
            )]
        } else {
            vec![]
        };
        let mut app = instance("i-1", Some(tokens), "running");
        app.subnet_id = Some("subnet-priv".into());
        app.vpc_id = Some("vpc-1".into());
        app.instance_profile_arn = Some("arn:aws:iam::111111111111:instance-profile/app".into());
        app.metadata_options.http_put_response_hop_limit = None;
        ec2.instances = vec![app];
    }

    #[test]
    fn pattern_a_network() {
        let mut inv = base_inventory();
        network(&mut inv, false, "optional");
        assert_statuses(&inv, "sra-app-private-subnet-s3-path", &[Status::Fail]);
        assert_statuses(&inv, "sra-app-private-instance-imdsv2", &[Status::Fail]);
        let r = &results(&inv, "sra-app-private-instance-imdsv2")[0];
        assert!(
            r.evidence[0]
                .value
                .contains("subnet-priv → route table rtb-priv"),
            "{:?}",
            r.evidence
        );
        network(&mut inv, true, "required");
        assert_statuses(&inv, "sra-app-private-subnet-s3-path", &[Status::Pass]);
        assert_statuses(&inv, "sra-app-private-instance-imdsv2", &[Status::Pass]);
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
        ec2.vpc_endpoints = vec![gateway_endpoint(
            "vpce-ddb",
            "com.amazonaws.us-east-1.dynamodb",
            Some("available"),
            None,
            &["rtb-priv"],
        )];
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
        ec2.vpc_endpoints.push(gateway_endpoint(
            "vpce-s3",
            S3_SERVICE,
            Some("available"),
            None,
            &[],
        ));
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
