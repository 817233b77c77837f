//! AWS Config, per region: the customer managed configuration recorder
//! (DescribeConfigurationRecorders), its status (DescribeConfigurationRecorderStatus), the
//! delivery channels (DescribeDeliveryChannels) and the configuration aggregators
//! (DescribeConfigurationAggregators, paginated). No recorder is an answer ("Config is off
//! here"), not an error.

use aws_sdk_config::Client;

use super::util::paginate;
use crate::aws::collection_error;
use crate::inventory::*;

pub async fn collect(client: &Client, region: &str) -> Collected<Config> {
    let r = Some(region);
    let recorders = async {
        client
            .describe_configuration_recorders()
            .send()
            .await
            .map(|out| {
                out.configuration_recorders()
                    .iter()
                    .map(|c| ConfigRecorder {
                        name: c.name().unwrap_or_default().to_string(),
                        arn: c.arn().map(str::to_string),
                        role_arn: c.role_arn().map(str::to_string),
                        recording_group: c.recording_group().map(|g| RecordingGroup {
                            all_supported: g.all_supported(),
                            include_global_resource_types: g.include_global_resource_types(),
                            resource_types: g
                                .resource_types()
                                .iter()
                                .map(|t| t.as_str().to_string())
                                .collect(),
                            exclusions: g
                                .exclusion_by_resource_types()
                                .map(|e| {
                                    e.resource_types()
                                        .iter()
                                        .map(|t| t.as_str().to_string())
                                        .collect()
                                })
                                .unwrap_or_default(),
                            strategy: g
                                .recording_strategy()
                                .and_then(|s| s.use_only())
                                .map(|u| u.as_str().to_string()),
                        }),
                        recording_scope: c.recording_scope().map(|s| s.as_str().to_string()),
                    })
                    .collect::<Vec<_>>()
            })
            .map_err(|e| collection_error("config", "DescribeConfigurationRecorders", r, None, &e))
    };
    let statuses = async {
        client
            .describe_configuration_recorder_status()
            .send()
            .await
            .map(|out| {
                out.configuration_recorders_status()
                    .iter()
                    .map(|s| ConfigRecorderStatus {
                        name: s.name().unwrap_or_default().to_string(),
                        recording: s.recording(),
                        last_status: s.last_status().map(|v| v.as_str().to_string()),
                        last_error_code: s.last_error_code().map(str::to_string),
                        last_error_message: s.last_error_message().map(str::to_string),
                    })
                    .collect::<Vec<_>>()
            })
            .map_err(|e| {
                collection_error("config", "DescribeConfigurationRecorderStatus", r, None, &e)
            })
    };
    let channels = async {
        client
            .describe_delivery_channels()
            .send()
            .await
            .map(|out| {
                out.delivery_channels()
                    .iter()
                    .map(|d| ConfigDeliveryChannel {
                        name: d.name().unwrap_or_default().to_string(),
                        s3_bucket_name: d.s3_bucket_name().map(str::to_string),
                        s3_key_prefix: d.s3_key_prefix().map(str::to_string),
                        s3_kms_key_arn: d.s3_kms_key_arn().map(str::to_string),
                        sns_topic_arn: d.sns_topic_arn().map(str::to_string),
                    })
                    .collect::<Vec<_>>()
            })
            .map_err(|e| collection_error("config", "DescribeDeliveryChannels", r, None, &e))
    };
    let aggregators = async {
        let mut out = Vec::new();
        paginate!(
            client.describe_configuration_aggregators(),
            "config",
            "DescribeConfigurationAggregators",
            r,
            |page| {
                out.extend(page.configuration_aggregators().iter().map(|a| {
                    ConfigAggregator {
                        name: a
                            .configuration_aggregator_name()
                            .unwrap_or_default()
                            .to_string(),
                        arn: a.configuration_aggregator_arn().map(str::to_string),
                        organization_source: a.organization_aggregation_source().map(|o| {
                            AggregationRegions {
                                all_aws_regions: o.all_aws_regions(),
                                aws_regions: o.aws_regions().to_vec(),
                                account_ids: vec![],
                            }
                        }),
                        account_sources: a
                            .account_aggregation_sources()
                            .iter()
                            .map(|s| AggregationRegions {
                                all_aws_regions: s.all_aws_regions(),
                                aws_regions: s.aws_regions().to_vec(),
                                account_ids: s.account_ids().to_vec(),
                            })
                            .collect(),
                    }
                }));
            }
        )
        .map(|()| out)
    };
    let (recorders, statuses, channels, aggregators) =
        tokio::join!(recorders, statuses, channels, aggregators);
    match recorders {
        Ok(recorders) => Collected::Ok(Config {
            recorders,
            recorder_statuses: statuses.into(),
            delivery_channels: channels.into(),
            aggregators: aggregators.into(),
        }),
        Err(e) => Collected::Failed(e),
    }
}

/// EBS encryption by default in the client's region (GetEbsEncryptionByDefault).
pub async fn ebs_encryption(
    client: &aws_sdk_ec2::Client,
    region: &str,
) -> Collected<EbsEncryptionDefault> {
    let out = match client.get_ebs_encryption_by_default().send().await {
        Ok(out) => out,
        Err(e) => {
            return Collected::Failed(collection_error(
                "ec2",
                "GetEbsEncryptionByDefault",
                Some(region),
                None,
                &e,
            ));
        }
    };
    match out.ebs_encryption_by_default() {
        Some(enabled) => Collected::Ok(EbsEncryptionDefault {
            enabled,
            sse_type: out.sse_type().map(|t| t.as_str().to_string()),
        }),
        None => Collected::Failed(CollectionError {
            region: Some(region.to_string()),
            ..CollectionError::not_read(
                "ec2",
                "GetEbsEncryptionByDefault",
                "the answer has no ebsEncryptionByDefault",
            )
        }),
    }
}

/// The account's SECURITY alternate contact; `None` when none is set: AWS answers
/// ResourceNotFoundException ("No contact of the inputted alternate contact type found.").
pub async fn security_contact(
    client: &aws_sdk_account::Client,
) -> Collected<Option<AlternateContact>> {
    use aws_sdk_account::types::AlternateContactType;
    match client
        .get_alternate_contact()
        .alternate_contact_type(AlternateContactType::Security)
        .send()
        .await
    {
        Ok(out) => Collected::Ok(out.alternate_contact().map(|c| {
            AlternateContact {
                contact_type: c
                    .alternate_contact_type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_else(|| "SECURITY".to_string()),
                name: c.name().map(str::to_string),
                title: c.title().map(str::to_string),
                has_email: c.email_address().is_some_and(|e| !e.is_empty()),
            }
        })),
        Err(e) if super::util::error_code(&e) == Some("ResourceNotFoundException") => {
            Collected::Ok(None)
        }
        Err(e) => Collected::Failed(collection_error(
            "account",
            "GetAlternateContact",
            None,
            None,
            &e,
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::aws::fake::{FakeAws, Reply};
    use crate::inventory::Collected;

    fn target(req: &crate::aws::fake::Seen) -> String {
        req.operation().to_string()
    }

    /// Element names as the Config API reference and the SDK model spell them (camelCase in the
    /// recorder, PascalCase in the aggregator), the aggregator list followed page by page.
    #[test]
    fn recorder_status_channels_and_aggregators() {
        let fake = FakeAws::new(|req| {
            let body = match target(req).as_str() {
                "DescribeConfigurationRecorders" => r#"{"ConfigurationRecorders":[{"arn":"arn:aws:config:eu-west-1:111111111111:configuration-recorder/default/abcd","name":"default","roleARN":"arn:aws:iam::111111111111:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig","recordingGroup":{"allSupported":false,"includeGlobalResourceTypes":false,"resourceTypes":[],"exclusionByResourceTypes":{"resourceTypes":["AWS::EC2::Instance"]},"recordingStrategy":{"useOnly":"EXCLUSION_BY_RESOURCE_TYPES"}},"recordingMode":{"recordingFrequency":"CONTINUOUS"},"recordingScope":"PAID"}]}"#.to_string(),
                "DescribeConfigurationRecorderStatus" => r#"{"ConfigurationRecordersStatus":[{"arn":"arn:aws:config:eu-west-1:111111111111:configuration-recorder/default/abcd","name":"default","lastStartTime":1.7E9,"recording":true,"lastStatus":"Failure","lastErrorCode":"NoSuchBucketException","lastErrorMessage":"The specified bucket does not exist.","lastStatusChangeTime":1.7E9}]}"#.to_string(),
                "DescribeDeliveryChannels" => r#"{"DeliveryChannels":[{"name":"default","s3BucketName":"org-config-222222222222","s3KeyPrefix":"config","configSnapshotDeliveryProperties":{"deliveryFrequency":"TwentyFour_Hours"}}]}"#.to_string(),
                "DescribeConfigurationAggregators" if !req.body.contains("NextToken") => r#"{"ConfigurationAggregators":[{"ConfigurationAggregatorName":"accounts","ConfigurationAggregatorArn":"arn:aws:config:eu-west-1:111111111111:config-aggregator/config-aggregator-1","AccountAggregationSources":[{"AccountIds":["333333333333"],"AllAwsRegions":false,"AwsRegions":["eu-west-1"]}],"CreationTime":1.7E9}],"NextToken":"page2"}"#.to_string(),
                "DescribeConfigurationAggregators" => r#"{"ConfigurationAggregators":[{"ConfigurationAggregatorName":"organization","ConfigurationAggregatorArn":"arn:aws:config:eu-west-1:111111111111:config-aggregator/config-aggregator-2","OrganizationAggregationSource":{"RoleArn":"arn:aws:iam::111111111111:role/ConfigAggregator","AllAwsRegions":true},"CreationTime":1.7E9}]}"#.to_string(),
                other => panic!("unexpected {other}"),
            };
            Reply::new(200, body).header("content-type", "application/x-amz-json-1.1")
        });
        let client = aws_sdk_config::Client::new(&fake.config("eu-west-1"));
        let c = tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(super::collect(&client, "eu-west-1"));
        let Collected::Ok(c) = c else { panic!("{c:?}") };
        let rec = &c.recorders[0];
        assert_eq!(rec.name, "default");
        assert!(rec.arn.as_deref().unwrap().ends_with("/default/abcd"));
        let g = rec.recording_group.as_ref().unwrap();
        assert_eq!(g.exclusions, ["AWS::EC2::Instance"]);
        assert_eq!(g.strategy.as_deref(), Some("EXCLUSION_BY_RESOURCE_TYPES"));
        assert_eq!(rec.recording_scope.as_deref(), Some("PAID"));
        let Collected::Ok(s) = &c.recorder_statuses else {
            panic!()
        };
        assert!(s[0].recording);
        assert_eq!(s[0].last_status.as_deref(), Some("Failure"));
        assert_eq!(
            s[0].last_error_code.as_deref(),
            Some("NoSuchBucketException")
        );
        let Collected::Ok(d) = &c.delivery_channels else {
            panic!()
        };
        assert_eq!(
            d[0].s3_bucket_name.as_deref(),
            Some("org-config-222222222222")
        );
        let Collected::Ok(a) = &c.aggregators else {
            panic!()
        };
        assert_eq!(a.len(), 2, "both pages");
        assert_eq!(a[0].account_sources[0].account_ids, ["333333333333"]);
        assert!(a[1].organization_source.as_ref().unwrap().all_aws_regions);
    }

    /// AccessDenied on the recorders fails the region's Config; on the aggregators only them.
    #[test]
    fn failures_are_recorded_where_they_happen() {
        for (denied_op, whole) in [
            ("DescribeConfigurationRecorders", true),
            ("DescribeConfigurationAggregators", false),
        ] {
            let fake = FakeAws::new(move |req| {
                let op = target(req);
                if op == denied_op {
                    return Reply::json_error(
                        400,
                        "AccessDeniedException",
                        "User: arn:aws:sts::111111111111:assumed-role/PostureReadOnly/posture is not authorized to perform: config:DescribeConfigurationAggregators",
                    );
                }
                let body = match op.as_str() {
                    "DescribeConfigurationRecorders" => r#"{"ConfigurationRecorders":[]}"#,
                    "DescribeConfigurationRecorderStatus" => {
                        r#"{"ConfigurationRecordersStatus":[]}"#
                    }
                    "DescribeDeliveryChannels" => r#"{"DeliveryChannels":[]}"#,
                    _ => r#"{"ConfigurationAggregators":[]}"#,
                };
                Reply::new(200, body).header("content-type", "application/x-amz-json-1.1")
            });
            let client = aws_sdk_config::Client::new(&fake.config("eu-west-1"));
            let c = tokio::runtime::Runtime::new()
                .unwrap()
                .block_on(super::collect(&client, "eu-west-1"));
            match (c, whole) {
                (Collected::Failed(e), true) => {
                    assert_eq!(e.operation, denied_op);
                    assert_eq!(e.kind, crate::inventory::ErrorKind::AccessDenied);
                }
                (Collected::Ok(c), false) => {
                    assert!(c.recorders.is_empty());
                    assert_eq!(c.aggregators.error().unwrap().operation, denied_op);
                }
                (c, _) => panic!("{denied_op}: {c:?}"),
            }
        }
    }

    /// GetAlternateContact: set; ResourceNotFoundException = not set; AccessDenied = failed.
    #[test]
    fn security_contact() {
        for (reply, want) in [
            (
                Reply::new(200, r#"{"AlternateContact":{"AlternateContactType":"SECURITY","EmailAddress":"security@example.com","Name":"Security team","PhoneNumber":"+1-555-0100","Title":"SOC"}}"#)
                    .header("content-type", "application/json"),
                "set",
            ),
            (
                Reply::new(404, r#"{"message":"No contact of the inputted alternate contact type found."}"#)
                    .header("content-type", "application/json")
                    .header("x-amzn-errortype", "ResourceNotFoundException"),
                "none",
            ),
            (
                Reply::new(403, r#"{"message":"User is not authorized to perform: account:GetAlternateContact"}"#)
                    .header("content-type", "application/json")
                    .header("x-amzn-errortype", "AccessDeniedException"),
                "failed",
            ),
        ] {
            let fake = FakeAws::new(move |req| {
                assert!(req.uri.ends_with("/getAlternateContact"), "{}", req.uri);
                assert!(req.body.contains("\"AlternateContactType\":\"SECURITY\""), "{}", req.body);
                reply.clone()
            });
            let client = aws_sdk_account::Client::new(&fake.config("us-east-1"));
            let c = tokio::runtime::Runtime::new()
                .unwrap()
                .block_on(super::security_contact(&client));
            match (want, &c) {
                ("set", Collected::Ok(Some(c))) => {
                    assert_eq!(c.contact_type, "SECURITY");
                    assert_eq!(c.name.as_deref(), Some("Security team"));
                    assert!(c.has_email);
                }
                ("none", Collected::Ok(None)) => {}
                ("failed", Collected::Failed(e)) => {
                    assert_eq!(e.kind, crate::inventory::ErrorKind::AccessDenied);
                }
                _ => panic!("{want}: {c:?}"),
            }
        }
    }

    /// GetEbsEncryptionByDefault, as the EC2 API reference shows it.
    #[test]
    fn ebs_encryption_by_default() {
        let fake = FakeAws::new(|req| {
            assert_eq!(req.action(), "GetEbsEncryptionByDefault");
            Reply::xml(
                r#"<GetEbsEncryptionByDefaultResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>5fd6e4d4-8f8b-4a0a-9d64-example</requestId><ebsEncryptionByDefault>true</ebsEncryptionByDefault><sseType>sse-kms</sseType></GetEbsEncryptionByDefaultResponse>"#,
            )
        });
        let client = aws_sdk_ec2::Client::new(&fake.config("eu-west-1"));
        let e = tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(super::ebs_encryption(&client, "eu-west-1"));
        let Collected::Ok(e) = e else { panic!("{e:?}") };
        assert!(e.enabled);
        assert_eq!(e.sse_type.as_deref(), Some("sse-kms"));
    }
}
