//! API Gateway: how stage results are worded, and which certificate a custom domain uses.

use crate::check::{At, CheckResult, Context, Findings, Reason};
use crate::inventory::{DomainName, RestApi, Stage};
use crate::policy::{PublicGrant, grants_public_access, parse};

/// Who a REST API's resource policy lets call `execute-api:Invoke`, as the policy engine
/// answers it (RCPs do not apply to API Gateway, so the resource policy is the only layer).
pub enum PolicyReach {
    /// The API has no resource policy.
    NoPolicy,
    /// No statement grants `execute-api:Invoke` to anyone unpinned: only the accounts,
    /// organization, VPCs, VPC endpoints or narrow address ranges it names get through.
    Restricted,
    /// The statements that let anyone invoke it.
    Public(Vec<PublicGrant>),
    /// The resource policy could not be analysed.
    Unknown(Reason),
}

/// Is the API private (reachable only through interface VPC endpoints of `execute-api`)?
pub fn is_private(api: &RestApi) -> bool {
    api.endpoint_types.iter().any(|t| t == "PRIVATE")
}

pub fn policy_reach(api: &RestApi) -> PolicyReach {
    let Some(text) = &api.policy else {
        return PolicyReach::NoPolicy;
    };
    match parse(text) {
        Err(e) => PolicyReach::Unknown(Reason::unparseable("its resource policy", e)),
        Ok(policy) => {
            let public = grants_public_access(&policy, Some(&["execute-api:Invoke"]));
            if public.is_empty() {
                PolicyReach::Restricted
            } else {
                PolicyReach::Public(public)
            }
        }
    }
}

/// The public grants as evidence: "Statement[0] (Sid \"x\"): why; …".
pub fn describe_grants(grants: &[PublicGrant]) -> String {
    grants
        .iter()
        .map(|g| format!("resource policy {}: {}", g.statement, g.why))
        .collect::<Vec<_>>()
        .join("; ")
}

/// "stage {stage} of API {name or id}: {what}".
pub fn stage_message(api: &RestApi, stage: &Stage, what: &str) -> String {
    format!(
        "stage {} of API {}: {what}",
        stage.name,
        api.name.as_deref().unwrap_or(&api.id)
    )
}

/// Pass when `ok`, fail otherwise, with `said[0]` or `said[1]` (what holds, what does not) in
/// the stage's message.
pub fn stage_verdict<'r>(
    out: &'r mut Findings,
    api: &At<RestApi>,
    stage: &At<Stage>,
    ok: bool,
    [holds, lacks]: [&str; 2],
) -> &'r mut CheckResult {
    let what = if ok { holds } else { lacks };
    out.verdict(stage, ok, stage_message(api, stage, what))
}

/// The stage checks that judge one setting: on every stage, `read` says whether the setting
/// holds and what it is (the evidence at `path`), and [`stage_verdict`] words the result.
pub fn stage_setting<V: ToString>(
    ctx: &Context,
    out: &mut Findings,
    path: &str,
    read: fn(&Stage) -> (bool, V),
    said: [&str; 2],
) {
    for (api, stage) in out.stages(ctx) {
        let (ok, value) = read(&stage);
        stage_verdict(out, &api, &stage, ok, said).with(path, value);
    }
}

/// A setting that holds when it is attached: its value, or `none` as evidence.
pub fn attached(value: &Option<String>) -> (bool, String) {
    (value.is_some(), value.as_deref().unwrap_or("none").into())
}

/// The `*/*` method setting of a stage (the stage-wide default).
pub fn stage_default(stage: &Stage) -> Option<&crate::inventory::MethodSetting> {
    stage.method_settings.get("*/*")
}

/// The ACM certificate a custom domain is served with: the regional one, else the edge one.
pub fn domain_certificate(d: &DomainName) -> Option<&str> {
    d.regional_certificate_arn
        .as_deref()
        .or(d.certificate_arn.as_deref())
}

/// A custom domain security policy that still accepts TLS 1.0 or 1.1: `TLS_1_0` and the enhanced
/// policies with `TLS_1_0`/`TLS_1_1` (or `TLS10`/`TLS11`) in their names. `TLS_1_2` and
/// `SecurityPolicy_TLS13_*` / `*_TLS12_*` require 1.2 or later. The same names serve REST and
/// HTTP APIs.
pub fn allows_old_tls(policy: &str) -> bool {
    let p = policy.to_ascii_uppercase();
    p.contains("TLS_1_0") || p.contains("TLS_1_1") || p.contains("TLS10") || p.contains("TLS11")
}

/// The six stage checks, on one API.
#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, MethodSetting, Stage};

    fn stage(name: &str, good: bool) -> Stage {
        let mut method_settings = std::collections::BTreeMap::new();
        method_settings.insert(
            "*/*".to_string(),
            MethodSetting {
                logging_level: Some(if good { "INFO" } else { "OFF" }.into()),
                caching_enabled: true,
                cache_data_encrypted: good,
            },
        );
        Stage {
            tags: None,
            name: name.into(),
            tracing_enabled: good,
            web_acl_arn: good.then(|| "arn:aws:wafv2:us-east-1:1:regional/webacl/w/1".into()),
            client_certificate_id: good.then(|| "cc1".into()),
            cache_cluster_enabled: true,
            access_log_destination: good.then(|| "arn:aws:logs:us-east-1:1:log-group:g".into()),
            method_settings,
        }
    }

    #[test]
    fn stage_settings() {
        let mut inv = base_inventory();
        let mut api = rest_api("a1", &[]);
        let mut nocache = stage("dev", false);
        nocache.cache_cluster_enabled = false;
        api.stages = Collected::Ok(vec![stage("prod", true), stage("test", false), nocache]);
        apigw_mut(&mut inv).rest_apis = vec![api];
        for check in [
            "apigateway-stage-execution-logging",
            "apigateway-stage-access-logging",
            "apigateway-stage-waf",
            "apigateway-stage-tracing",
            "apigateway-stage-client-certificate",
        ] {
            assert_eq!(
                statuses(&inv, check),
                vec![Status::Pass, Status::Fail, Status::Fail],
                "{check}"
            );
        }
        assert_eq!(
            statuses(&inv, "apigateway-stage-cache-encrypted"),
            vec![Status::Pass, Status::Fail, Status::NotApplicable]
        );
    }
}
