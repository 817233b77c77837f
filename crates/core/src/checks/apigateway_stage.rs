//! REST API stage settings: logging, WAF, tracing, client certificate, cache encryption.

use super::{CheckDef, CheckResult, Context, Input, Results, account_resource};
use crate::inventory::Stage;

/// A judgement of one stage: `Some(true)` pass, `Some(false)` fail, `None` not applicable; with
/// the sentence and the evidence.
type Judge = fn(&Stage) -> (Option<bool>, String, (&'static str, String));

pub const EXECUTION_LOGGING: CheckDef = CheckDef {
    id: "apigateway-stage-execution-logging",
    input: Input::OneAccount,
    evaluate: |ctx| {
        per_stage(ctx, "apigateway-stage-execution-logging", |s| {
            let level = s
                .method_settings
                .get("*/*")
                .and_then(|m| m.logging_level.clone());
            let on = matches!(level.as_deref(), Some("ERROR") | Some("INFO"));
            (
                Some(on),
                if on {
                    "execution logging is on".into()
                } else {
                    "execution logging is off".into()
                },
                (
                    "methodSettings.*/*.loggingLevel",
                    level.unwrap_or_else(|| "OFF (unset)".into()),
                ),
            )
        })
    },
};

pub const ACCESS_LOGGING: CheckDef = CheckDef {
    id: "apigateway-stage-access-logging",
    input: Input::OneAccount,
    evaluate: |ctx| {
        per_stage(ctx, "apigateway-stage-access-logging", |s| {
            let d = s.access_log_destination.clone();
            (
                Some(d.is_some()),
                if d.is_some() {
                    "access logs are delivered".into()
                } else {
                    "no access log destination".into()
                },
                (
                    "accessLogSettings.destinationArn",
                    d.unwrap_or_else(|| "none".into()),
                ),
            )
        })
    },
};

pub const WAF: CheckDef = CheckDef {
    id: "apigateway-stage-waf",
    input: Input::OneAccount,
    evaluate: |ctx| {
        per_stage(ctx, "apigateway-stage-waf", |s| {
            let w = s.web_acl_arn.clone();
            (
                Some(w.is_some()),
                if w.is_some() {
                    "an AWS WAF web ACL protects the stage".into()
                } else {
                    "no AWS WAF web ACL is associated".into()
                },
                ("webAclArn", w.unwrap_or_else(|| "none".into())),
            )
        })
    },
};

pub const TRACING: CheckDef = CheckDef {
    id: "apigateway-stage-tracing",
    input: Input::OneAccount,
    evaluate: |ctx| {
        per_stage(ctx, "apigateway-stage-tracing", |s| {
            (
                Some(s.tracing_enabled),
                if s.tracing_enabled {
                    "X-Ray tracing is on".into()
                } else {
                    "X-Ray tracing is off".into()
                },
                ("tracingEnabled", s.tracing_enabled.to_string()),
            )
        })
    },
};

pub const CLIENT_CERTIFICATE: CheckDef = CheckDef {
    id: "apigateway-stage-client-certificate",
    input: Input::OneAccount,
    evaluate: |ctx| {
        per_stage(ctx, "apigateway-stage-client-certificate", |s| {
            let c = s.client_certificate_id.clone();
            (
                Some(c.is_some()),
                if c.is_some() {
                    "back ends can authenticate API Gateway with a client certificate".into()
                } else {
                    "no client certificate for back-end authentication".into()
                },
                ("clientCertificateId", c.unwrap_or_else(|| "none".into())),
            )
        })
    },
};

pub const CACHE_ENCRYPTED: CheckDef = CheckDef {
    id: "apigateway-stage-cache-encrypted",
    input: Input::OneAccount,
    evaluate: |ctx| {
        per_stage(ctx, "apigateway-stage-cache-encrypted", |s| {
            if !s.cache_cluster_enabled {
                return (
                    None,
                    "the stage has no cache".into(),
                    ("cacheClusterEnabled", "false".into()),
                );
            }
            let enc = s
                .method_settings
                .get("*/*")
                .is_some_and(|m| m.cache_data_encrypted);
            (
                Some(enc),
                if enc {
                    "cached responses are encrypted".into()
                } else {
                    "the cache holds responses unencrypted".into()
                },
                ("methodSettings.*/*.cacheDataEncrypted", enc.to_string()),
            )
        })
    },
};

fn per_stage(ctx: &Context, check: &'static str, judge: Judge) -> Vec<CheckResult> {
    let mut out = Results::new(check);
    for (acct, region, data) in out.regions(ctx) {
        let id = &acct.account_id;
        let Some(gw) = out.collected(&data.apigateway, id, Some(region), &account_resource(id))
        else {
            continue;
        };
        for api in &gw.rest_apis {
            let api_arn = format!(
                "arn:{}:apigateway:{region}::/restapis/{}",
                ctx.partition(),
                api.id
            );
            let Some(stages) = out.collected(&api.stages, id, Some(region), &api_arn) else {
                continue;
            };
            for s in stages {
                let arn = format!("{api_arn}/stages/{}", s.name);
                let (verdict, msg, (path, value)) = judge(s);
                let msg = format!(
                    "stage {} of API {}: {msg}",
                    s.name,
                    api.name.as_deref().unwrap_or(&api.id)
                );
                match verdict {
                    Some(true) => out.pass(id, Some(region), &arn, msg),
                    Some(false) => out.fail(id, Some(region), &arn, msg),
                    None => out.not_applicable(id, Some(region), &arn, msg),
                };
                out.evidence(path, value);
            }
        }
    }
    out.items
}

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
