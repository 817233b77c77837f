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
                        routes: t
                            .routes()
                            .iter()
                            .map(|rt| Route {
                                destination_cidr: rt
                                    .destination_cidr_block()
                                    .or(rt.destination_ipv6_cidr_block())
                                    .map(str::to_string),
                                destination_prefix_list: rt
                                    .destination_prefix_list_id()
                                    .map(str::to_string),
                                target: rt
                                    .gateway_id()
                                    .or(rt.nat_gateway_id())
                                    .or(rt.transit_gateway_id())
                                    .or(rt.vpc_peering_connection_id())
                                    .or(rt.network_interface_id())
                                    .or(rt.instance_id())
                                    .unwrap_or("unknown")
                                    .to_string(),
                            })
                            .collect(),
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
                }
            })
            .map_err(|e| collection_error("ec2", "GetInstanceMetadataDefaults", r, None, &e))
    };
    let (vpcs, subnets, route_tables, endpoints, instances, templates, defaults) = tokio::join!(
        vpcs,
        subnets,
        route_tables,
        endpoints,
        instances,
        templates,
        defaults
    );
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
    })
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
                    ec2_tags(t.tags()),
                ));
            }
        }
    )?;
    Ok(futures::stream::iter(list)
        .map(|(id, name, default_version, tags)| async move {
            let metadata = client
                .describe_launch_template_versions()
                .launch_template_id(&id)
                .versions("$Default")
                .send()
                .await
                .map(|out| {
                    out.launch_template_versions()
                        .first()
                        .and_then(|v| v.launch_template_data())
                        .and_then(|d| d.metadata_options())
                        .map(|m| MetadataOptions {
                            http_tokens: m.http_tokens().map(|t| t.as_str().to_string()),
                            http_endpoint: m.http_endpoint().map(|t| t.as_str().to_string()),
                            http_put_response_hop_limit: m.http_put_response_hop_limit(),
                        })
                })
                .map_err(|e| {
                    collection_error("ec2", "DescribeLaunchTemplateVersions", r, Some(&id), &e)
                });
            LaunchTemplate {
                launch_template_id: id,
                name,
                default_version,
                default_version_metadata: metadata.into(),
                tags,
            }
        })
        .buffered(concurrency)
        .collect()
        .await)
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
