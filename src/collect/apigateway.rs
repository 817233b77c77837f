//! API Gateway (REST, v1), per region: APIs with their resources, methods, authorizers and
//! stages, and custom domain names.

use std::collections::BTreeMap;

use aws_sdk_apigateway::Client;
use futures::StreamExt;

use super::util::paginate;
use crate::aws::collection_error;
use crate::inventory::*;

/// The largest page API Gateway returns (its default is 25). GetResources is limited to 5
/// requests every 2 seconds per account and Region, so an API with 300 resources costs one
/// call instead of 12.
const PAGE: i32 = 500;

pub async fn collect(client: &Client, region: &str, concurrency: usize) -> Collected<ApiGateway> {
    let r = Some(region);
    let mut apis = Vec::new();
    let listed = paginate!(
        client.get_rest_apis().limit(PAGE),
        "apigateway",
        "GetRestApis",
        r,
        |page| {
            for a in page.items() {
                apis.push((
                    a.id().unwrap_or_default().to_string(),
                    a.name().map(str::to_string),
                    a.endpoint_configuration()
                        .map(|e| e.types().iter().map(|t| t.as_str().to_string()).collect())
                        .unwrap_or_default(),
                    tag_map(a.tags()),
                    a.policy().map(unescape_policy),
                ));
            }
        }
    );
    if let Err(e) = listed {
        return Collected::Failed(e);
    }
    let mut domains = Vec::new();
    let listed = paginate!(
        client.get_domain_names().limit(PAGE),
        "apigateway",
        "GetDomainNames",
        r,
        |page| {
            for d in page.items() {
                domains.push(DomainName {
                    domain_name: d.domain_name().unwrap_or_default().to_string(),
                    certificate_arn: d.certificate_arn().map(str::to_string),
                    regional_certificate_arn: d.regional_certificate_arn().map(str::to_string),
                    security_policy: d.security_policy().map(|p| p.as_str().to_string()),
                    endpoint_types: d
                        .endpoint_configuration()
                        .map(|e| e.types().iter().map(|t| t.as_str().to_string()).collect())
                        .unwrap_or_default(),
                    tags: Some(tag_map(d.tags())),
                    base_path_mappings: Collected::Ok(Vec::new()),
                });
            }
        }
    );
    if let Err(e) = listed {
        return Collected::Failed(e);
    }
    let domains = futures::stream::iter(domains)
        .map(|mut d| async move {
            d.base_path_mappings = base_path_mappings(client, region, &d.domain_name)
                .await
                .into();
            d
        })
        .buffered(concurrency)
        .collect()
        .await;
    let rest_apis = futures::stream::iter(apis)
        .map(|(id, name, endpoint_types, tags, policy)| async move {
            let (resources, authorizers, stages) = tokio::join!(
                resources(client, region, &id),
                authorizers(client, region, &id),
                stages(client, region, &id)
            );
            RestApi {
                id,
                name,
                endpoint_types,
                policy,
                tags: Some(tags),
                resources: resources.into(),
                authorizers: authorizers.into(),
                stages: stages.into(),
            }
        })
        .buffered(concurrency)
        .collect()
        .await;
    Collected::Ok(ApiGateway {
        rest_apis,
        domain_names: domains,
    })
}

async fn resources(
    client: &Client,
    region: &str,
    api: &str,
) -> Result<Vec<ApiResource>, CollectionError> {
    let r = Some(region);
    let mut out = Vec::new();
    paginate!(
        client
            .get_resources()
            .rest_api_id(api)
            .embed("methods")
            .limit(PAGE),
        "apigateway",
        "GetResources",
        r,
        |page| {
            for res in page.items() {
                let mut methods = Vec::new();
                for (verb, m) in res.resource_methods().into_iter().flatten() {
                    methods.push(ApiMethod {
                        http_method: verb.clone(),
                        authorization_type: m.authorization_type().map(str::to_string),
                        authorizer_id: m.authorizer_id().map(str::to_string),
                        api_key_required: m.api_key_required().unwrap_or(false),
                        integration: Collected::Ok(method_integration(m.method_integration())),
                    });
                }
                methods.sort_by(|a, b| a.http_method.cmp(&b.http_method));
                out.push(ApiResource {
                    id: res.id().unwrap_or_default().to_string(),
                    path: res.path().unwrap_or_default().to_string(),
                    methods,
                });
            }
        }
    )?;
    // Some endpoints ignore `embed=methods` and list verbs without their settings.
    for res in &mut out {
        for m in res
            .methods
            .iter_mut()
            .filter(|m| m.authorization_type.is_none())
        {
            let got = client
                .get_method()
                .rest_api_id(api)
                .resource_id(&res.id)
                .http_method(&m.http_method)
                .send()
                .await
                .map_err(|e| collection_error("apigateway", "GetMethod", r, Some(api), &e))?;
            m.authorization_type = got.authorization_type().map(str::to_string);
            m.authorizer_id = got.authorizer_id().map(str::to_string);
            m.api_key_required = got.api_key_required().unwrap_or(false);
            m.integration = Collected::Ok(method_integration(got.method_integration()));
        }
    }
    Ok(out)
}

/// What links a method to its back end. GetResources with `embed=methods` returns each method
/// whole, its `methodIntegration` included, so this needs no call of its own.
fn method_integration(
    i: Option<&aws_sdk_apigateway::types::Integration>,
) -> Option<MethodIntegration> {
    let i = i?;
    Some(MethodIntegration {
        integration_type: i.r#type().map(|t| t.as_str().to_string()),
        uri: i.uri().filter(|u| !u.is_empty()).map(str::to_string),
        connection_type: i.connection_type().map(|t| t.as_str().to_string()),
        connection_id: i
            .connection_id()
            .filter(|c| !c.is_empty())
            .map(str::to_string),
        credentials: i
            .credentials()
            .filter(|c| !c.is_empty())
            .map(str::to_string),
    })
}

/// GetBasePathMappings of one custom domain, paged with `position`.
async fn base_path_mappings(
    client: &Client,
    region: &str,
    domain: &str,
) -> Result<Vec<BasePathMapping>, CollectionError> {
    let mut out = Vec::new();
    let mut position: Option<String> = None;
    loop {
        let page = client
            .get_base_path_mappings()
            .domain_name(domain)
            .limit(PAGE)
            .set_position(position.clone())
            .send()
            .await
            .map_err(|e| {
                collection_error(
                    "apigateway",
                    "GetBasePathMappings",
                    Some(region),
                    Some(domain),
                    &e,
                )
            })?;
        for m in page.items() {
            out.push(BasePathMapping {
                base_path: m.base_path().map(str::to_string),
                rest_api_id: m.rest_api_id().map(str::to_string),
                stage: m.stage().map(str::to_string),
            });
        }
        match page.position() {
            Some(p) if !p.is_empty() && Some(p) != position.as_deref() => {
                position = Some(p.to_string())
            }
            _ => break,
        }
    }
    Ok(out)
}

async fn authorizers(
    client: &Client,
    region: &str,
    api: &str,
) -> Result<Vec<Authorizer>, CollectionError> {
    let mut out = Vec::new();
    let mut position: Option<String> = None;
    loop {
        let page = client
            .get_authorizers()
            .rest_api_id(api)
            .limit(PAGE)
            .set_position(position.clone())
            .send()
            .await
            .map_err(|e| {
                collection_error("apigateway", "GetAuthorizers", Some(region), Some(api), &e)
            })?;
        for a in page.items() {
            out.push(Authorizer {
                id: a.id().unwrap_or_default().to_string(),
                name: a.name().map(str::to_string),
                authorizer_type: a.r#type().map(|t| t.as_str().to_string()),
            });
        }
        match page.position() {
            Some(p) if !p.is_empty() && Some(p) != position.as_deref() => {
                position = Some(p.to_string())
            }
            _ => break,
        }
    }
    Ok(out)
}

async fn stages(client: &Client, region: &str, api: &str) -> Result<Vec<Stage>, CollectionError> {
    let out = client
        .get_stages()
        .rest_api_id(api)
        .send()
        .await
        .map_err(|e| collection_error("apigateway", "GetStages", Some(region), Some(api), &e))?;
    Ok(out
        .item()
        .iter()
        .map(|s| Stage {
            name: s.stage_name().unwrap_or_default().to_string(),
            tracing_enabled: s.tracing_enabled(),
            web_acl_arn: s
                .web_acl_arn()
                .filter(|a| !a.is_empty())
                .map(str::to_string),
            client_certificate_id: s
                .client_certificate_id()
                .filter(|a| !a.is_empty())
                .map(str::to_string),
            cache_cluster_enabled: s.cache_cluster_enabled(),
            access_log_destination: s
                .access_log_settings()
                .and_then(|a| a.destination_arn())
                .filter(|a| !a.is_empty())
                .map(str::to_string),
            method_settings: s
                .method_settings()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| {
                            (
                                k.clone(),
                                MethodSetting {
                                    logging_level: v.logging_level().map(str::to_string),
                                    caching_enabled: v.caching_enabled(),
                                    cache_data_encrypted: v.cache_data_encrypted(),
                                },
                            )
                        })
                        .collect::<BTreeMap<_, _>>()
                })
                .unwrap_or_default(),
            tags: Some(tag_map(s.tags())),
        })
        .collect())
}

/// API Gateway returns a REST API's resource policy as JSON whose quotes are backslash-escaped
/// (`{\"Version\":...}`); read it as the contents of a JSON string to get the document back.
/// A policy that is already plain JSON is kept as it is.
fn unescape_policy(p: &str) -> String {
    if serde_json::from_str::<serde_json::Value>(p).is_ok() {
        return p.to_string();
    }
    serde_json::from_str::<String>(&format!("\"{p}\"")).unwrap_or_else(|_| p.to_string())
}

/// API Gateway returns tags inline as a map (absent = no tags).
fn tag_map(tags: Option<&std::collections::HashMap<String, String>>) -> BTreeMap<String, String> {
    tags.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::client::http::{
        HttpConnector, HttpConnectorFuture, SharedHttpConnector, http_client_fn,
    };
    use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
    use aws_smithy_types::body::SdkBody;
    use std::sync::{Arc, Mutex};

    /// API Gateway with one REST API of `resources` resources, paging GetResources as AWS does:
    /// `limit` items per page (25 when absent, at most 500), `position` for the next page.
    #[derive(Debug)]
    struct FakeApiGateway {
        resources: usize,
        requests: Mutex<Vec<String>>,
    }

    fn query(uri: &str, key: &str) -> Option<String> {
        let q = uri.split_once('?')?.1;
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.to_string())
    }

    impl HttpConnector for FakeApiGateway {
        fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
            let uri = request.uri().to_string();
            if let Ok(mut r) = self.requests.lock() {
                r.push(uri.clone());
            }
            let path = uri
                .split_once("amazonaws.com")
                .map(|(_, p)| p)
                .unwrap_or(&uri)
                .split('?')
                .next()
                .unwrap_or_default()
                .to_string();
            let body = match path.as_str() {
                "/restapis" => r#"{"item":[{"id":"a1","name":"orders"}]}"#.to_string(),
                "/restapis/a1/resources" => {
                    let limit: usize = query(&uri, "limit")
                        .and_then(|l| l.parse().ok())
                        .unwrap_or(25)
                        .min(500);
                    let from: usize = query(&uri, "position")
                        .and_then(|p| p.parse().ok())
                        .unwrap_or(0);
                    let to = (from + limit).min(self.resources);
                    let items: Vec<String> = (from..to)
                        .map(|i| {
                            format!(
                                r#"{{"id":"r{i}","path":"/r{i}","resourceMethods":{{"GET":{{"httpMethod":"GET","authorizationType":"NONE","apiKeyRequired":false}}}}}}"#
                            )
                        })
                        .collect();
                    let position = if to < self.resources {
                        format!(r#","position":"{to}""#)
                    } else {
                        String::new()
                    };
                    format!(r#"{{"item":[{}]{position}}}"#, items.join(","))
                }
                _ => r#"{"item":[]}"#.to_string(),
            };
            let mut r = HttpResponse::new(200.try_into().expect("status"), SdkBody::from(body));
            r.headers_mut().insert("Content-Type", "application/json");
            HttpConnectorFuture::ready(Ok(r))
        }
    }

    #[derive(Debug)]
    struct Shared(Arc<FakeApiGateway>);
    impl HttpConnector for Shared {
        fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
            self.0.call(request)
        }
    }

    /// Finding 8 of the real-AWS audit: GetResources was sent without `limit`, so AWS paged
    /// 25 resources at a time against a quota of 5 GetResources every 2 seconds. This test
    /// failed before `.limit(500)`: 300 resources took 12 calls.
    #[tokio::test]
    async fn get_resources_asks_for_the_largest_page() {
        let fake = Arc::new(FakeApiGateway {
            resources: 300,
            requests: Mutex::new(Vec::new()),
        });
        let f = fake.clone();
        let conf = aws_sdk_apigateway::Config::builder()
            .behavior_version(aws_sdk_apigateway::config::BehaviorVersion::latest())
            .region(aws_sdk_apigateway::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_apigateway::config::Credentials::new(
                "AKIDEXAMPLE",
                "secret",
                None,
                None,
                "test",
            ))
            .http_client(http_client_fn(move |_, _| {
                SharedHttpConnector::new(Shared(f.clone()))
            }))
            .build();
        let client = Client::from_conf(conf);
        let Collected::Ok(got) = collect(&client, "us-east-1", 8).await else {
            panic!("collection failed");
        };
        let resources = got.rest_apis[0].resources.clone();
        let Collected::Ok(resources) = resources else {
            panic!("resources not collected");
        };
        assert_eq!(resources.len(), 300);
        let requests = fake.requests.lock().expect("not poisoned").clone();
        let pages: Vec<&String> = requests
            .iter()
            .filter(|u| u.contains("/resources"))
            .collect();
        assert_eq!(pages.len(), 1, "{pages:?}");
        for list in ["/restapis?", "/domainnames?", "/authorizers?"] {
            assert!(
                requests
                    .iter()
                    .any(|u| u.contains(list) && u.contains("limit=500")),
                "{list} without limit=500: {requests:?}"
            );
        }
    }

    use crate::aws::fake::{FakeAws, Reply};
    use crate::inventory::Collected;

    /// What links the front door path: a method's `methodIntegration` as GetResources with
    /// `embed=methods` returns it, and GetBasePathMappings paged with `position`.
    #[test]
    fn method_integrations_and_base_path_mappings() {
        let fake = FakeAws::new(|req| {
            let path = req.uri.split("amazonaws.com").nth(1).unwrap_or("");
            let body = if path.starts_with("/restapis/a1/resources") {
                r#"{"item":[{"id":"r0","path":"/","resourceMethods":{"GET":{"apiKeyRequired":false,"authorizationType":"AWS_IAM","httpMethod":"GET","methodIntegration":{"cacheKeyParameters":[],"cacheNamespace":"r0","credentials":"arn:aws:iam::111111111111:role/store","httpMethod":"GET","passthroughBehavior":"WHEN_NO_MATCH","timeoutInMillis":29000,"type":"AWS","uri":"arn:aws:apigateway:us-east-1:s3:path/store/{key}"}},"POST":{"apiKeyRequired":false,"authorizationType":"NONE","httpMethod":"POST","methodIntegration":{"connectionId":"vl1","connectionType":"VPC_LINK","httpMethod":"POST","type":"HTTP_PROXY","uri":"http://internal.example.com/"}}}}]}"#.to_string()
            } else if path.starts_with("/restapis/a1/") {
                r#"{"item":[]}"#.to_string()
            } else if path.starts_with("/restapis") {
                r#"{"item":[{"id":"a1","name":"store"}]}"#.to_string()
            } else if path.starts_with("/domainnames/api.example.com/basepathmappings")
                && path.contains("position=p2")
            {
                r#"{"item":[{"basePath":"v2","restApiId":"a2","stage":"prod"}]}"#.to_string()
            } else if path.starts_with("/domainnames/api.example.com/basepathmappings") {
                r#"{"item":[{"basePath":"(none)","restApiId":"a1","stage":"prod"}],"position":"p2"}"#.to_string()
            } else if path.starts_with("/domainnames") {
                r#"{"item":[{"domainName":"api.example.com","regionalCertificateArn":"arn:aws:acm:us-east-1:111111111111:certificate/c","endpointConfiguration":{"types":["REGIONAL"]},"securityPolicy":"TLS_1_2"}]}"#.to_string()
            } else {
                r#"{"item":[]}"#.to_string()
            };
            Reply::new(200, body).header("content-type", "application/json")
        });
        let client = aws_sdk_apigateway::Client::new(&fake.config("us-east-1"));
        let gw = tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(super::collect(&client, "us-east-1", 4));
        let Collected::Ok(gw) = gw else {
            panic!("{gw:?}")
        };
        let Collected::Ok(resources) = &gw.rest_apis[0].resources else {
            panic!("{gw:?}")
        };
        let methods = &resources[0].methods;
        let Collected::Ok(Some(get)) = &methods[0].integration else {
            panic!("{methods:?}")
        };
        assert_eq!(get.integration_type.as_deref(), Some("AWS"));
        assert_eq!(
            get.uri.as_deref(),
            Some("arn:aws:apigateway:us-east-1:s3:path/store/{key}")
        );
        assert_eq!(
            get.credentials.as_deref(),
            Some("arn:aws:iam::111111111111:role/store")
        );
        let Collected::Ok(Some(post)) = &methods[1].integration else {
            panic!("{methods:?}")
        };
        assert_eq!(post.connection_type.as_deref(), Some("VPC_LINK"));
        assert_eq!(post.connection_id.as_deref(), Some("vl1"));
        let Collected::Ok(mappings) = &gw.domain_names[0].base_path_mappings else {
            panic!("{gw:?}")
        };
        let got: Vec<(Option<&str>, Option<&str>)> = mappings
            .iter()
            .map(|m| (m.base_path.as_deref(), m.rest_api_id.as_deref()))
            .collect();
        assert_eq!(
            got,
            [(Some("(none)"), Some("a1")), (Some("v2"), Some("a2"))]
        );
    }

    /// Audit finding 19: GetRestApis returns the resource policy with its quotes escaped; it is
    /// collected as the policy document.
    #[test]
    fn rest_api_policy_is_collected_unescaped() {
        let fake = FakeAws::new(|req| {
            let path = req.uri.split("amazonaws.com").nth(1).unwrap_or("");
            let body = if path.starts_with("/restapis/a1/") {
                r#"{"item":[]}"#.to_string()
            } else if path.starts_with("/restapis") {
                r#"{"item":[{"id":"a1","name":"orders","createdDate":1.7e9,"endpointConfiguration":{"types":["PRIVATE"],"vpcEndpointIds":["vpce-0123456789abcdef0"]},"policy":"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\",\\\"Principal\\\":\\\"*\\\",\\\"Action\\\":\\\"execute-api:Invoke\\\",\\\"Resource\\\":\\\"arn:aws:execute-api:us-east-1:111111111111:a1/*\\\",\\\"Condition\\\":{\\\"StringEquals\\\":{\\\"aws:SourceVpce\\\":\\\"vpce-0123456789abcdef0\\\"}}}]}"}]}"#.to_string()
            } else {
                r#"{"item":[]}"#.to_string()
            };
            Reply::new(200, body).header("content-type", "application/json")
        });
        let client = aws_sdk_apigateway::Client::new(&fake.config("us-east-1"));
        let gw = tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(super::collect(&client, "us-east-1", 4));
        let Collected::Ok(gw) = gw else {
            panic!("{gw:?}")
        };
        let policy = gw.rest_apis[0].policy.as_deref().expect("policy collected");
        let doc: serde_json::Value = serde_json::from_str(policy).expect("policy is JSON");
        assert_eq!(
            doc["Statement"][0]["Condition"]["StringEquals"]["aws:SourceVpce"],
            "vpce-0123456789abcdef0"
        );
    }
}
