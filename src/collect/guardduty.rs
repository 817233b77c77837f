//! GuardDuty, per Region: the account's detector (ListDetectors, GetDetector) and, in the
//! account Organizations lists as GuardDuty's delegated administrator, the organization view
//! of that detector (DescribeOrganizationConfiguration, ListMembers).
//!
//! No detector is an answer ("GuardDuty is off here"), not a failure: ListDetectors succeeds
//! with an empty list. Every failed call is a `CollectionError` on what it would have read.

use aws_sdk_guardduty::Client;

use super::util::paginate;
use crate::aws::collection_error;
use crate::inventory::*;

/// GuardDuty in `region`; `administrator`: this account is GuardDuty's delegated
/// administrator (the organization view is read only there).
pub async fn collect(client: &Client, region: &str, administrator: bool) -> Collected<GuardDuty> {
    let r = Some(region);
    let mut ids: Vec<String> = Vec::new();
    let pages = paginate!(
        client.list_detectors(),
        "guardduty",
        "ListDetectors",
        r,
        |page| {
            ids.extend(page.detector_ids().iter().cloned());
        }
    );
    if let Err(e) = pages {
        return Collected::Failed(e);
    }
    // An account has at most one detector per Region.
    let Some(detector_id) = ids.into_iter().next() else {
        return Collected::Ok(GuardDuty::default());
    };
    let (details, organization) = tokio::join!(details(client, r, &detector_id), async {
        if administrator {
            Some(org_view(client, r, &detector_id).await)
        } else {
            None
        }
    });
    Collected::Ok(GuardDuty {
        detector: Some(GuardDutyDetector {
            detector_id,
            details,
            organization,
        }),
    })
}

// `DataSources` is deprecated in favour of `Features`; it is read only as S3 Protection's
// fallback when the detector lists no features (emulators, older responses).
#[allow(deprecated)]
async fn details(client: &Client, r: Option<&str>, id: &str) -> Collected<DetectorDetails> {
    match client.get_detector().detector_id(id).send().await {
        Ok(out) => Collected::Ok(DetectorDetails {
            status: out.status().map(|s| s.as_str().to_string()),
            features: out
                .features()
                .iter()
                .filter_map(|f| {
                    Some(DetectorFeature {
                        name: f.name()?.as_str().to_string(),
                        status: f.status().map(|s| s.as_str().to_string()),
                        additional_configuration: f
                            .additional_configuration()
                            .iter()
                            .filter_map(|c| {
                                Some(FeatureSetting {
                                    name: c.name()?.as_str().to_string(),
                                    value: c.status().map(|s| s.as_str().to_string()),
                                })
                            })
                            .collect(),
                    })
                })
                .collect(),
            s3_logs: out
                .data_sources()
                .and_then(|d| d.s3_logs())
                .and_then(|s| s.status())
                .map(|s| s.as_str().to_string()),
            finding_publishing_frequency: out
                .finding_publishing_frequency()
                .map(|f| f.as_str().to_string()),
        }),
        Err(e) => Collected::Failed(collection_error(
            "guardduty",
            "GetDetector",
            r,
            Some(id),
            &e,
        )),
    }
}

async fn org_view(client: &Client, r: Option<&str>, id: &str) -> GuardDutyOrgView {
    let (configuration, members) =
        tokio::join!(org_configuration(client, r, id), members(client, r, id));
    GuardDutyOrgView {
        configuration,
        members,
    }
}

/// DescribeOrganizationConfiguration, every page (the pages list the features).
async fn org_configuration(
    client: &Client,
    r: Option<&str>,
    id: &str,
) -> Collected<GuardDutyOrgConfiguration> {
    let mut conf = GuardDutyOrgConfiguration::default();
    let mut first = true;
    let mut stream = client
        .describe_organization_configuration()
        .detector_id(id)
        .into_paginator()
        .send();
    while let Some(page) = stream.next().await {
        match page {
            Ok(page) => {
                if first {
                    conf.auto_enable_organization_members = page
                        .auto_enable_organization_members()
                        .map(|a| a.as_str().to_string());
                    conf.member_account_limit_reached =
                        page.member_account_limit_reached().unwrap_or(false);
                    first = false;
                }
                conf.features.extend(page.features().iter().filter_map(|f| {
                    Some(OrgFeature {
                        name: f.name()?.as_str().to_string(),
                        auto_enable: f.auto_enable().map(|a| a.as_str().to_string()),
                        additional_configuration: f
                            .additional_configuration()
                            .iter()
                            .filter_map(|c| {
                                Some(FeatureSetting {
                                    name: c.name()?.as_str().to_string(),
                                    value: c.auto_enable().map(|a| a.as_str().to_string()),
                                })
                            })
                            .collect(),
                    })
                }));
            }
            Err(e) => {
                return Collected::Failed(collection_error(
                    "guardduty",
                    "DescribeOrganizationConfiguration",
                    r,
                    Some(id),
                    &e,
                ));
            }
        }
    }
    Collected::Ok(conf)
}

/// ListMembers with `onlyAssociated=false`: every member, whatever its relationship (the
/// default lists only associated ones, which would hide removed and invited accounts).
async fn members(client: &Client, r: Option<&str>, id: &str) -> Collected<Vec<GuardDutyMember>> {
    let mut out = Vec::new();
    let mut stream = client
        .list_members()
        .detector_id(id)
        .only_associated("false")
        .into_paginator()
        .send();
    while let Some(page) = stream.next().await {
        match page {
            Ok(page) => out.extend(page.members().iter().filter_map(|m| {
                Some(GuardDutyMember {
                    account_id: m.account_id()?.to_string(),
                    relationship_status: m.relationship_status().map(str::to_string),
                    detector_id: m.detector_id().map(str::to_string),
                    administrator_id: m.administrator_id().map(str::to_string),
                })
            })),
            Err(e) => {
                return Collected::Failed(collection_error(
                    "guardduty",
                    "ListMembers",
                    r,
                    Some(id),
                    &e,
                ));
            }
        }
    }
    Collected::Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::aws::fake::{FakeAws, Reply};
    use crate::inventory::Collected;

    const DETECTOR: &str = "12abc34d567e8fa901bc2d34e56789f0";

    fn fake() -> FakeAws {
        FakeAws::new(|req| {
            let path = req.uri.split("amazonaws.com").nth(1).unwrap_or("");
            let json =
                |body: &str| Reply::new(200, body).header("content-type", "application/json");
            if path.starts_with("/detector?") || path == "/detector" {
                if path.contains("nextToken=p2") {
                    json(&format!(r#"{{"detectorIds":["{DETECTOR}"]}}"#))
                } else {
                    json(r#"{"detectorIds":[],"nextToken":"p2"}"#)
                }
            } else if path.starts_with(&format!("/detector/{DETECTOR}/admin")) {
                if path.contains("nextToken=f2") {
                    json(
                        r#"{"autoEnableOrganizationMembers":"NEW","memberAccountLimitReached":false,"features":[{"name":"RUNTIME_MONITORING","autoEnable":"NONE","additionalConfiguration":[{"name":"EKS_ADDON_MANAGEMENT","autoEnable":"NONE"}]}]}"#,
                    )
                } else {
                    json(
                        r#"{"autoEnable":true,"autoEnableOrganizationMembers":"NEW","memberAccountLimitReached":false,"dataSources":{"s3Logs":{"autoEnable":true}},"features":[{"name":"S3_DATA_EVENTS","autoEnable":"NEW"}],"nextToken":"f2"}"#,
                    )
                }
            } else if path.starts_with(&format!("/detector/{DETECTOR}/member")) {
                Reply::new(403, r#"{"message":"User is not authorized to perform: guardduty:ListMembers","__type":"AccessDeniedException"}"#)
                    .header("content-type", "application/json")
                    .header("x-amzn-errortype", "AccessDeniedException")
            } else if path.starts_with(&format!("/detector/{DETECTOR}")) {
                json(
                    r#"{"createdAt":"2024-01-10T10:00:00.000Z","findingPublishingFrequency":"SIX_HOURS","serviceRole":"arn:aws:iam::111111111111:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty","status":"ENABLED","updatedAt":"2025-03-01T08:00:00.000Z","dataSources":{"cloudTrail":{"status":"ENABLED"},"dnsLogs":{"status":"ENABLED"},"flowLogs":{"status":"ENABLED"},"s3Logs":{"status":"ENABLED"},"kubernetes":{"auditLogs":{"status":"DISABLED"}}},"tags":{},"features":[{"name":"CLOUD_TRAIL","status":"ENABLED","updatedAt":1704880800},{"name":"S3_DATA_EVENTS","status":"ENABLED","updatedAt":1704880800},{"name":"RUNTIME_MONITORING","status":"ENABLED","updatedAt":1704880800,"additionalConfiguration":[{"name":"EKS_ADDON_MANAGEMENT","status":"ENABLED","updatedAt":1704880800}]}]}"#,
                )
            } else {
                Reply::new(404, r#"{"message":"not found"}"#)
            }
        })
    }

    /// ListDetectors is paged with `nextToken`; GetDetector's features and the older
    /// DataSources are read; in the administrator, the organization configuration's pages are
    /// joined and ListMembers is asked for every member (`onlyAssociated=false`), its
    /// AccessDeniedException recorded on the members alone.
    #[test]
    fn detector_and_organization_view() {
        let fake = fake();
        let client = aws_sdk_guardduty::Client::new(&fake.config("eu-west-1"));
        let rt = tokio::runtime::Runtime::new().unwrap();
        let got = rt.block_on(super::collect(&client, "eu-west-1", true));
        let Collected::Ok(gd) = got else {
            panic!("{got:?}")
        };
        let d = gd.detector.expect("a detector");
        assert_eq!(d.detector_id, DETECTOR);
        let Collected::Ok(details) = &d.details else {
            panic!("{d:?}")
        };
        assert_eq!(details.status.as_deref(), Some("ENABLED"));
        assert_eq!(details.s3_logs.as_deref(), Some("ENABLED"));
        let rm = details.feature("RUNTIME_MONITORING").unwrap();
        assert_eq!(rm.additional_configuration[0].name, "EKS_ADDON_MANAGEMENT");
        let view = d.organization.expect("the administrator's view");
        let Collected::Ok(conf) = &view.configuration else {
            panic!("{view:?}")
        };
        assert_eq!(
            conf.auto_enable_organization_members.as_deref(),
            Some("NEW")
        );
        assert_eq!(conf.features.len(), 2);
        let Collected::Failed(e) = &view.members else {
            panic!("{view:?}")
        };
        assert_eq!(e.operation, "ListMembers");
        assert_eq!(e.kind, crate::inventory::ErrorKind::AccessDenied);
        assert!(
            fake.requests()
                .iter()
                .any(|r| r.uri.contains("/member?") && r.uri.contains("onlyAssociated=false")),
            "{:?}",
            fake.requests()
        );

        // Not the administrator: no organization call.
        let fake = self::fake();
        let client = aws_sdk_guardduty::Client::new(&fake.config("eu-west-1"));
        let got = rt.block_on(super::collect(&client, "eu-west-1", false));
        let Collected::Ok(gd) = got else {
            panic!("{got:?}")
        };
        assert!(gd.detector.unwrap().organization.is_none());
        assert!(
            !fake
                .requests()
                .iter()
                .any(|r| r.uri.contains("/admin") || r.uri.contains("/member"))
        );
    }

    /// No detector: GuardDuty is off, an answer, not a failure.
    #[test]
    fn no_detector_is_off() {
        let fake = FakeAws::new(|_| {
            Reply::new(200, r#"{"detectorIds":[]}"#).header("content-type", "application/json")
        });
        let client = aws_sdk_guardduty::Client::new(&fake.config("us-east-1"));
        let got = tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(super::collect(&client, "us-east-1", true));
        assert_eq!(got, Collected::Ok(crate::inventory::GuardDuty::default()));
        assert_eq!(fake.requests().len(), 1);
    }
}
