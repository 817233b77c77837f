//! SRA pattern B along the whole path: custom domain → mapped API → integration → back end →
//! the back end's own exposure. The front door's controls (authorizers, WAF, throttling, the
//! domain's TLS policy) protect a back end only when it cannot be reached around the door: a
//! Lambda function anyone may invoke directly or through an unauthenticated function URL, an
//! HTTP back end on the internet, or a public S3 store bucket each lets callers bypass it.

use std::collections::{BTreeMap, BTreeSet};

use super::shared::apigateway::{Backend, http_backend, rest_backend};
use super::shared::layers::{Attached, account_rcps};
use super::shared::s3::{bucket_policy, effective_bpa, effective_exposure, public_acl_grants};
use crate::check::{At, Check, Context, Findings, Reason, Resource, Subject, bucket_arn};
use crate::inventory::{
    ApiGateway, ApiGatewayV2, Collected, HttpApi, HttpRoute, LambdaFunction, RegionInventory,
};
use crate::policy::{self, grants_public_access};

pub const CHECK: Check = Check {
    id: "sra-app-api-backend-exposed",
    run: |ctx, out| {
        for region in out.regions(ctx) {
            let v2 = out.collected_at(&region, &region.apigatewayv2);
            let v1 = out.collected_at(&region, &region.apigateway);
            let paths = front_doors(out, v2.as_ref(), v1.as_ref());
            if let Some(v2) = &v2 {
                for (api_id, doors) in &paths.http {
                    if let Some(api) = v2.apis.iter().find(|a| &a.api_id == api_id) {
                        http_api(ctx, out, &region, &v2.at(api), doors);
                    }
                }
            }
            for (api_id, doors) in &paths.rest {
                if v2
                    .as_ref()
                    .is_some_and(|v2| v2.apis.iter().any(|a| &a.api_id == api_id))
                {
                    continue;
                }
                let api = v1.as_ref().and_then(|v1| {
                    v1.rest_apis
                        .iter()
                        .find(|a| &a.id == api_id)
                        .map(|a| v1.at(a))
                });
                let Some(api) = api else {
                    let why = match &region.apigateway {
                        Collected::Failed(e) => Reason::collection(e),
                        Collected::Ok(_) => Reason::outside_scan(format!(
                            "API {api_id} is neither an HTTP API nor a REST API of this Region (a WebSocket API, which posture does not collect)"
                        )),
                    };
                    for d in doors {
                        out.not_assessed(&d.domain, why.clone())
                            .with("path", format!("{} → API {api_id}", d.hop));
                    }
                    continue;
                };
                let hops = hops(doors);
                let name = api.name.as_deref().unwrap_or(&api.id).to_string();
                let Some(resources) = out.collected(&api, &api.resources) else {
                    out.evidence("path", format!("{hops} → REST API {name}"));
                    continue;
                };
                for res in resources {
                    let res_at = api.part(res);
                    for m in &res.methods {
                        let method = res_at.part(m);
                        let Some(integration) = out.collected(&method, &m.integration) else {
                            out.evidence(
                                "path",
                                format!(
                                    "{hops} → REST API {name} → {} {}",
                                    m.http_method, res.path
                                ),
                            );
                            continue;
                        };
                        // A method without an integration cannot be deployed: no back end.
                        let Some(integration) = integration else {
                            continue;
                        };
                        let chain = format!(
                            "{hops} → REST API {name} ({}) → method {} {} → integration {} {}",
                            api.id,
                            m.http_method,
                            res.path,
                            integration.integration_type.as_deref().unwrap_or("?"),
                            integration.uri.as_deref().unwrap_or("(no URI)")
                        );
                        let backend = rest_backend(integration);
                        let judged = judge(ctx, &region, &backend);
                        record(out, &method, &chain, &backend, judged);
                    }
                }
            }
        }
    },
};

/// One way in: a custom domain's mapping to an API.
struct Door {
    domain: Subject,
    /// `api.example.com/orders (stage prod)`.
    hop: String,
}

/// The APIs the custom domains of a Region map, by API id, with the doors that lead to each.
#[derive(Default)]
struct Paths {
    http: BTreeMap<String, Vec<Door>>,
    /// REST APIs, and ids API Gateway v2 mapped that are not HTTP APIs.
    rest: BTreeMap<String, Vec<Door>>,
}

/// Every custom domain's mappings: API Gateway v2's API mappings (HTTP and REST APIs alike) and
/// the REST domains' base path mappings; the same mapping seen by both counts once.
fn front_doors(
    out: &mut Findings,
    v2: Option<&At<ApiGatewayV2>>,
    v1: Option<&At<ApiGateway>>,
) -> Paths {
    let mut paths = Paths::default();
    let mut seen = BTreeSet::new();
    let mut add = |paths: &mut Paths,
                   http: bool,
                   domain: Subject,
                   name: &str,
                   api: &str,
                   key: &str,
                   stage: &str| {
        let hop = format!("custom domain {name}/{key} (stage {stage})");
        if !seen.insert((api.to_string(), hop.clone())) {
            return;
        }
        let map = if http {
            &mut paths.http
        } else {
            &mut paths.rest
        };
        map.entry(api.to_string())
            .or_default()
            .push(Door { domain, hop });
    };
    if let Some(v2) = v2 {
        for d in &v2.domain_names {
            let at = v2.at(d);
            let Some(mappings) = out.collected(&at, &d.api_mappings) else {
                continue;
            };
            if mappings.is_empty() {
                out.not_applicable(&at, format!("custom domain {} maps no API", d.domain_name));
            }
            for m in mappings {
                let http = v2.apis.iter().any(|a| a.api_id == m.api_id);
                let key = m.api_mapping_key.as_deref().unwrap_or_default();
                let stage = m.stage.as_deref().unwrap_or("?");
                add(
                    &mut paths,
                    http,
                    at.subject(),
                    &d.domain_name,
                    &m.api_id,
                    key,
                    stage,
                );
            }
        }
    }
    if let Some(v1) = v1 {
        for d in &v1.domain_names {
            let at = v1.at(d);
            let Some(mappings) = out.collected(&at, &d.base_path_mappings) else {
                continue;
            };
            let mapped_by_v2 = v2.is_some_and(|v2| {
                v2.domain_names.iter().any(|x| {
                    x.domain_name == d.domain_name && matches!(x.api_mappings, Collected::Ok(_))
                })
            });
            if mappings.is_empty() && !mapped_by_v2 {
                out.not_applicable(&at, format!("custom domain {} maps no API", d.domain_name));
            }
            for m in mappings {
                let Some(api) = m.rest_api_id.as_deref() else {
                    continue;
                };
                // API Gateway reports the empty base path as `(none)`.
                let key = m
                    .base_path
                    .as_deref()
                    .filter(|p| *p != "(none)")
                    .unwrap_or_default();
                let stage = m.stage.as_deref().unwrap_or("?");
                add(
                    &mut paths,
                    false,
                    at.subject(),
                    &d.domain_name,
                    api,
                    key,
                    stage,
                );
            }
        }
    }
    paths
}

fn hops(doors: &[Door]) -> String {
    doors
        .iter()
        .map(|d| d.hop.as_str())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The integrations of an HTTP API that a custom domain maps: those its routes target (every
/// integration when the routes could not be read).
fn http_api(
    ctx: &Context,
    out: &mut Findings,
    region: &At<RegionInventory>,
    api: &At<HttpApi>,
    doors: &[Door],
) {
    let hops = hops(doors);
    let name = api.name.as_deref().unwrap_or(&api.api_id).to_string();
    let Some(integrations) = out.collected(api, &api.integrations) else {
        out.evidence("path", format!("{hops} → HTTP API {name}"));
        return;
    };
    let routes: Option<&Vec<HttpRoute>> = match &api.routes {
        Collected::Ok(r) => Some(r),
        Collected::Failed(_) => None,
    };
    for i in integrations {
        let target = format!("integrations/{}", i.integration_id);
        let keys: Vec<&str> = routes
            .map(|r| {
                r.iter()
                    .filter(|r| r.target.as_deref() == Some(target.as_str()))
                    .map(|r| r.route_key.as_str())
                    .collect()
            })
            .unwrap_or_default();
        // Only the integrations a route reaches are on the path.
        if routes.is_some() && keys.is_empty() {
            continue;
        }
        let routes_said = match routes {
            Some(_) => format!("route {}", keys.join(", ")),
            None => "routes unknown (GetRoutes failed)".to_string(),
        };
        let chain = format!(
            "{hops} → HTTP API {name} ({}) → {routes_said} → integration {} {} {}",
            api.api_id,
            i.integration_id,
            i.integration_type.as_deref().unwrap_or("?"),
            i.integration_subtype
                .as_deref()
                .or(i.integration_uri.as_deref())
                .unwrap_or("(no URI)")
        );
        let backend = http_backend(i);
        let judged = judge(ctx, region, &backend);
        record(out, &api.part(i), &chain, &backend, judged);
    }
}

/// What the back end's own settings say.
enum Judged {
    /// Reachable around the front door: why, and the layer that decided.
    Exposed(String, &'static str),
    /// Reachable only through the front door: why, and the layer that decided.
    Private(String, &'static str),
    NotApplicable(String),
    NotAssessed(Reason),
}

fn record(out: &mut Findings, on: &impl Resource, chain: &str, backend: &Backend, judged: Judged) {
    let backend_said = backend.to_string();
    let r = match judged {
        Judged::Exposed(why, layer) => out
            .fail(
                on,
                format!(
                    "{chain} → {backend_said}: {why}, so callers can bypass the API's front door"
                ),
            )
            .with("decided_by", layer),
        Judged::Private(why, layer) => out
            .pass(on, format!("{chain} → {backend_said}: {why}"))
            .with("decided_by", layer),
        Judged::NotApplicable(why) => out.not_applicable(on, format!("{chain}: {why}")),
        Judged::NotAssessed(reason) => out.not_assessed(on, reason),
    };
    r.with("path", chain).with("backend", backend_said);
}

fn judge(ctx: &Context, region: &At<RegionInventory>, backend: &Backend) -> Judged {
    match backend {
        Backend::Lambda(arn) => judge_lambda(region, arn),
        Backend::Http { url, vpc_link } => match vpc_link {
            Some(link) => Judged::Private(
                format!(
                    "a private integration through VPC link {link}: the back end is not on the internet"
                ),
                "integration connectionType VPC_LINK",
            ),
            None => Judged::Exposed(
                format!(
                    "{url} is an internet address (connectionType INTERNET): whoever learns it reaches the back end without the API's authorizers, WAF and throttling (posture cannot see whether the back end itself demands a secret header or a client certificate)"
                ),
                "integration connectionType INTERNET",
            ),
        },
        Backend::S3(bucket) => judge_bucket(ctx, region, bucket),
        Backend::AwsService(what) => Judged::NotAssessed(Reason::outside_scan(format!(
            "the back end is the AWS service {what}, whose exposure posture does not collect"
        ))),
        Backend::Mock => Judged::NotApplicable("a mock integration has no back end".into()),
        Backend::Unknown(reason) => Judged::NotAssessed(reason.clone()),
    }
}

/// A Lambda back end: its resource policy (public grants let anyone invoke it directly) and its
/// function URLs (`AuthType NONE` needs no signature).
fn judge_lambda(region: &At<RegionInventory>, arn: &str) -> Judged {
    let parts: Vec<&str> = arn.split(':').collect();
    if parts.len() < 7 || parts[2] != "lambda" || arn.contains("${") {
        return Judged::NotAssessed(Reason::undecidable(format!(
            "the integration names the function as {arn}, which is not a fixed function ARN (a stage variable?)"
        )));
    }
    let (fn_region, fn_account) = (parts[3], parts[4]);
    let unqualified = parts[..7].join(":");
    if fn_account != region.account_id() {
        return Judged::NotAssessed(Reason::outside_scan(format!(
            "function {unqualified} belongs to account {fn_account}; this check reads the API's own account"
        )));
    }
    let lambda = match region.account.regional.get(fn_region).map(|r| &r.lambda) {
        None => {
            return Judged::NotAssessed(Reason::outside_scan(format!(
                "Region {fn_region} of function {unqualified} was not scanned"
            )));
        }
        Some(Collected::Failed(e)) => return Judged::NotAssessed(Reason::collection(e)),
        Some(Collected::Ok(l)) => l,
    };
    let Some(f) = lambda.functions.iter().find(|f| f.arn == unqualified) else {
        return Judged::NotAssessed(Reason::inconsistent(format!(
            "function {unqualified} is not among the functions ListFunctions returned in {fn_region}"
        )));
    };
    judge_function(f)
}

fn judge_function(f: &LambdaFunction) -> Judged {
    let name = &f.name;
    let public = match &f.policy {
        Collected::Failed(e) => return Judged::NotAssessed(Reason::collection(e)),
        Collected::Ok(None) => Vec::new(),
        Collected::Ok(Some(text)) => match policy::parse(text) {
            Ok(p) => grants_public_access(&p, None),
            Err(e) => {
                return Judged::NotAssessed(Reason::unparseable(
                    format!("the resource policy of function {name}"),
                    e,
                ));
            }
        },
    };
    if !public.is_empty() {
        let grants: Vec<String> = public
            .iter()
            .map(|g| format!("{}: {}", g.statement, g.why))
            .collect();
        return Judged::Exposed(
            format!(
                "its resource policy lets anyone invoke it directly ({})",
                grants.join("; ")
            ),
            "Lambda resource policy",
        );
    }
    let urls = match &f.urls {
        Collected::Failed(e) => return Judged::NotAssessed(Reason::collection(e)),
        Collected::Ok(u) => u,
    };
    if let Some(u) = urls.iter().find(|u| u.auth_type == "NONE") {
        return Judged::Exposed(
            format!(
                "its function URL {} has AuthType NONE: requests need no signature, only the resource policy stands between the URL and the internet",
                u.url
            ),
            "Lambda function URL",
        );
    }
    Judged::Private(
        "only the principals its resource policy names can invoke it, and it has no function URL without authentication".into(),
        "Lambda resource policy and function URLs",
    )
}

/// An S3 store bucket: public by its policy (unless RestrictPublicBuckets or an RCP stops it) or
/// by its ACL (unless IgnorePublicAcls), as the S3 bucket checks judge it.
fn judge_bucket(ctx: &Context, region: &At<RegionInventory>, name: &str) -> Judged {
    if name.contains('{') {
        return Judged::NotAssessed(Reason::undecidable(format!(
            "the bucket is named by a request parameter ({name}), so any bucket the integration's role reaches may be the store"
        )));
    }
    let s3 = match &region.account.s3 {
        Collected::Failed(e) => return Judged::NotAssessed(Reason::collection(e)),
        Collected::Ok(s3) => s3,
    };
    let buckets = match &s3.buckets {
        Collected::Failed(e) => return Judged::NotAssessed(Reason::collection(e)),
        Collected::Ok(b) => b,
    };
    let Some(b) = buckets.iter().find(|b| b.name == name) else {
        return Judged::NotAssessed(Reason::outside_scan(format!(
            "bucket {name} is not among this account's buckets: it may belong to another account"
        )));
    };
    let exposure = effective_exposure(s3, b);
    let policy = match bucket_policy(b) {
        Ok(p) => p,
        Err(reason) => return Judged::NotAssessed(reason),
    };
    let grants = policy
        .as_ref()
        .map(|p| grants_public_access(p, None))
        .unwrap_or_default();
    let acl_public = match &b.acl_grants {
        Collected::Failed(e) => return Judged::NotAssessed(Reason::collection(e)),
        Collected::Ok(g) => public_acl_grants(g).next().is_some(),
    };
    if grants.is_empty() && !acl_public {
        return Judged::Private(
            format!("bucket {name} is not public ({exposure})"),
            "S3 bucket policy and ACL",
        );
    }
    let bpa = match effective_bpa(s3, b) {
        Ok(x) => x,
        Err(reason) => return Judged::NotAssessed(reason),
    };
    let policy_open = !grants.is_empty() && !bpa.settings.restrict_public_buckets && {
        let confined = policy.as_ref().is_some_and(|p| {
            account_rcps(
                ctx.organization,
                region.account_id(),
                p,
                grants.iter().map(|g| g.statement.as_str()),
                &Attached::bucket(&bucket_arn(region.partition(), name), b.tags.as_ref()),
                ctx.boundary(),
            )
            .confines_all()
        });
        !confined
    };
    let acl_open = acl_public && !bpa.settings.ignore_public_acls;
    if policy_open || acl_open {
        Judged::Exposed(
            format!("bucket {name} is public ({exposure})"),
            "S3 bucket policy, ACL, Block Public Access and RCPs",
        )
    } else {
        Judged::Private(
            format!(
                "bucket {name} is not public: Block Public Access or an RCP stops what its policy or ACL grants ({exposure})"
            ),
            "S3 Block Public Access and RCPs",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{
        BasePathMapping, Collected, FunctionUrl, HttpRoute, MethodIntegration, PublicAccessBlock,
    };

    fn function_arn(name: &str) -> String {
        format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}")
    }

    fn invocation(name: &str) -> String {
        format!(
            "arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{}/invocations",
            function_arn(name)
        )
    }

    const PUBLIC_INVOKE: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"open","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*"}]}"#;
    const API_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"apigw","Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:execute-api:us-east-1:111111111111:h1/*/*/orders"}}}]}"#;

    fn route(id: &str, key: &str, integration: &str) -> HttpRoute {
        HttpRoute {
            route_id: id.into(),
            route_key: key.into(),
            authorization_type: Some("NONE".into()),
            authorizer_id: None,
            target: Some(format!("integrations/{integration}")),
        }
    }

    /// domain → HTTP API → each kind of integration.
    fn http_path() -> crate::inventory::Inventory {
        let mut inv = base_inventory();
        let mut public = lambda_function("public", "python3.12");
        public.policy = Collected::Ok(Some(PUBLIC_INVOKE.into()));
        let mut private = lambda_function("private", "python3.12");
        private.policy = Collected::Ok(Some(API_ONLY.into()));
        let mut url = lambda_function("url", "python3.12");
        url.policy = Collected::Ok(Some(API_ONLY.into()));
        url.urls = Collected::Ok(vec![FunctionUrl {
            url: "https://abc.lambda-url.us-east-1.on.aws/".into(),
            auth_type: "NONE".into(),
        }]);
        let mut unread = lambda_function("unread", "python3.12");
        unread.policy = Collected::Failed(denied("GetPolicy"));
        lambda_mut(&mut inv).functions = vec![public, private, url, unread];
        let mut api = http_api("h1", &[], true);
        api.routes = Collected::Ok(vec![
            route("r1", "GET /orders", "i1"),
            route("r2", "$default", "i2"),
            route("r3", "ANY /legacy", "i3"),
            route("r4", "ANY /internal", "i4"),
            route("r6", "POST /queue", "i6"),
            route("r7", "GET /url", "i7"),
            route("r8", "GET /unread", "i8"),
        ]);
        let mut vpc = http_integration(
            "i4",
            "HTTP_PROXY",
            "arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/internal/1/2",
        );
        vpc.connection_type = Some("VPC_LINK".into());
        vpc.connection_id = Some("vl-1".into());
        let mut sqs = http_integration("i6", "AWS_PROXY", "");
        sqs.integration_uri = None;
        sqs.integration_subtype = Some("SQS-SendMessage".into());
        api.integrations = Collected::Ok(vec![
            http_integration("i1", "AWS_PROXY", &function_arn("public")),
            http_integration("i2", "AWS_PROXY", &invocation("private")),
            http_integration("i3", "HTTP_PROXY", "https://backend.example.com/{proxy}"),
            vpc,
            // No route targets it: not on the path.
            http_integration("i5", "AWS_PROXY", &function_arn("public")),
            sqs,
            http_integration("i7", "AWS_PROXY", &function_arn("url")),
            http_integration("i8", "AWS_PROXY", &function_arn("unread")),
        ]);
        let v2 = apigwv2_mut(&mut inv);
        v2.apis = vec![api];
        v2.domain_names = vec![http_domain("api.example.com", &[("h1", "orders")])];
        inv
    }

    #[test]
    fn every_hop_of_an_http_api_path() {
        let inv = http_path();
        use Status::*;
        assert_statuses(
            &inv,
            CHECK.id,
            &[Fail, Pass, Fail, Pass, NotAssessed, Fail, NotAssessed],
        );
        let r = results(&inv, CHECK.id);
        assert_eq!(
            r[0].resource,
            "arn:aws:apigateway:us-east-1::/apis/h1/integrations/i1"
        );
        assert_result(
            &r[0],
            Fail,
            &[
                "custom domain api.example.com/orders (stage prod)",
                "HTTP API h1",
                "route GET /orders",
                "integration i1 AWS_PROXY",
                "Lambda function arn:aws:lambda:us-east-1:111111111111:function:public",
                "lets anyone invoke it",
                "bypass",
            ],
        );
        assert_evidence_value(&r[0], "Lambda resource policy");
        assert_result(&r[2], Fail, &["https://backend.example.com", "INTERNET"]);
        assert_result(&r[3], Pass, &["VPC link vl-1"]);
        assert_result(&r[4], NotAssessed, &["SQS-SendMessage"]);
        assert_result(&r[5], Fail, &["AuthType NONE"]);
        assert_evidence_value(&r[5], "Lambda function URL");
        assert_result(&r[6], NotAssessed, &["GetPolicy"]);
        assert!(
            r[6].evidence
                .iter()
                .any(|e| e.path == "path" && e.value.contains("api.example.com"))
        );
    }

    #[test]
    fn what_could_not_be_read_is_not_assessed() {
        let mut inv = http_path();
        apigwv2_mut(&mut inv).apis[0].integrations = Collected::Failed(denied("GetIntegrations"));
        let r = results(&inv, CHECK.id);
        assert_eq!(r.len(), 1);
        assert_result(&r[0], Status::NotAssessed, &["GetIntegrations"]);
        assert_eq!(r[0].resource, "arn:aws:apigateway:us-east-1::/apis/h1");

        let mut inv = http_path();
        apigwv2_mut(&mut inv).domain_names[0].api_mappings =
            Collected::Failed(denied("GetApiMappings"));
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);

        let mut inv = http_path();
        region_mut(&mut inv).lambda = Collected::Failed(denied("ListFunctions"));
        let r = results(&inv, CHECK.id);
        assert!(
            r.iter()
                .filter(|r| r.message.contains("ListFunctions"))
                .count()
                == 4
        );
        assert!(
            r.iter()
                .all(|r| r.status != Status::Pass || r.message.contains("VPC link"))
        );

        let mut inv = http_path();
        apigwv2_mut(&mut inv).domain_names = vec![http_domain("idle.example.com", &[])];
        assert_statuses(&inv, CHECK.id, &[Status::NotApplicable]);
    }

    fn s3_method(
        verb: &str,
        integration_type: &str,
        uri: Option<&str>,
    ) -> crate::inventory::ApiMethod {
        crate::inventory::ApiMethod {
            http_method: verb.into(),
            authorization_type: Some("AWS_IAM".into()),
            authorizer_id: None,
            api_key_required: false,
            integration: Collected::Ok(Some(MethodIntegration {
                integration_type: Some(integration_type.into()),
                uri: uri.map(str::to_string),
                connection_type: None,
                connection_id: None,
                credentials: Some(format!("arn:aws:iam::{ACCOUNT}:role/store")),
            })),
        }
    }

    /// domain → REST API → S3 store buckets, with the same mapping listed by both API Gateway
    /// versions counted once.
    #[test]
    fn rest_api_store_buckets() {
        let public_read = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Pub","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::open-store/*"}]}"#;
        let mut open = bucket_with_policy("open-store", public_read);
        open.public_access_block = Collected::Ok(None);
        let mut inv = inventory_with_buckets(vec![open, bucket("store"), {
            let mut b = bucket_with_policy("guarded-store", public_read);
            b.public_access_block = Collected::Ok(Some(PublicAccessBlock {
                restrict_public_buckets: true,
                ..Default::default()
            }));
            b
        }]);
        let mut api = rest_api("r1", &[]);
        if let Collected::Ok(resources) = &mut api.resources {
            resources[0].methods = vec![
                s3_method(
                    "GET",
                    "AWS",
                    Some("arn:aws:apigateway:us-east-1:s3:path/open-store/{key}"),
                ),
                s3_method(
                    "PUT",
                    "AWS",
                    Some("arn:aws:apigateway:us-east-1:s3:path/store/{key}"),
                ),
                s3_method("POST", "MOCK", None),
                s3_method(
                    "PATCH",
                    "AWS",
                    Some(
                        "arn:aws:apigateway:us-east-1:s3:action/GetObject&Bucket=guarded-store&Key=k",
                    ),
                ),
                s3_method(
                    "DELETE",
                    "AWS",
                    Some("arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}"),
                ),
            ];
        }
        let mut d = domain_name(
            "rest.example.com",
            "arn:aws:acm:us-east-1:111111111111:certificate/c",
            Some("TLS_1_2"),
        );
        d.base_path_mappings = Collected::Ok(vec![BasePathMapping {
            base_path: Some("(none)".into()),
            rest_api_id: Some("r1".into()),
            stage: Some("prod".into()),
        }]);
        let gw = apigw_mut(&mut inv);
        gw.rest_apis = vec![api];
        gw.domain_names = vec![d];
        // API Gateway v2 lists the same domain and mapping.
        apigwv2_mut(&mut inv).domain_names = vec![http_domain("rest.example.com", &[("r1", "")])];
        use Status::*;
        assert_statuses(
            &inv,
            CHECK.id,
            &[Fail, Pass, NotApplicable, Pass, NotAssessed],
        );
        let r = results(&inv, CHECK.id);
        assert_eq!(
            r[0].resource,
            "arn:aws:apigateway:us-east-1::/restapis/r1/resources/r1/methods/GET"
        );
        assert_result(
            &r[0],
            Fail,
            &[
                "custom domain rest.example.com/ (stage prod)",
                "REST API r1",
                "method GET /items",
                "S3 bucket open-store",
                "policy: PUBLIC",
            ],
        );
        assert_result(&r[3], Pass, &["RestrictPublicBuckets"]);
        assert_result(&r[4], NotAssessed, &["request parameter"]);
    }
}
