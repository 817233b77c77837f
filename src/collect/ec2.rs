//! EC2 and VPC, per region: network layout, endpoints, instances' and launch templates'
//! metadata options, and the account's instance metadata defaults.

use aws_sdk_ec2::Client;
use futures::StreamExt;

use super::util::paginate;
use crate::aws::collection_error;
use crate::inventory::*;

pub async fn collect(client: &Client, region: &str, concurrency: usize) -> Collected<Ec2> {
    let r = Some(region);
    let vpcs = async {
        let mut out = Vec::new();
        paginate!(client.describe_vpcs(), "ec2", "DescribeVpcs", r, |page| {
            for v in page.vpcs() {
                out.push(Vpc {
                    vpc_id: v.vpc_id().unwrap_or_default().to_string(),
                    cidr_block: v.cidr_block().map(str::to_string),
                    is_default: v.is_default().unwrap_or(false),
                    owner_id: v.owner_id().map(str::to_string),
                });
            }
        })
        .map(|_| out)
    };
    let subnets = async {
        let mut out = Vec::new();
        paginate!(
            client.describe_subnets(),
            "ec2",
            "DescribeSubnets",
            r,
            |page| {
                for s in page.subnets() {
                    out.push(Subnet {
                        subnet_id: s.subnet_id().unwrap_or_default().to_string(),
                        vpc_id: s.vpc_id().unwrap_or_default().to_string(),
                        cidr_block: s.cidr_block().map(str::to_string),
                        availability_zone: s.availability_zone().map(str::to_string),
                        map_public_ip_on_launch: s.map_public_ip_on_launch().unwrap_or(false),
                        owner_id: s.owner_id().map(str::to_string),
                        tags: ec2_tags(s.tags()),
                    });
                }
            }
        )
        .map(|_| out)
    };
    let route_tables = async {
        let mut out = Vec::new();
        paginate!(
            client.describe_route_tables(),
            "ec2",
            "DescribeRouteTables",
            r,
            |page| {
                for t in page.route_tables() {
                    out.push(RouteTable {
                        route_table_id: t.route_table_id().unwrap_or_default().to_string(),
                        vpc_id: t.vpc_id().unwrap_or_default().to_string(),
                        main: t.associations().iter().any(|a| a.main().unwrap_or(false)),
                        subnet_ids: t
                            .associations()
                            .iter()
                            .filter_map(|a| a.subnet_id().map(str::to_string))
                            .collect(),
                        routes: t.routes().iter().map(route).collect(),
                    });
                }
            }
        )
        .map(|_| out)
    };
    let endpoints = async {
        let mut out = Vec::new();
        paginate!(
            client.describe_vpc_endpoints(),
            "ec2",
            "DescribeVpcEndpoints",
            r,
            |page| {
                for e in page.vpc_endpoints() {
                    out.push(VpcEndpoint {
                        vpc_endpoint_id: e.vpc_endpoint_id().unwrap_or_default().to_string(),
                        vpc_id: e.vpc_id().unwrap_or_default().to_string(),
                        service_name: e.service_name().unwrap_or_default().to_string(),
                        endpoint_type: e
                            .vpc_endpoint_type()
                            .map(|t| t.as_str().to_string())
                            .unwrap_or_default(),
                        state: e.state().map(|s| s.as_str().to_string()),
                        policy: e.policy_document().map(decode_policy),
                        route_table_ids: e.route_table_ids().to_vec(),
                        tags: ec2_tags(e.tags()),
                    });
                }
            }
        )
        .map(|_| out)
    };
    let instances = async {
        let mut out = Vec::new();
        paginate!(
            client.describe_instances().max_results(1000),
            "ec2",
            "DescribeInstances",
            r,
            |page| {
                for res in page.reservations() {
                    for i in res.instances() {
                        let m = i.metadata_options();
                        out.push(Instance {
                            instance_id: i.instance_id().unwrap_or_default().to_string(),
                            state: i
                                .state()
                                .and_then(|s| s.name())
                                .map(|n| n.as_str().to_string()),
                            subnet_id: i.subnet_id().map(str::to_string),
                            vpc_id: i.vpc_id().map(str::to_string),
                            instance_profile_arn: i
                                .iam_instance_profile()
                                .and_then(|p| p.arn())
                                .map(str::to_string),
                            public_ip: i.public_ip_address().map(str::to_string),
                            metadata_options: MetadataOptions {
                                http_tokens: m
                                    .and_then(|m| m.http_tokens())
                                    .map(|t| t.as_str().to_string()),
                                http_endpoint: m
                                    .and_then(|m| m.http_endpoint())
                                    .map(|t| t.as_str().to_string()),
                                http_put_response_hop_limit: m
                                    .and_then(|m| m.http_put_response_hop_limit()),
                            },
                            tags: ec2_tags(i.tags()),
                        });
                    }
                }
            }
        )
        .map(|_| out)
    };
    let templates = launch_templates(client, region, concurrency);
    let defaults = async {
        client
            .get_instance_metadata_defaults()
            .send()
            .await
            .map(|out| {
                let d = out.account_level();
                MetadataDefaults {
                    http_tokens: d
                        .and_then(|d| d.http_tokens())
                        .map(|t| t.as_str().to_string()),
                    http_endpoint: d
                        .and_then(|d| d.http_endpoint())
                        .map(|t| t.as_str().to_string()),
                    http_put_response_hop_limit: d.and_then(|d| d.http_put_response_hop_limit()),
                    http_tokens_enforced: d
                        .and_then(|d| d.http_tokens_enforced())
                        .map(|t| t.as_str().to_string()),
                    managed_by: d
                        .and_then(|d| d.managed_by())
                        .map(|m| m.as_str().to_string()),
                    managed_exception_message: d
                        .and_then(|d| d.managed_exception_message())
                        .map(str::to_string),
                }
            })
            .map_err(|e| collection_error("ec2", "GetInstanceMetadataDefaults", r, None, &e))
    };
    let bpa = block_public_access(client, region);
    let ebs = super::config::ebs_encryption(client, region);
    let (vpcs, subnets, route_tables, endpoints, instances, templates, defaults, bpa, ebs) = tokio::join!(
        vpcs,
        subnets,
        route_tables,
        endpoints,
        instances,
        templates,
        defaults,
        bpa,
        ebs
    );
    let (vpc_bpa, snapshot_bpa, image_bpa) = bpa;
    // The listing calls are all-or-nothing: a partial EC2 picture would let checks pass on
    // resources they never saw.
    let first_error = [
        vpcs.as_ref().err(),
        subnets.as_ref().err(),
        route_tables.as_ref().err(),
        endpoints.as_ref().err(),
        instances.as_ref().err(),
        templates.as_ref().err(),
    ]
    .into_iter()
    .flatten()
    .next()
    .cloned();
    if let Some(e) = first_error {
        return Collected::Failed(e);
    }
    Collected::Ok(Ec2 {
        vpcs: vpcs.unwrap_or_default(),
        subnets: subnets.unwrap_or_default(),
        route_tables: route_tables.unwrap_or_default(),
        vpc_endpoints: endpoints.unwrap_or_default(),
        instances: instances.unwrap_or_default(),
        launch_templates: templates.unwrap_or_default(),
        instance_metadata_defaults: defaults.into(),
        vpc_block_public_access: vpc_bpa,
        snapshot_block_public_access: snapshot_bpa,
        image_block_public_access: image_bpa,
        ebs_encryption_by_default: ebs,
    })
}

/// The Region's account-level block public access settings: VPC Block Public Access, and the
/// blocks on public sharing of EBS snapshots and AMIs. Each is set by the account or by an EC2
/// declarative policy (`ManagedBy`); a failed read is recorded on that setting alone.
async fn block_public_access(
    client: &Client,
    region: &str,
) -> (
    Collected<VpcBlockPublicAccess>,
    Collected<SharingBlock>,
    Collected<SharingBlock>,
) {
    let r = Some(region);
    let managed_by = |m: Option<&aws_sdk_ec2::types::ManagedBy>| m.map(|m| m.as_str().to_string());
    let vpc = async {
        client
            .describe_vpc_block_public_access_options()
            .send()
            .await
            .map(|out| {
                let o = out.vpc_block_public_access_options();
                VpcBlockPublicAccess {
                    internet_gateway_block_mode: o
                        .and_then(|o| o.internet_gateway_block_mode())
                        .map(|m| m.as_str().to_string()),
                    state: o.and_then(|o| o.state()).map(|s| s.as_str().to_string()),
                    exclusions_allowed: o
                        .and_then(|o| o.exclusions_allowed())
                        .map(|e| e.as_str().to_string()),
                    managed_by: managed_by(o.and_then(|o| o.managed_by())),
                }
            })
            .map_err(|e| {
                collection_error("ec2", "DescribeVpcBlockPublicAccessOptions", r, None, &e)
            })
    };
    let snapshots = async {
        client
            .get_snapshot_block_public_access_state()
            .send()
            .await
            .map(|out| SharingBlock {
                state: out.state().map(|s| s.as_str().to_string()),
                managed_by: managed_by(out.managed_by()),
            })
            .map_err(|e| collection_error("ec2", "GetSnapshotBlockPublicAccessState", r, None, &e))
    };
    let images = async {
        client
            .get_image_block_public_access_state()
            .send()
            .await
            .map(|out| SharingBlock {
                state: out.image_block_public_access_state().map(str::to_string),
                managed_by: managed_by(out.managed_by()),
            })
            .map_err(|e| collection_error("ec2", "GetImageBlockPublicAccessState", r, None, &e))
    };
    let (vpc, snapshots, images) = tokio::join!(vpc, snapshots, images);
    (vpc.into(), snapshots.into(), images.into())
}

/// One route of a route table, with the target that carries it.
fn route(rt: &aws_sdk_ec2::types::Route) -> Route {
    Route {
        destination_cidr: rt
            .destination_cidr_block()
            .or(rt.destination_ipv6_cidr_block())
            .map(str::to_string),
        destination_prefix_list: rt.destination_prefix_list_id().map(str::to_string),
        // Exactly one target is set per route; the checks read its id prefix (igw-, nat-,
        // eigw-, vpce-, cagw-, lgw-, tgw-, pcx-, eni-, i-) or the core network's ARN.
        target: rt
            .gateway_id()
            .or(rt.nat_gateway_id())
            .or(rt.egress_only_internet_gateway_id())
            .or(rt.transit_gateway_id())
            .or(rt.vpc_peering_connection_id())
            .or(rt.carrier_gateway_id())
            .or(rt.local_gateway_id())
            .or(rt.core_network_arn())
            .or(rt.odb_network_arn())
            .or(rt.network_interface_id())
            .or(rt.instance_id())
            .unwrap_or("unknown")
            .to_string(),
    }
}

/// VPC endpoint policies come back as JSON, sometimes URL-encoded.
fn decode_policy(p: &str) -> String {
    if p.trim_start().starts_with('{') {
        p.to_string()
    } else {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    }
}

async fn launch_templates(
    client: &Client,
    region: &str,
    concurrency: usize,
) -> Result<Vec<LaunchTemplate>, CollectionError> {
    let r = Some(region);
    let mut list = Vec::new();
    paginate!(
        client.describe_launch_templates(),
        "ec2",
        "DescribeLaunchTemplates",
        r,
        |page| {
            for t in page.launch_templates() {
                list.push((
                    t.launch_template_id().unwrap_or_default().to_string(),
                    t.launch_template_name().unwrap_or_default().to_string(),
                    t.default_version_number(),
                    t.latest_version_number(),
                    ec2_tags(t.tags()),
                ));
            }
        }
    )?;
    Ok(futures::stream::iter(list)
        .map(|(id, name, default_version, latest, tags)| async move {
            // `$Latest` is read too when it differs: Auto Scaling groups and fleets often launch
            // it. Which version each group uses is not read (that needs the Auto Scaling API),
            // so both are judged. One call returns both versions.
            let latest_version = latest.filter(|l| Some(*l) != default_version);
            let mut call = client
                .describe_launch_template_versions()
                .launch_template_id(&id)
                .versions("$Default");
            if latest_version.is_some() {
                call = call.versions("$Latest");
            }
            let (default_version_metadata, latest_version_metadata) = match call.send().await {
                Ok(out) => versions_metadata(
                    out.launch_template_versions(),
                    default_version,
                    latest_version,
                    region,
                    &id,
                ),
                Err(e) => (
                    Collected::Failed(collection_error(
                        "ec2",
                        "DescribeLaunchTemplateVersions",
                        r,
                        Some(&id),
                        &e,
                    )),
                    None,
                ),
            };
            LaunchTemplate {
                launch_template_id: id,
                name,
                default_version,
                default_version_metadata,
                latest_version,
                latest_version_metadata,
                tags,
            }
        })
        .buffered(concurrency)
        .collect()
        .await)
}

type VersionMetadata = Collected<Option<MetadataOptions>>;

/// The metadata options of the default version and, when asked for, of the latest version,
/// from one DescribeLaunchTemplateVersions answer. A version missing from the answer (deleted
/// between the two calls) is recorded as a failed read, never as "no options".
fn versions_metadata(
    versions: &[aws_sdk_ec2::types::LaunchTemplateVersion],
    default_version: Option<i64>,
    latest_version: Option<i64>,
    region: &str,
    template_id: &str,
) -> (VersionMetadata, Option<VersionMetadata>) {
    let options = |v: &aws_sdk_ec2::types::LaunchTemplateVersion| {
        v.launch_template_data()
            .and_then(|d| d.metadata_options())
            .map(|m| MetadataOptions {
                http_tokens: m.http_tokens().map(|t| t.as_str().to_string()),
                http_endpoint: m.http_endpoint().map(|t| t.as_str().to_string()),
                http_put_response_hop_limit: m.http_put_response_hop_limit(),
            })
    };
    let missing = |which: String| CollectionError {
        service: "ec2".into(),
        operation: "DescribeLaunchTemplateVersions".into(),
        region: Some(region.to_string()),
        resource: Some(template_id.to_string()),
        kind: ErrorKind::Other,
        code: None,
        message: format!(
            "the answer did not include the {which}; it may have been deleted during the scan (scan again)"
        ),
    };
    let default = versions
        .iter()
        .find(|v| {
            v.default_version() == Some(true)
                || (default_version.is_some() && v.version_number() == default_version)
        })
        .or(if latest_version.is_none() {
            // Only `$Default` was asked for.
            versions.first()
        } else {
            None
        })
        .map(|v| Collected::Ok(options(v)))
        .unwrap_or_else(|| Collected::Failed(missing("default version".into())));
    let latest = latest_version.map(|n| {
        versions
            .iter()
            .find(|v| v.version_number() == Some(n))
            .map(|v| Collected::Ok(options(v)))
            .unwrap_or_else(|| Collected::Failed(missing(format!("latest version {n}"))))
    });
    (default, latest)
}

fn ec2_tags(
    tags: &[aws_sdk_ec2::types::Tag],
) -> Option<std::collections::BTreeMap<String, String>> {
    Some(
        tags.iter()
            .filter_map(|t| {
                Some((
                    t.key()?.to_string(),
                    t.value().unwrap_or_default().to_string(),
                ))
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::{
        LaunchTemplateHttpTokensState, LaunchTemplateInstanceMetadataOptions,
        LaunchTemplateVersion, ResponseLaunchTemplateData, Route as SdkRoute,
    };

    fn version(n: i64, default: bool, tokens: Option<&str>) -> LaunchTemplateVersion {
        let data = ResponseLaunchTemplateData::builder();
        let data = match tokens {
            Some(t) => data.metadata_options(
                LaunchTemplateInstanceMetadataOptions::builder()
                    .http_tokens(LaunchTemplateHttpTokensState::from(t))
                    .build(),
            ),
            None => data,
        };
        LaunchTemplateVersion::builder()
            .version_number(n)
            .default_version(default)
            .launch_template_data(data.build())
            .build()
    }

    /// `$Latest` is read besides `$Default` when they differ (audit finding 16).
    #[test]
    fn default_and_latest_versions() {
        let tokens = |m: &Collected<Option<MetadataOptions>>| match m {
            Collected::Ok(o) => o.as_ref().map(|o| o.http_tokens.clone()),
            Collected::Failed(e) => panic!("{e}"),
        };
        let both = [version(3, true, Some("required")), version(5, false, None)];
        let (d, l) = versions_metadata(&both, Some(3), Some(5), "us-east-1", "lt-1");
        assert_eq!(tokens(&d), Some(Some("required".into())));
        assert_eq!(tokens(l.as_ref().expect("latest read")), None);
        // Only the default asked for.
        let (d, l) = versions_metadata(&both[..1], Some(3), None, "us-east-1", "lt-1");
        assert_eq!(tokens(&d), Some(Some("required".into())));
        assert!(l.is_none());
        // The latest version vanished between the calls: a failed read, not "no options".
        let (d, l) = versions_metadata(&both[..1], Some(3), Some(5), "us-east-1", "lt-1");
        assert!(matches!(d, Collected::Ok(_)));
        assert!(matches!(l, Some(Collected::Failed(_))), "{l:?}");
    }
    /// Every kind of route target is kept (audit finding 17: egress-only internet gateways,
    /// carrier and local gateways and core networks were stored as "unknown").
    #[test]
    fn route_targets() {
        let cases = [
            (
                SdkRoute::builder()
                    .destination_ipv6_cidr_block("::/0")
                    .egress_only_internet_gateway_id("eigw-0123")
                    .build(),
                "eigw-0123",
            ),
            (
                SdkRoute::builder()
                    .destination_cidr_block("0.0.0.0/0")
                    .carrier_gateway_id("cagw-0123")
                    .build(),
                "cagw-0123",
            ),
            (
                SdkRoute::builder()
                    .destination_cidr_block("0.0.0.0/0")
                    .local_gateway_id("lgw-0123")
                    .build(),
                "lgw-0123",
            ),
            (
                SdkRoute::builder()
                    .destination_cidr_block("0.0.0.0/0")
                    .core_network_arn(
                        "arn:aws:networkmanager::111111111111:core-network/core-network-0123",
                    )
                    .build(),
                "arn:aws:networkmanager::111111111111:core-network/core-network-0123",
            ),
            (
                SdkRoute::builder()
                    .destination_prefix_list_id("pl-63a5400a")
                    .gateway_id("vpce-0123")
                    .build(),
                "vpce-0123",
            ),
            (
                SdkRoute::builder()
                    .destination_cidr_block("0.0.0.0/0")
                    .nat_gateway_id("nat-0123")
                    .build(),
                "nat-0123",
            ),
        ];
        for (sdk, want) in cases {
            assert_eq!(route(&sdk).target, want, "{sdk:?}");
        }
        let r = route(
            &SdkRoute::builder()
                .destination_ipv6_cidr_block("::/0")
                .egress_only_internet_gateway_id("eigw-0123")
                .build(),
        );
        assert_eq!(r.destination_cidr.as_deref(), Some("::/0"));
    }
}
