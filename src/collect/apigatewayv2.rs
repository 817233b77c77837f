//! API Gateway v2, per region: HTTP APIs with their routes and stages, and the custom domain
//! names. WebSocket APIs (the other protocol of GetApis) are not collected.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_apigatewayv2::Client;
use aws_sdk_apigatewayv2::types::ProtocolType;
use futures::StreamExt;

use crate::aws::collection_error;
use crate::inventory::*;

/// The SDK has no paginators for API Gateway v2: follow `nextToken` until it is absent, empty
/// or repeats. `$req` is built anew for every page.
macro_rules! each_page {
    ($req:expr, $op:expr, $region:expr, $resource:expr, |$page:ident| $body:block) => {{
        let mut token: Option<String> = None;
        let mut result: Result<(), CollectionError> = Ok(());
        loop {
            match $req.set_next_token(token.clone()).send().await {
                Err(e) => {
                    result = Err(collection_error(
                        "apigatewayv2",
                        $op,
                        Some($region),
                        $resource,
                        &e,
                    ));
                    break;
                }
                Ok($page) => {
                    let next = $page.next_token().map(str::to_string);
                    $body
                    match next {
                        Some(t) if !t.is_empty() && Some(&t) != token.as_ref() => token = Some(t),
                        _ => break,
                    }
                }
            }
        }
        result
    }};
}

pub async fn collect(client: &Client, region: &str, concurrency: usize) -> Collected<ApiGatewayV2> {
    let mut apis = Vec::new();
    let listed = each_page!(client.get_apis(), "GetApis", region, None, |page| {
        for a in page
            .items()
            .iter()
            .filter(|a| a.protocol_type() == Some(&ProtocolType::Http))
        {
            apis.push(HttpApi {
                api_id: a.api_id().unwrap_or_default().to_string(),
                name: a.name().map(str::to_string),
                api_endpoint: a.api_endpoint().map(str::to_string),
                disable_execute_api_endpoint: a.disable_execute_api_endpoint().unwrap_or(false),
                routes: Collected::Ok(Vec::new()),
                stages: Collected::Ok(Vec::new()),
                integrations: Collected::Ok(Vec::new()),
                tags: Some(tag_map(a.tags())),
            });
        }
    });
    if let Err(e) = listed {
        return Collected::Failed(e);
    }
    let mut domain_names = Vec::new();
    let listed = each_page!(
        client.get_domain_names(),
        "GetDomainNames",
        region,
        None,
        |page| {
            for d in page.items() {
                domain_names.push(HttpDomainName {
                    domain_name: d.domain_name().unwrap_or_default().to_string(),
                    configurations: d
                        .domain_name_configurations()
                        .iter()
                        .map(|c| HttpDomainConfiguration {
                            endpoint_type: c.endpoint_type().map(|t| t.as_str().to_string()),
                            security_policy: c.security_policy().map(|p| p.as_str().to_string()),
                            certificate_arn: c.certificate_arn().map(str::to_string),
                        })
                        .collect(),
                    api_mappings: Collected::Ok(Vec::new()),
                    tags: Some(tag_map(d.tags())),
                });
            }
        }
    );
    if let Err(e) = listed {
        return Collected::Failed(e);
    }
    let domain_names = futures::stream::iter(domain_names)
        .map(|mut d| async move {
            d.api_mappings = api_mappings(client, region, &d.domain_name).await.into();
            d
        })
        .buffered(concurrency)
        .collect()
        .await;
    let apis = futures::stream::iter(apis)
        .map(|mut api| async move {
            let (routes, stages, integrations) = tokio::join!(
                routes(client, region, &api.api_id),
                stages(client, region, &api.api_id),
                integrations(client, region, &api.api_id)
            );
            api.routes = routes.into();
            api.stages = stages.into();
            api.integrations = integrations.into();
            api
        })
        .buffered(concurrency)
        .collect()
        .await;
    Collected::Ok(ApiGatewayV2 { apis, domain_names })
}

async fn routes(
    client: &Client,
    region: &str,
    api: &str,
) -> Result<Vec<HttpRoute>, CollectionError> {
    let mut out = Vec::new();
    each_page!(
        client.get_routes().api_id(api),
        "GetRoutes",
        region,
        Some(api),
        |page| {
            for r in page.items() {
                out.push(HttpRoute {
                    route_id: r.route_id().unwrap_or_default().to_string(),
                    route_key: r.route_key().unwrap_or_default().to_string(),
                    authorization_type: r.authorization_type().map(|t| t.as_str().to_string()),
                    authorizer_id: r.authorizer_id().map(str::to_string),
                    target: r.target().map(str::to_string),
                });
            }
        }
    )?;
    Ok(out)
}

async fn stages(
    client: &Client,
    region: &str,
    api: &str,
) -> Result<Vec<HttpStage>, CollectionError> {
    let mut out = Vec::new();
    each_page!(
        client.get_stages().api_id(api),
        "GetStages",
        region,
        Some(api),
        |page| {
            for s in page.items() {
                out.push(HttpStage {
                    stage_name: s.stage_name().unwrap_or_default().to_string(),
                    auto_deploy: s.auto_deploy().unwrap_or(false),
                    access_log_destination: s
                        .access_log_settings()
                        .and_then(|a| a.destination_arn())
                        .filter(|a| !a.is_empty())
                        .map(str::to_string),
                    tags: Some(tag_map(s.tags())),
                });
            }
        }
    )?;
    Ok(out)
}

/// GetIntegrations: where each route sends its requests.
async fn integrations(
    client: &Client,
    region: &str,
    api: &str,
) -> Result<Vec<HttpIntegration>, CollectionError> {
    let mut out = Vec::new();
    each_page!(
        client.get_integrations().api_id(api),
        "GetIntegrations",
        region,
        Some(api),
        |page| {
            for i in page.items() {
                out.push(HttpIntegration {
                    integration_id: i.integration_id().unwrap_or_default().to_string(),
                    integration_type: i.integration_type().map(|t| t.as_str().to_string()),
                    integration_uri: i
                        .integration_uri()
                        .filter(|u| !u.is_empty())
                        .map(str::to_string),
                    integration_subtype: i.integration_subtype().map(str::to_string),
                    connection_type: i.connection_type().map(|t| t.as_str().to_string()),
                    connection_id: i.connection_id().map(str::to_string),
                    credentials_arn: i.credentials_arn().map(str::to_string),
                });
            }
        }
    )?;
    Ok(out)
}

/// GetApiMappings of one custom domain: the APIs (HTTP or REST) and stages it serves.
async fn api_mappings(
    client: &Client,
    region: &str,
    domain: &str,
) -> Result<Vec<ApiMapping>, CollectionError> {
    let mut out = Vec::new();
    each_page!(
        client.get_api_mappings().domain_name(domain),
        "GetApiMappings",
        region,
        Some(domain),
        |page| {
            for m in page.items() {
                out.push(ApiMapping {
                    api_mapping_id: m.api_mapping_id().unwrap_or_default().to_string(),
                    api_id: m.api_id().unwrap_or_default().to_string(),
                    api_mapping_key: m.api_mapping_key().map(str::to_string),
                    stage: m.stage().map(str::to_string),
                });
            }
        }
    )?;
    Ok(out)
}

/// API Gateway returns tags inline as a map (absent = no tags).
fn tag_map(tags: Option<&HashMap<String, String>>) -> BTreeMap<String, String> {
    tags.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use crate::aws::fake::{FakeAws, Reply};
    use crate::inventory::Collected;

    /// GetApis is paged with `nextToken`, WebSocket APIs are left out, and routes, stages and
    /// domain configurations are read with the element names of the service model.
    #[test]
    fn http_apis_routes_stages_and_domains() {
        let fake = FakeAws::new(|req| {
            let path = req.uri.split("amazonaws.com").nth(1).unwrap_or("");
            let body = if path.starts_with("/v2/apis/h1/integrations")
                && path.contains("nextToken=i2")
            {
                r#"{"items":[{"connectionId":"vl1","connectionType":"VPC_LINK","integrationId":"int2","integrationMethod":"ANY","integrationType":"HTTP_PROXY","integrationUri":"arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/internal/1/2","payloadFormatVersion":"1.0"}]}"#
            } else if path.starts_with("/v2/apis/h1/integrations") {
                r#"{"items":[{"connectionType":"INTERNET","integrationId":"int1","integrationMethod":"POST","integrationType":"AWS_PROXY","integrationUri":"arn:aws:lambda:us-east-1:111111111111:function:orders","payloadFormatVersion":"2.0"},{"credentialsArn":"arn:aws:iam::111111111111:role/sqs","integrationId":"int3","integrationSubtype":"SQS-SendMessage","integrationType":"AWS_PROXY","payloadFormatVersion":"1.0","requestParameters":{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/111111111111/q","MessageBody":"$request.body"}}],"nextToken":"i2"}"#
            } else if path.starts_with("/v2/domainnames/api.example.com/apimappings") {
                r#"{"items":[{"apiId":"h1","apiMappingId":"m1","apiMappingKey":"orders","stage":"$default"}]}"#
            } else if path.starts_with("/v2/apis/h1/routes") {
                r#"{"items":[{"routeId":"r1","routeKey":"$default","authorizationType":"NONE","target":"integrations/i1","apiKeyRequired":false}]}"#
            } else if path.starts_with("/v2/apis/h1/stages") {
                r#"{"items":[{"stageName":"$default","autoDeploy":true,"accessLogSettings":{"destinationArn":"arn:aws:logs:us-east-1:111111111111:log-group:access","format":"$context.requestId"}}]}"#
            } else if path.starts_with("/v2/apis") && path.contains("nextToken=p2") {
                r#"{"items":[{"apiId":"w1","name":"chat","protocolType":"WEBSOCKET","routeSelectionExpression":"$request.body.action"}]}"#
            } else if path.starts_with("/v2/apis") {
                r#"{"items":[{"apiId":"h1","name":"orders","protocolType":"HTTP","apiEndpoint":"https://h1.execute-api.us-east-1.amazonaws.com","routeSelectionExpression":"$request.method $request.path","tags":{"team":"orders"}}],"nextToken":"p2"}"#
            } else if path.starts_with("/v2/domainnames") {
                r#"{"items":[{"domainName":"api.example.com","domainNameConfigurations":[{"endpointType":"REGIONAL","securityPolicy":"TLS_1_0","certificateArn":"arn:aws:acm:us-east-1:111111111111:certificate/c1","domainNameStatus":"AVAILABLE"}]}]}"#
            } else {
                r#"{"message":"not found"}"#
            };
            Reply::new(200, body).header("content-type", "application/json")
        });
        let client = aws_sdk_apigatewayv2::Client::new(&fake.config("us-east-1"));
        let got = tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(super::collect(&client, "us-east-1", 4));
        let Collected::Ok(got) = got else {
            panic!("{got:?}")
        };
        assert_eq!(got.apis.len(), 1, "{got:?}");
        let api = &got.apis[0];
        assert_eq!(api.api_id, "h1");
        let Collected::Ok(routes) = &api.routes else {
            panic!("{api:?}")
        };
        assert_eq!(routes[0].route_key, "$default");
        assert_eq!(routes[0].authorization_type.as_deref(), Some("NONE"));
        let Collected::Ok(stages) = &api.stages else {
            panic!("{api:?}")
        };
        assert!(stages[0].access_log_destination.is_some());
        // GetIntegrations, two pages: Lambda, an AWS service subtype, a private integration.
        let Collected::Ok(integrations) = &api.integrations else {
            panic!("{api:?}")
        };
        let ids: Vec<&str> = integrations
            .iter()
            .map(|i| i.integration_id.as_str())
            .collect();
        assert_eq!(ids, ["int1", "int3", "int2"]);
        assert_eq!(
            integrations[0].integration_uri.as_deref(),
            Some("arn:aws:lambda:us-east-1:111111111111:function:orders")
        );
        assert_eq!(
            integrations[1].integration_subtype.as_deref(),
            Some("SQS-SendMessage")
        );
        assert_eq!(integrations[2].connection_type.as_deref(), Some("VPC_LINK"));
        assert_eq!(integrations[2].connection_id.as_deref(), Some("vl1"));
        let Collected::Ok(mappings) = &got.domain_names[0].api_mappings else {
            panic!("{got:?}")
        };
        assert_eq!(mappings[0].api_id, "h1");
        assert_eq!(mappings[0].api_mapping_key.as_deref(), Some("orders"));
        assert_eq!(mappings[0].stage.as_deref(), Some("$default"));
        let c = &got.domain_names[0].configurations[0];
        assert_eq!(c.security_policy.as_deref(), Some("TLS_1_0"));
        assert_eq!(c.endpoint_type.as_deref(), Some("REGIONAL"));
    }
}
