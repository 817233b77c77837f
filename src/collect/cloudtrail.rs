//! CloudTrail, per region: the trails listed there (DescribeTrails with `includeShadowTrails`,
//! one unpaginated answer), and once per trail its status (GetTrailStatus) and, when it has
//! custom selectors, the management events it records (GetEventSelectors). Those two are read
//! in the trail's home region, or in the listing region when the home region is not scanned;
//! the trail's ARN names it, as AWS requires for shadow and organization trails.

use aws_sdk_cloudtrail::Client;
use aws_sdk_cloudtrail::types::{AdvancedEventSelector, EventSelector, ReadWriteType};

use super::util::time;
use crate::aws::collection_error;
use crate::inventory::*;

pub async fn collect(client: &Client, region: &str, scanned: &[String]) -> Collected<CloudTrail> {
    let r = Some(region);
    let out = match client
        .describe_trails()
        .include_shadow_trails(true)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => {
            return Collected::Failed(collection_error(
                "cloudtrail",
                "DescribeTrails",
                r,
                None,
                &e,
            ));
        }
    };
    let mut trails = Vec::new();
    for t in out.trail_list() {
        let (Some(name), Some(arn)) = (t.name(), t.trail_arn()) else {
            continue;
        };
        let mut trail = Trail {
            name: name.to_string(),
            arn: arn.to_string(),
            home_region: t.home_region().map(str::to_string),
            is_multi_region: t.is_multi_region_trail().unwrap_or(false),
            is_organization_trail: t.is_organization_trail().unwrap_or(false),
            include_global_service_events: t.include_global_service_events().unwrap_or(false),
            log_file_validation_enabled: t.log_file_validation_enabled().unwrap_or(false),
            s3_bucket_name: t.s3_bucket_name().map(str::to_string),
            s3_key_prefix: t.s3_key_prefix().map(str::to_string),
            kms_key_id: t.kms_key_id().map(str::to_string),
            cloudwatch_logs_log_group_arn: t.cloud_watch_logs_log_group_arn().map(str::to_string),
            cloudwatch_logs_role_arn: t.cloud_watch_logs_role_arn().map(str::to_string),
            has_custom_event_selectors: t.has_custom_event_selectors().unwrap_or(false),
            status: None,
            management_events: None,
        };
        if reads_details_here(&trail, region, scanned) {
            trail.status = Some(status(client, r, arn).await);
            if trail.has_custom_event_selectors {
                trail.management_events = Some(selectors(client, r, arn).await);
            }
        }
        trails.push(trail);
    }
    Collected::Ok(CloudTrail { trails })
}

/// The status and selectors of a trail are read once per account: in its home region, or here
/// when its home region is not scanned (or unknown).
fn reads_details_here(trail: &Trail, region: &str, scanned: &[String]) -> bool {
    match trail.home_region.as_deref() {
        Some(home) => home == region || !scanned.iter().any(|s| s == home),
        None => true,
    }
}

async fn status(client: &Client, r: Option<&str>, arn: &str) -> Collected<TrailStatus> {
    match client.get_trail_status().name(arn).send().await {
        Ok(s) => Collected::Ok(TrailStatus {
            is_logging: s.is_logging().unwrap_or(false),
            latest_delivery_error: s
                .latest_delivery_error()
                .filter(|e| !e.is_empty())
                .map(str::to_string),
            latest_delivery_time: s.latest_delivery_time().and_then(time),
            latest_cloudwatch_logs_delivery_error: s
                .latest_cloud_watch_logs_delivery_error()
                .filter(|e| !e.is_empty())
                .map(str::to_string),
            latest_cloudwatch_logs_delivery_time: s
                .latest_cloud_watch_logs_delivery_time()
                .and_then(time),
            stop_logging_time: s.stop_logging_time().and_then(time),
        }),
        Err(e) => Collected::Failed(collection_error(
            "cloudtrail",
            "GetTrailStatus",
            r,
            Some(arn),
            &e,
        )),
    }
}

async fn selectors(client: &Client, r: Option<&str>, arn: &str) -> Collected<ManagementEvents> {
    match client.get_event_selectors().trail_name(arn).send().await {
        Ok(out) => Collected::Ok(management_events(
            out.event_selectors(),
            out.advanced_event_selectors(),
        )),
        Err(e) => Collected::Failed(collection_error(
            "cloudtrail",
            "GetEventSelectors",
            r,
            Some(arn),
            &e,
        )),
    }
}

/// The management events recorded by a trail's basic or advanced selectors (a trail has one
/// kind or the other).
fn management_events(
    basic: &[EventSelector],
    advanced: &[AdvancedEventSelector],
) -> ManagementEvents {
    let mut m = ManagementEvents::default();
    for s in basic {
        if s.include_management_events().unwrap_or(true) {
            match s.read_write_type() {
                Some(ReadWriteType::ReadOnly) => m.read = true,
                Some(ReadWriteType::WriteOnly) => m.write = true,
                _ => {
                    m.read = true;
                    m.write = true;
                }
            }
        }
    }
    for s in advanced {
        let fields = s.field_selectors();
        let management = fields
            .iter()
            .any(|f| f.field() == "eventCategory" && f.equals().iter().any(|v| v == "Management"));
        if !management {
            continue;
        }
        match fields
            .iter()
            .find(|f| f.field() == "readOnly")
            .map(|f| f.equals())
        {
            Some([v]) if v == "true" => m.read = true,
            Some([v]) if v == "false" => m.write = true,
            _ => {
                m.read = true;
                m.write = true;
            }
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudtrail::types::AdvancedFieldSelector;

    fn field(name: &str, equals: &[&str]) -> AdvancedFieldSelector {
        let mut b = AdvancedFieldSelector::builder().field(name);
        for v in equals {
            b = b.equals(*v);
        }
        b.build().expect("field selector")
    }

    fn advanced(fields: Vec<AdvancedFieldSelector>) -> AdvancedEventSelector {
        AdvancedEventSelector::builder()
            .set_field_selectors(Some(fields))
            .build()
            .expect("advanced selector")
    }

    #[test]
    fn management_events_of_basic_and_advanced_selectors() {
        let write_only = EventSelector::builder()
            .include_management_events(true)
            .read_write_type(ReadWriteType::WriteOnly)
            .build();
        assert_eq!(
            management_events(&[write_only], &[]),
            ManagementEvents {
                read: false,
                write: true
            }
        );
        let data_only = EventSelector::builder()
            .include_management_events(false)
            .read_write_type(ReadWriteType::All)
            .build();
        assert_eq!(
            management_events(&[data_only], &[]),
            ManagementEvents::default()
        );
        let all = advanced(vec![field("eventCategory", &["Management"])]);
        assert_eq!(management_events(&[], &[all]), ManagementEvents::ALL);
        let read = advanced(vec![
            field("eventCategory", &["Management"]),
            field("readOnly", &["true"]),
        ]);
        assert_eq!(
            management_events(&[], &[read]),
            ManagementEvents {
                read: true,
                write: false
            }
        );
        let data = advanced(vec![
            field("eventCategory", &["Data"]),
            field("resources.type", &["AWS::S3::Object"]),
        ]);
        assert_eq!(management_events(&[], &[data]), ManagementEvents::default());
    }

    /// Element names as CloudTrail sends them (awsJson1_1): a trail homed here gets its status
    /// (requested by ARN), a shadow of a trail homed in another scanned region does not.
    #[test]
    fn describe_trails_and_status_element_names() {
        use crate::aws::fake::{FakeAws, Reply};
        let fake = FakeAws::new(|req| {
            let json = |body: &str| {
                Reply::new(200, body).header("content-type", "application/x-amz-json-1.1")
            };
            if req.body.contains("includeShadowTrails") {
                json(
                    r#"{"trailList":[{"Name":"here","S3BucketName":"logs","IncludeGlobalServiceEvents":true,"IsMultiRegionTrail":false,"HomeRegion":"eu-west-1","TrailARN":"arn:aws:cloudtrail:eu-west-1:111111111111:trail/here","LogFileValidationEnabled":true,"KmsKeyId":"arn:aws:kms:eu-west-1:111111111111:key/k","CloudWatchLogsLogGroupArn":"arn:aws:logs:eu-west-1:111111111111:log-group:ct:*","HasCustomEventSelectors":false,"HasInsightSelectors":false,"IsOrganizationTrail":false},{"Name":"org","S3BucketName":"org-logs","IncludeGlobalServiceEvents":true,"IsMultiRegionTrail":true,"HomeRegion":"us-east-1","TrailARN":"arn:aws:cloudtrail:us-east-1:999999999999:trail/org","LogFileValidationEnabled":true,"HasCustomEventSelectors":true,"HasInsightSelectors":false,"IsOrganizationTrail":true}]}"#,
                )
            } else if req.body.contains("trail/here") {
                json(
                    r#"{"IsLogging":true,"LatestDeliveryError":"","LatestCloudWatchLogsDeliveryError":"Access denied","StopLoggingTime":1.7e9}"#,
                )
            } else {
                Reply::json_error(400, "TrailNotFoundException", "unexpected request")
            }
        });
        let client = aws_sdk_cloudtrail::Client::new(&fake.config("eu-west-1"));
        let scanned = vec!["us-east-1".to_string(), "eu-west-1".to_string()];
        let ct = tokio::runtime::Runtime::new().unwrap().block_on(collect(
            &client,
            "eu-west-1",
            &scanned,
        ));
        let Collected::Ok(ct) = ct else {
            panic!("{ct:?}")
        };
        let [here, org] = ct.trails.as_slice() else {
            panic!("{ct:?}")
        };
        assert_eq!(
            here.kms_key_id.as_deref(),
            Some("arn:aws:kms:eu-west-1:111111111111:key/k")
        );
        assert_eq!(
            here.status,
            Some(Collected::Ok(TrailStatus {
                is_logging: true,
                latest_delivery_error: None,
                latest_cloudwatch_logs_delivery_error: Some("Access denied".into()),
                stop_logging_time: chrono::DateTime::from_timestamp(1_700_000_000, 0),
                ..Default::default()
            }))
        );
        assert!(org.is_organization_trail && org.is_multi_region);
        assert_eq!(org.owner_account(), Some("999999999999"));
        assert_eq!(
            (org.status.as_ref(), org.management_events.as_ref()),
            (None, None)
        );
        assert_eq!(fake.requests().len(), 2);
    }

    #[test]
    fn details_are_read_once_per_trail() {
        let mut t = Trail {
            name: "org".into(),
            arn: "arn:aws:cloudtrail:us-east-1:111111111111:trail/org".into(),
            home_region: Some("us-east-1".into()),
            is_multi_region: true,
            is_organization_trail: true,
            include_global_service_events: true,
            log_file_validation_enabled: true,
            s3_bucket_name: None,
            s3_key_prefix: None,
            kms_key_id: None,
            cloudwatch_logs_log_group_arn: None,
            cloudwatch_logs_role_arn: None,
            has_custom_event_selectors: false,
            status: None,
            management_events: None,
        };
        let scanned = vec!["us-east-1".to_string(), "eu-west-1".to_string()];
        assert!(reads_details_here(&t, "us-east-1", &scanned));
        assert!(!reads_details_here(&t, "eu-west-1", &scanned));
        // The home region is not scanned: every region listing the trail reads it (the
        // collectors of the regions run independently).
        assert!(reads_details_here(&t, "eu-west-1", &scanned[1..]));
        t.home_region = None;
        assert!(reads_details_here(&t, "eu-west-1", &scanned));
    }
}
