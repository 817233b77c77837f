//! Small inventories for check unit tests.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::{CheckResult, Status};
use crate::check::{ReasonCode, ReasonRecord};
use crate::config::Thresholds;
use crate::inventory::*;

pub const ACCOUNT: &str = "111111111111";
pub const REGION: &str = "us-east-1";

pub fn fixture_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap()
}

pub fn days_ago(days: i64) -> DateTime<Utc> {
    fixture_now() - Duration::days(days)
}

pub fn denied(operation: &str) -> CollectionError {
    CollectionError {
        service: "test".into(),
        operation: operation.into(),
        region: None,
        resource: None,
        kind: ErrorKind::AccessDenied,
        code: Some("AccessDenied".into()),
        message: "User is not authorized".into(),
    }
}

/// A failed AWS Organizations call.
pub fn organizations_error(
    operation: &str,
    kind: ErrorKind,
    code: &str,
    message: &str,
) -> CollectionError {
    CollectionError {
        service: "organizations".into(),
        operation: operation.into(),
        region: None,
        resource: None,
        kind,
        code: Some(code.into()),
        message: message.into(),
    }
}

pub fn base_inventory() -> Inventory {
    let mut regional = BTreeMap::new();
    regional.insert(
        REGION.to_string(),
        RegionInventory {
            ec2: Collected::Ok(Ec2 {
                vpcs: vec![],
                subnets: vec![],
                route_tables: vec![],
                vpc_endpoints: vec![],
                instances: vec![],
                launch_templates: vec![],
                instance_metadata_defaults: Collected::Ok(MetadataDefaults {
                    http_tokens: Some("required".into()),
                    ..Default::default()
                }),
                vpc_block_public_access: Collected::Ok(VpcBlockPublicAccess {
                    internet_gateway_block_mode: Some("block-ingress".into()),
                    managed_by: Some("account".into()),
                    ..Default::default()
                }),
                snapshot_block_public_access: Collected::Ok(SharingBlock {
                    state: Some("block-all-sharing".into()),
                    managed_by: Some("account".into()),
                }),
                image_block_public_access: Collected::Ok(SharingBlock {
                    state: Some("block-new-sharing".into()),
                    managed_by: Some("account".into()),
                }),
                ebs_encryption_by_default: Collected::Ok(EbsEncryptionDefault {
                    enabled: true,
                    sse_type: Some("sse-ebs".into()),
                }),
            }),
            acm: Collected::Ok(Acm::default()),
            apigateway: Collected::Ok(ApiGateway::default()),
            apigatewayv2: Collected::Ok(ApiGatewayV2::default()),
            kms: Collected::Ok(Kms::default()),
            lambda: Collected::Ok(Lambda::default()),
            config: Collected::Ok(config_recording()),
            guardduty: Collected::Ok(guardduty_on(&[("S3_DATA_EVENTS", "ENABLED")])),
            detective: Collected::Ok(Detective {
                graphs: vec![],
                memberships: Collected::Ok(vec![]),
            }),
            cloudtrail: Collected::Ok(CloudTrail::default()),
            // --- SVC: accessanalyzer, inspector2, macie
            accessanalyzer: Collected::Ok(AccessAnalyzer {
                analyzers: vec![analyzer("account-analyzer", Analyzer::ACCOUNT, "ACTIVE")],
            }),
            inspector2: Collected::Ok(inspector2_enabled()),
            inspector2_organization: None,
            macie: Collected::Ok(Macie::Session {
                status: "ENABLED".into(),
                finding_publishing_frequency: Some("FIFTEEN_MINUTES".into()),
            }),
            macie_organization: None,
            // --- end SVC: accessanalyzer, inspector2, macie
            securityhub: Collected::Ok(securityhub_hub(ACCOUNT, REGION, &[FSBP])),
        },
    );
    Inventory {
        format_version: INVENTORY_FORMAT_VERSION,
        scan: ScanInfo {
            posture_version: "test".into(),
            started_at: fixture_now(),
            finished_at: fixture_now(),
            mode: "current-account".into(),
            caller_account_id: ACCOUNT.into(),
            caller_arn: format!("arn:aws:iam::{ACCOUNT}:user/scanner"),
            requested_regions: vec![REGION.into()],
            api_calls: None,
        },
        organization: None,
        accounts: vec![AccountInventory {
            account_id: ACCOUNT.into(),
            name: Some("test".into()),
            ou_path: None,
            access: AccountAccess::Caller,
            regions: Collected::Ok(vec![REGION.into()]),
            skipped_regions: BTreeMap::new(),
            iam: Collected::Ok(Iam {
                credential_report: Collected::Ok(CredentialReport {
                    generated_at: Some(fixture_now()),
                    rows: vec![],
                }),
                users: Collected::Ok(vec![]),
                password_policy: Collected::Ok(None),
                account_summary: Collected::Ok(BTreeMap::new()),
                roles: Collected::Ok(vec![]),
                organizations_features: None,
            }),
            s3: Collected::Ok(S3 {
                account_public_access_block: Collected::Ok(None),
                buckets: Collected::Ok(vec![]),
            }),
            regional,
            security_contact: Collected::Ok(Some(AlternateContact {
                contact_type: "SECURITY".into(),
                name: Some("Security team".into()),
                title: Some("SOC".into()),
                has_email: true,
            })),
        }],
    }
}

// --- backbone: config ---

/// AWS Config as the SRA wants it in a region: the default recorder records every supported
/// type and the global IAM types, is recording, its last delivery succeeded, and a delivery
/// channel writes to `config-logs`; no aggregator.
pub fn config_recording() -> Config {
    Config {
        recorders: vec![ConfigRecorder {
            name: "default".into(),
            arn: None,
            role_arn: Some(format!(
                "arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
            )),
            recording_group: Some(RecordingGroup {
                all_supported: true,
                include_global_resource_types: true,
                ..Default::default()
            }),
            recording_scope: Some("PAID".into()),
        }],
        recorder_statuses: Collected::Ok(vec![ConfigRecorderStatus {
            name: "default".into(),
            recording: true,
            last_status: Some("Success".into()),
            ..Default::default()
        }]),
        delivery_channels: Collected::Ok(vec![ConfigDeliveryChannel {
            name: "default".into(),
            s3_bucket_name: Some("config-logs".into()),
            ..Default::default()
        }]),
        aggregators: Collected::Ok(vec![]),
    }
}

pub fn config_mut(inv: &mut Inventory) -> &mut Config {
    collected_mut(&mut region_mut(inv).config, "fixture config failed")
}

// --- end backbone: config ---

const REPORT_HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

/// An inventory whose credential report has these CSV rows; ListUsers agrees with the report.
pub fn inventory_with_report(rows: &[&str]) -> Inventory {
    let text = std::iter::once(REPORT_HEADER)
        .chain(rows.iter().copied())
        .collect::<Vec<_>>()
        .join("\n");
    let report = credential_report::parse(text.as_bytes(), Some(fixture_now())).unwrap();
    let users = report
        .rows
        .iter()
        .filter(|r| !r.is_root())
        .map(|r| IamUser {
            user_name: r.user.clone(),
            arn: r.arn.clone(),
            created: r
                .user_creation_time
                .value()
                .copied()
                .unwrap_or_else(fixture_now),
            password_last_used: r.password_last_used.value().copied(),
            details: None,
        })
        .collect();
    let mut inv = base_inventory();
    let iam = iam_mut(&mut inv);
    iam.credential_report = Collected::Ok(report);
    iam.users = Collected::Ok(users);
    inv
}

/// The collected value of a fixture, which the fixture collected.
#[track_caller]
fn collected_mut<'a, T>(c: &'a mut Collected<T>, what: &str) -> &'a mut T {
    match c {
        Collected::Ok(v) => v,
        Collected::Failed(_) => panic!("{what}"),
    }
}

pub fn iam_mut(inv: &mut Inventory) -> &mut Iam {
    collected_mut(&mut inv.accounts[0].iam, "fixture iam failed")
}

pub fn s3_mut(inv: &mut Inventory) -> &mut S3 {
    collected_mut(&mut inv.accounts[0].s3, "fixture s3 failed")
}

pub fn region_mut(inv: &mut Inventory) -> &mut RegionInventory {
    inv.accounts[0].regional.get_mut(REGION).unwrap()
}

pub fn ec2_mut(inv: &mut Inventory) -> &mut Ec2 {
    collected_mut(&mut region_mut(inv).ec2, "fixture ec2 failed")
}

pub fn acm_mut(inv: &mut Inventory) -> &mut Acm {
    collected_mut(&mut region_mut(inv).acm, "fixture acm failed")
}

pub fn apigw_mut(inv: &mut Inventory) -> &mut ApiGateway {
    collected_mut(&mut region_mut(inv).apigateway, "fixture apigateway failed")
}

pub fn apigwv2_mut(inv: &mut Inventory) -> &mut ApiGatewayV2 {
    collected_mut(
        &mut region_mut(inv).apigatewayv2,
        "fixture apigatewayv2 failed",
    )
}

/// An HTTP API with a `prod` stage (access logs as given) and one route per `(key, auth)`.
pub fn http_api(id: &str, routes: &[(&str, &str)], access_logs: bool) -> HttpApi {
    HttpApi {
        api_id: id.into(),
        name: Some(id.into()),
        api_endpoint: Some(format!("https://{id}.execute-api.{REGION}.amazonaws.com")),
        disable_execute_api_endpoint: false,
        routes: Collected::Ok(
            routes
                .iter()
                .enumerate()
                .map(|(i, (key, auth))| HttpRoute {
                    route_id: format!("r{i}"),
                    route_key: key.to_string(),
                    authorization_type: Some(auth.to_string()),
                    authorizer_id: (*auth == "JWT" || *auth == "CUSTOM").then(|| "au1".into()),
                    target: Some("integrations/i1".into()),
                })
                .collect(),
        ),
        stages: Collected::Ok(vec![HttpStage {
            stage_name: "prod".into(),
            auto_deploy: true,
            access_log_destination: access_logs
                .then(|| format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:access")),
            tags: None,
        }]),
        integrations: Collected::Ok(vec![]),
        tags: None,
    }
}

// ------------------------------------------------- the front door path (pattern B)

/// A regional custom domain of API Gateway v2 mapping each `(api id, key)` to stage `prod`.
pub fn http_domain(name: &str, mappings: &[(&str, &str)]) -> HttpDomainName {
    HttpDomainName {
        domain_name: name.into(),
        configurations: vec![HttpDomainConfiguration {
            endpoint_type: Some("REGIONAL".into()),
            security_policy: Some("TLS_1_2".into()),
            certificate_arn: Some(format!("arn:aws:acm:{REGION}:{ACCOUNT}:certificate/c1")),
        }],
        api_mappings: Collected::Ok(
            mappings
                .iter()
                .enumerate()
                .map(|(i, (api, key))| ApiMapping {
                    api_mapping_id: format!("m{i}"),
                    api_id: api.to_string(),
                    api_mapping_key: Some(key.to_string()),
                    stage: Some("prod".into()),
                })
                .collect(),
        ),
        tags: None,
    }
}

/// An HTTP API integration `id` of `integration_type` to `uri` over the internet.
pub fn http_integration(id: &str, integration_type: &str, uri: &str) -> HttpIntegration {
    HttpIntegration {
        integration_id: id.into(),
        integration_type: Some(integration_type.into()),
        integration_uri: Some(uri.into()),
        integration_subtype: None,
        connection_type: Some("INTERNET".into()),
        connection_id: None,
        credentials_arn: None,
    }
}

pub fn kms_mut(inv: &mut Inventory) -> &mut Kms {
    collected_mut(&mut region_mut(inv).kms, "fixture kms failed")
}

/// A customer-managed symmetric encryption key with `policy` and rotation `rotation`.
pub fn kms_key(id: &str, policy: &str, rotation: bool) -> KmsKey {
    KmsKey {
        key_id: id.into(),
        arn: format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}"),
        details: Collected::Ok(KmsKeyDetails {
            key_manager: Some("CUSTOMER".into()),
            key_state: Some("Enabled".into()),
            key_spec: Some("SYMMETRIC_DEFAULT".into()),
            key_usage: Some("ENCRYPT_DECRYPT".into()),
            origin: Some("AWS_KMS".into()),
            policy: Collected::Ok(policy.into()),
            rotation_enabled: Some(Collected::Ok(rotation)),
        }),
    }
}

pub fn lambda_mut(inv: &mut Inventory) -> &mut Lambda {
    collected_mut(&mut region_mut(inv).lambda, "fixture lambda failed")
}

/// A function on `runtime` with no resource policy and no function URL.
pub fn lambda_function(name: &str, runtime: &str) -> LambdaFunction {
    LambdaFunction {
        name: name.into(),
        arn: format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"),
        runtime: Some(runtime.into()),
        package_type: Some("Zip".into()),
        policy: Collected::Ok(None),
        urls: Collected::Ok(vec![]),
    }
}

// --- backbone: guardduty + detective ---

pub fn guardduty_mut(inv: &mut Inventory) -> &mut GuardDuty {
    collected_mut(&mut region_mut(inv).guardduty, "fixture guardduty failed")
}

pub fn detective_mut(inv: &mut Inventory) -> &mut Detective {
    collected_mut(&mut region_mut(inv).detective, "fixture detective failed")
}

/// GuardDuty with a detector of `status` and these features (`(name, status)`).
pub fn guardduty_detector(status: &str, features: &[(&str, &str)]) -> GuardDuty {
    GuardDuty {
        detector: Some(GuardDutyDetector {
            detector_id: "12abc34d567e8fa901bc2d34e56789f0".into(),
            details: Collected::Ok(DetectorDetails {
                status: Some(status.into()),
                features: features
                    .iter()
                    .map(|(name, status)| DetectorFeature {
                        name: name.to_string(),
                        status: Some(status.to_string()),
                        additional_configuration: vec![],
                    })
                    .collect(),
                s3_logs: None,
                finding_publishing_frequency: Some("SIX_HOURS".into()),
            }),
            organization: None,
        }),
    }
}

/// GuardDuty with an enabled detector and these features.
pub fn guardduty_on(features: &[(&str, &str)]) -> GuardDuty {
    guardduty_detector("ENABLED", features)
}

/// A GuardDuty member as the delegated administrator lists it.
pub fn guardduty_member(account_id: &str, status: &str) -> GuardDutyMember {
    GuardDutyMember {
        account_id: account_id.into(),
        relationship_status: Some(status.into()),
        detector_id: Some(format!("det{account_id}")),
        administrator_id: None,
    }
}

/// The organization view of a delegated administrator: auto-enable `members` (`ALL`, `NEW`,
/// `NONE`), S3 protection auto-enable `s3`, these members.
pub fn guardduty_org_view(
    members_auto_enable: &str,
    s3: &str,
    members: Vec<GuardDutyMember>,
) -> GuardDutyOrgView {
    GuardDutyOrgView {
        configuration: Collected::Ok(GuardDutyOrgConfiguration {
            auto_enable_organization_members: Some(members_auto_enable.into()),
            member_account_limit_reached: false,
            features: vec![OrgFeature {
                name: "S3_DATA_EVENTS".into(),
                auto_enable: Some(s3.into()),
                additional_configuration: vec![],
            }],
        }),
        members: Collected::Ok(members),
    }
}

// --- end guardduty + detective ---
// --- backbone: cloudtrail
pub fn cloudtrail_mut(inv: &mut Inventory) -> &mut CloudTrail {
    collected_mut(&mut region_mut(inv).cloudtrail, "fixture cloudtrail failed")
}

/// A trail of the fixture account homed in the fixture region, as its home region lists it:
/// multi-region or not, logging or stopped, with the default selectors, validation, KMS,
/// global service events and CloudWatch Logs on.
pub fn trail(name: &str, multi_region: bool, logging: bool) -> Trail {
    Trail {
        name: name.into(),
        arn: format!("arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{name}"),
        home_region: Some(REGION.into()),
        is_multi_region: multi_region,
        is_organization_trail: false,
        include_global_service_events: true,
        log_file_validation_enabled: true,
        s3_bucket_name: Some("trail-logs".into()),
        s3_key_prefix: None,
        kms_key_id: Some(format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/trail")),
        cloudwatch_logs_log_group_arn: Some(format!(
            "arn:aws:logs:{REGION}:{ACCOUNT}:log-group:trail:*"
        )),
        cloudwatch_logs_role_arn: Some(format!("arn:aws:iam::{ACCOUNT}:role/trail-to-logs")),
        has_custom_event_selectors: false,
        status: Some(Collected::Ok(TrailStatus {
            is_logging: logging,
            ..Default::default()
        })),
        management_events: None,
    }
}

/// The base inventory with these trails in the fixture region.
pub fn inventory_with_trails(trails: Vec<Trail>) -> Inventory {
    let mut inv = base_inventory();
    cloudtrail_mut(&mut inv).trails = trails;
    inv
}
// --- end backbone: cloudtrail
// --- SVC: securityhub ---
pub const FSBP: &str = "standards/aws-foundational-security-best-practices/v/1.0.0";
pub const CIS_1_2: &str = "ruleset/cis-aws-foundations-benchmark/v/1.2.0";

/// Security Hub enabled in `region` of `account` with these standards READY (`standards` are
/// the ARN tails after `arn:aws:securityhub:<region>::`; CIS 1.2 has no region).
pub fn securityhub_hub(account: &str, region: &str, standards: &[&str]) -> SecurityHub {
    SecurityHub {
        hub: Some(Hub {
            arn: format!("arn:aws:securityhub:{region}:{account}:hub/default"),
            subscribed_at: Some("2026-01-01T00:00:00.000Z".into()),
            auto_enable_controls: Some(true),
            control_finding_generator: Some("SECURITY_CONTROL".into()),
        }),
        standards: Collected::Ok(
            standards
                .iter()
                .map(|t| {
                    let r = if t.starts_with("ruleset/") {
                        ""
                    } else {
                        region
                    };
                    StandardsSubscription {
                        standards_arn: format!("arn:aws:securityhub:{r}::{t}"),
                        subscription_arn: format!(
                            "arn:aws:securityhub:{region}:{account}:subscription/{}",
                            t.trim_start_matches("standards/")
                                .trim_start_matches("ruleset/")
                        ),
                        status: "READY".into(),
                        status_reason: None,
                    }
                })
                .collect(),
        ),
        organization: None,
    }
}

/// Security Hub not enabled (DescribeHub: not subscribed).
pub fn securityhub_off() -> SecurityHub {
    SecurityHub {
        hub: None,
        standards: Collected::Ok(vec![]),
        organization: None,
    }
}

pub fn securityhub_mut(inv: &mut Inventory) -> &mut SecurityHub {
    match &mut region_mut(inv).securityhub {
        Collected::Ok(s) => s,
        Collected::Failed(_) => panic!("fixture securityhub failed"),
    }
}

/// The administrator's view: auto-enable, configuration type and members (account, status).
pub fn securityhub_org(
    auto_enable: bool,
    configuration_type: &str,
    members: &[(&str, &str)],
) -> SecurityHubOrganization {
    SecurityHubOrganization {
        configuration: Collected::Ok(SecurityHubOrgConfiguration {
            auto_enable,
            auto_enable_standards: Some("DEFAULT".into()),
            member_account_limit_reached: false,
            configuration_type: Some(configuration_type.into()),
            configuration_status: Some("ENABLED".into()),
            configuration_status_message: None,
        }),
        members: Collected::Ok(
            members
                .iter()
                .map(|(a, st)| SecurityHubMember {
                    account_id: a.to_string(),
                    member_status: st.to_string(),
                    administrator_id: None,
                })
                .collect(),
        ),
    }
}

/// The organization fixture with its management account as Security Hub's delegated
/// administrator, seeing no members, with this configuration.
pub fn securityhub_administered(auto_enable: bool, configuration_type: &str) -> Inventory {
    let mut inv = org_inventory();
    org_mut(&mut inv).delegated_administrators = Collected::Ok(vec![DelegatedAdministrator {
        account_id: ACCOUNT.into(),
        account_name: Some("management".into()),
        service_principals: vec!["securityhub.amazonaws.com".into()],
    }]);
    securityhub_mut(&mut inv).organization =
        Some(securityhub_org(auto_enable, configuration_type, &[]));
    inv
}

/// Adds a scanned ACTIVE member account `id` to the organization fixture, a copy of the
/// fixture account with this Security Hub data in the fixture region.
pub fn add_securityhub_member(inv: &mut Inventory, id: &str, securityhub: Collected<SecurityHub>) {
    let mut acct = inv.accounts[0].clone();
    acct.account_id = id.into();
    acct.name = Some(format!("member-{id}"));
    acct.access = AccountAccess::AssumedRole {
        role_arn: format!("arn:aws:iam::{id}:role/posture"),
    };
    if let Some(r) = acct.regional.get_mut(REGION) {
        r.securityhub = securityhub;
    }
    inv.accounts.push(acct);
    org_mut(inv).accounts.push(OrgAccount {
        id: id.into(),
        name: format!("member-{id}"),
        email: None,
        state: "ACTIVE".into(),
        parent_id: Some("ou-wl".into()),
    });
}

/// Sets the members the fixture administrator lists: (account, MemberStatus).
pub fn set_securityhub_members(inv: &mut Inventory, members: &[(&str, &str)]) {
    let mut view = securityhub_mut(inv)
        .organization
        .take()
        .expect("an administrator view");
    view.members = securityhub_org(true, "LOCAL", members).members;
    securityhub_mut(inv).organization = Some(view);
}
// --- end SVC: securityhub ---

pub fn fail_credential_report(inv: &mut Inventory) {
    iam_mut(inv).credential_report = Collected::Failed(denied("GetCredentialReport"));
}

/// Block Public Access with all four settings on.
pub fn block_all() -> PublicAccessBlock {
    PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    }
}

/// An ACL grant of READ to everyone (the AllUsers group).
pub fn all_users_read() -> AclGrant {
    AclGrant {
        grantee_type: "Group".into(),
        grantee_uri: Some(ALL_USERS_URI.into()),
        grantee_id: None,
        permission: "READ".into(),
    }
}

/// A bucket with every setting collected and compliant except what the test changes.
pub fn bucket(name: &str) -> Bucket {
    Bucket {
        tags: None,
        name: name.into(),
        region: Collected::Ok(REGION.into()),
        policy: Collected::Ok(None),
        public_access_block: Collected::Ok(Some(block_all())),
        acl_grants: Collected::Ok(vec![]),
        object_ownership: Collected::Ok(Some("BucketOwnerEnforced".into())),
        default_encryption: Collected::Ok(Some(vec!["aws:kms".into()])),
        versioning: Collected::Ok(Some("Enabled".into())),
        logging_target: Collected::Ok(Some("logs".into())),
    }
}

/// `bucket(name)` with this bucket policy.
pub fn bucket_with_policy(name: &str, policy: &str) -> Bucket {
    Bucket {
        policy: Collected::Ok(Some(policy.into())),
        ..bucket(name)
    }
}

/// Sets the buckets of the fixture account.
pub fn set_buckets(inv: &mut Inventory, buckets: Vec<Bucket>) {
    s3_mut(inv).buckets = Collected::Ok(buckets);
}

/// The base inventory with these buckets.
pub fn inventory_with_buckets(buckets: Vec<Bucket>) -> Inventory {
    let mut inv = base_inventory();
    set_buckets(&mut inv, buckets);
    inv
}

pub fn results_at(inv: &Inventory, check: &str, days_later: i64) -> Vec<CheckResult> {
    results_of(inv, check, days_later, &crate::check::Given::default())
}

/// The results of `check` with the SRA role accounts given as `--security-account` /
/// `--log-archive-account` would give them.
pub fn results_with_roles(
    inv: &Inventory,
    check: &str,
    given: &crate::check::Given,
) -> Vec<CheckResult> {
    results_of(inv, check, 0, given)
}

fn results_of(
    inv: &Inventory,
    check: &str,
    days_later: i64,
    given: &crate::check::Given,
) -> Vec<CheckResult> {
    let roles = crate::check::SraAccounts::recognise(inv.organization.as_ref(), given);
    let thresholds = Thresholds::default();
    let boundary = crate::policy::Boundary::of_inventory(inv, &[]);
    let entry = super::REGISTRY
        .iter()
        .find(|c| c.id() == check)
        .unwrap_or_else(|| panic!("no check {check}"));
    let results = super::entry_on_inventory(
        entry,
        inv,
        &boundary,
        &thresholds,
        fixture_now() + Duration::days(days_later),
        &roles,
    );
    // The catalog's claim: every status a test reaches is one `checks/<id>.toml` declares.
    let declared = &crate::catalog::find(check)
        .unwrap_or_else(|| panic!("no catalog entry for {check}"))
        .statuses;
    for r in &results {
        assert!(
            declared.contains(&r.status),
            "{check} gave {:?} on {} ({}), which checks/{check}.toml does not declare",
            r.status,
            r.resource,
            r.message
        );
    }
    results
}

pub fn results(inv: &Inventory, check: &str) -> Vec<CheckResult> {
    results_at(inv, check, 0)
}

pub fn statuses(inv: &Inventory, check: &str) -> Vec<Status> {
    results(inv, check).iter().map(|r| r.status).collect()
}

pub fn statuses_at(inv: &Inventory, check: &str, days_later: i64) -> Vec<Status> {
    results_at(inv, check, days_later)
        .iter()
        .map(|r| r.status)
        .collect()
}

/// Asserts the statuses `check` gives on `inv`, one a resource, in order.
#[track_caller]
pub fn assert_statuses(inv: &Inventory, check: &str, want: &[Status]) {
    assert_eq!(statuses(inv, check), want, "{check}");
}

/// Asserts the statuses `check` gives on `inv` `days_later` days after the fixture's "now".
#[track_caller]
pub fn assert_statuses_at(inv: &Inventory, check: &str, days_later: i64, want: &[Status]) {
    assert_eq!(statuses_at(inv, check, days_later), want, "{check}");
}

/// The status of the one result of `r` whose resource ends with `suffix`.
#[track_caller]
pub fn status_of(r: &[CheckResult], suffix: &str) -> Status {
    r.iter()
        .find(|r| r.resource.ends_with(suffix))
        .map(|r| r.status)
        .unwrap_or_else(|| panic!("no result on {suffix}: {r:#?}"))
}

/// Asserts a result's status, and that its message contains each of `needles`.
#[track_caller]
pub fn assert_result(r: &CheckResult, status: Status, needles: &[&str]) {
    assert_eq!(r.status, status, "{r:#?}");
    for needle in needles {
        assert!(
            r.message.contains(needle),
            "{needle:?} not in {}",
            r.message
        );
    }
}

/// Asserts that some evidence value of `r` contains `needle`.
#[track_caller]
pub fn assert_evidence_value(r: &CheckResult, needle: &str) {
    assert!(
        r.evidence.iter().any(|e| e.value.contains(needle)),
        "{needle:?} in no evidence value: {:?}",
        r.evidence
    );
}

/// Asserts that `r` says why it is not assessed with `code`, and returns the reason.
#[track_caller]
pub fn assert_reason(r: &CheckResult, code: ReasonCode) -> &ReasonRecord {
    let reason = r.reason.as_ref().expect("a reason");
    assert_eq!(reason.code, code, "{r:#?}");
    reason
}

/// Asserts that `r` has an evidence entry at `path` whose value satisfies `value`.
#[track_caller]
pub fn assert_evidence(r: &CheckResult, path: &str, value: impl Fn(&str) -> bool) {
    assert!(
        r.evidence.iter().any(|e| e.path == path && value(&e.value)),
        "no such evidence at {path:?}: {r:?}"
    );
}

/// Asserts that `r` has an evidence entry at `path`.
#[track_caller]
pub fn assert_evidence_path(r: &CheckResult, path: &str) {
    assert!(
        r.evidence.iter().any(|e| e.path == path),
        "no evidence at {path:?}: {:?}",
        r.evidence
    );
}

/// An ACM certificate expiring in `days_left` days (None: no expiry date yet).
pub fn cert(arn: &str, days_left: Option<i64>) -> Certificate {
    Certificate {
        arn: arn.into(),
        domain_name: Some("example.com".into()),
        cert_type: Some("AMAZON_ISSUED".into()),
        status: Some("ISSUED".into()),
        not_after: days_left.map(|d| days_ago(-d)),
        not_before: None,
        renewal_eligibility: Some("ELIGIBLE".into()),
        key_algorithm: Some("RSA_2048".into()),
        in_use_by: vec![],
        export: None,
    }
}

/// A REST API with one resource `/items` and these (method, authorization type) pairs.
pub fn rest_api(id: &str, methods: &[(&str, &str)]) -> RestApi {
    RestApi {
        tags: None,
        id: id.into(),
        name: Some(id.into()),
        endpoint_types: vec!["REGIONAL".into()],
        policy: None,
        resources: Collected::Ok(vec![ApiResource {
            id: "r1".into(),
            path: "/items".into(),
            methods: methods
                .iter()
                .map(|(m, a)| ApiMethod {
                    http_method: m.to_string(),
                    authorization_type: Some(a.to_string()),
                    authorizer_id: None,
                    api_key_required: false,
                    integration: Collected::Ok(None),
                })
                .collect(),
        }]),
        authorizers: Collected::Ok(vec![]),
        stages: Collected::Ok(vec![]),
    }
}

/// The base inventory in organization mode: the fixture account is the management account;
/// Security and Workloads OUs; only FullAWSAccess attached; no delegated administrators.
pub fn org_inventory() -> Inventory {
    let mut inv = base_inventory();
    inv.scan.mode = "organization".into();
    inv.organization = Some(Collected::Ok(Organization {
        id: "o-test".into(),
        arn: format!("arn:aws:organizations::{ACCOUNT}:organization/o-test"),
        management_account_id: ACCOUNT.into(),
        feature_set: Some("ALL".into()),
        roots: vec![OrgRoot {
            id: "r-root".into(),
            name: "Root".into(),
            enabled_policy_types: vec!["SERVICE_CONTROL_POLICY".into()],
        }],
        organizational_units: vec![
            OrganizationalUnit {
                id: "ou-sec".into(),
                name: "Security".into(),
                parent_id: "r-root".into(),
            },
            OrganizationalUnit {
                id: "ou-wl".into(),
                name: "Workloads".into(),
                parent_id: "r-root".into(),
            },
        ],
        accounts: vec![OrgAccount {
            id: ACCOUNT.into(),
            name: "management".into(),
            email: None,
            state: "ACTIVE".into(),
            parent_id: Some("r-root".into()),
        }],
        hierarchy_error: None,
        scp_attachments: Collected::Ok(
            [(
                "r-root".to_string(),
                vec![PolicyRef {
                    id: "p-FullAWSAccess".into(),
                    name: "FullAWSAccess".into(),
                    aws_managed: true,
                }],
            )]
            .into(),
        ),
        policies: Collected::Ok(vec![OrgPolicy {
            id: "p-FullAWSAccess".into(),
            name: "FullAWSAccess".into(),
            policy_type: "SERVICE_CONTROL_POLICY".into(),
            aws_managed: true,
            content: Collected::Ok(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
                    .into(),
            ),
            targets: Collected::Ok(vec!["r-root".into()]),
        }]),
        delegated_administrators: Collected::Ok(vec![]),
    }));
    inv
}

pub fn org_mut(inv: &mut Inventory) -> &mut Organization {
    match inv.organization.as_mut() {
        Some(Collected::Ok(o)) => o,
        _ => panic!("fixture has no organization"),
    }
}

/// The inventory after a round trip through its saved JSON form, edited on the way: how a
/// test sets fields as a saved inventory carries them.
pub fn edit_json(inv: &Inventory, edit: impl FnOnce(&mut serde_json::Value)) -> Inventory {
    let mut v = serde_json::to_value(inv).expect("inventory serializes");
    edit(&mut v);
    serde_json::from_value(v).expect("edited inventory deserializes")
}

/// A credential report root row: no password (not_supported), MFA as given, no keys or certs.
pub fn root_row(mfa: bool) -> String {
    format!(
        "<root_account>,arn:aws:iam::{ACCOUNT}:root,2020-01-01T00:00:00Z,not_supported,no_information,not_supported,not_supported,{mfa},false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
    )
}

/// GetAccountSummary's root flags.
pub fn root_summary(mfa: i64, password: i64, keys: i64, certs: i64) -> BTreeMap<String, i64> {
    [
        ("AccountMFAEnabled", mfa),
        ("AccountPasswordPresent", password),
        ("AccountAccessKeysPresent", keys),
        ("AccountSigningCertificatesPresent", certs),
        ("Users", 0),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// A credential report row of an IAM user created on `created` (YYYY-MM-DD): a console password
/// last used `password` ("N/A" for never, "no_information", or a date) when it has one, MFA
/// as given, and access key 1 rotated on the first date and last used on the second (in
/// us-east-1, by S3) when it has one. No second key and no certificates.
pub fn user_row(
    name: &str,
    created: &str,
    password: Option<&str>,
    mfa: bool,
    key: Option<(&str, Option<&str>)>,
) -> String {
    let created = format!("{created}T00:00:00Z");
    let at = |d: &str| {
        if d.len() == 10 {
            format!("{d}T00:00:00Z")
        } else {
            d.to_string()
        }
    };
    let password = match password {
        Some(used) => format!("true,{},{created},N/A", at(used)),
        None => "false,N/A,N/A,N/A".into(),
    };
    let key = match key {
        Some((rotated, Some(used))) => {
            format!("true,{rotated}T00:00:00Z,{used}T00:00:00Z,us-east-1,s3")
        }
        Some((rotated, None)) => format!("true,{rotated}T00:00:00Z,N/A,N/A,N/A"),
        None => "false,N/A,N/A,N/A,N/A".into(),
    };
    format!(
        "{name},arn:aws:iam::{ACCOUNT}:user/{name},{created},{password},{mfa},{key},false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
    )
}

/// An IAM role at path `/` with this trust policy.
pub fn role(name: &str, trust_policy: &str) -> IamRole {
    IamRole {
        role_name: name.into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
        path: "/".into(),
        trust_policy: Some(trust_policy.into()),
        tags: None,
    }
}

/// An instance with these IMDS tokens and state, in no subnet, hop limit 1.
pub fn instance(id: &str, tokens: Option<&str>, state: &str) -> Instance {
    Instance {
        tags: None,
        instance_id: id.into(),
        state: Some(state.into()),
        subnet_id: None,
        vpc_id: None,
        instance_profile_arn: None,
        public_ip: None,
        metadata_options: MetadataOptions {
            http_tokens: tokens.map(str::to_string),
            http_endpoint: None,
            http_put_response_hop_limit: Some(1),
        },
    }
}

/// The base inventory with these instances.
pub fn inventory_with_instances(instances: Vec<Instance>) -> Inventory {
    let mut inv = base_inventory();
    ec2_mut(&mut inv).instances = instances;
    inv
}

/// A gateway endpoint in vpc-1 to `service` (e.g. "com.amazonaws.us-east-1.s3").
pub fn gateway_endpoint(
    id: &str,
    service: &str,
    state: Option<&str>,
    policy: Option<&str>,
    route_table_ids: &[&str],
) -> VpcEndpoint {
    VpcEndpoint {
        tags: None,
        vpc_endpoint_id: id.into(),
        vpc_id: "vpc-1".into(),
        service_name: service.into(),
        endpoint_type: "Gateway".into(),
        state: state.map(str::to_string),
        policy: policy.map(str::to_string),
        route_table_ids: route_table_ids.iter().map(|r| r.to_string()).collect(),
    }
}

/// The S3 gateway endpoint service of the fixture region.
pub const S3_SERVICE: &str = "com.amazonaws.us-east-1.s3";

/// An API Gateway stage with nothing turned on.
pub fn stage(name: &str) -> Stage {
    Stage {
        name: name.into(),
        tracing_enabled: false,
        web_acl_arn: None,
        client_certificate_id: None,
        cache_cluster_enabled: false,
        access_log_destination: None,
        method_settings: Default::default(),
        tags: None,
    }
}

/// A regional API Gateway custom domain with this certificate and TLS security policy.
pub fn domain_name(name: &str, certificate_arn: &str, security_policy: Option<&str>) -> DomainName {
    DomainName {
        tags: None,
        domain_name: name.into(),
        certificate_arn: None,
        regional_certificate_arn: Some(certificate_arn.into()),
        security_policy: security_policy.map(str::to_string),
        endpoint_types: vec!["REGIONAL".into()],
        base_path_mappings: Collected::Ok(vec![]),
    }
}

/// [`org_inventory`] with the fixture account in the Workloads OU and one more policy of the
/// organization (`policy_type` such as `DECLARATIVE_POLICY_EC2` or `S3_POLICY`) attached to
/// `targets`.
/// Makes the scanned account of `inv` a member (the management account is another) with `rcp`
/// the organization's only policy, a resource control policy attached to the root, and resource
/// control policies enabled on the root or not.
pub fn member_under_rcp(inv: &mut Inventory, rcp: &str, enabled: bool) {
    let o = org_mut(inv);
    o.management_account_id = "999999999999".into();
    if enabled {
        o.roots[0]
            .enabled_policy_types
            .push("RESOURCE_CONTROL_POLICY".into());
    }
    o.policies = Collected::Ok(vec![OrgPolicy {
        id: "p-perimeter".into(),
        name: "DataPerimeter".into(),
        policy_type: "RESOURCE_CONTROL_POLICY".into(),
        aws_managed: false,
        content: Collected::Ok(rcp.into()),
        targets: Collected::Ok(vec!["r-root".into()]),
    }]);
}

/// Sets the Region's account-level instance metadata defaults: `http_tokens`,
/// `http_tokens_enforced` and `managed_by` as given (None: not reported), the rest unreported.
pub fn set_imds_defaults(
    inv: &mut Inventory,
    http_tokens: Option<&str>,
    http_tokens_enforced: Option<&str>,
    managed_by: Option<&str>,
) {
    ec2_mut(inv).instance_metadata_defaults = Collected::Ok(MetadataDefaults {
        http_tokens: http_tokens.map(Into::into),
        http_tokens_enforced: http_tokens_enforced.map(Into::into),
        managed_by: managed_by.map(Into::into),
        ..Default::default()
    });
}

pub fn org_with_policy(
    id: &str,
    name: &str,
    policy_type: &str,
    content: &str,
    targets: &[&str],
) -> Inventory {
    let mut inv = org_inventory();
    let org = org_mut(&mut inv);
    org.accounts[0].parent_id = Some("ou-wl".into());
    org.roots[0].enabled_policy_types.push(policy_type.into());
    if let Collected::Ok(policies) = &mut org.policies {
        policies.push(OrgPolicy {
            id: id.into(),
            name: name.into(),
            policy_type: policy_type.into(),
            aws_managed: false,
            content: Collected::Ok(content.into()),
            targets: Collected::Ok(targets.iter().map(|t| t.to_string()).collect()),
        });
    }
    inv
}

// --- SVC: accessanalyzer, inspector2, macie

/// An analyzer of the fixture account and region.
pub fn analyzer(name: &str, analyzer_type: &str, status: &str) -> Analyzer {
    Analyzer {
        arn: format!("arn:aws:access-analyzer:{REGION}:{ACCOUNT}:analyzer/{name}"),
        name: name.into(),
        analyzer_type: analyzer_type.into(),
        status: status.into(),
        status_reason: None,
    }
}

/// Inspector enabled with EC2, ECR and Lambda scanning (Lambda code scanning off).
pub fn inspector2_enabled() -> Inspector2 {
    Inspector2 {
        status: "ENABLED".into(),
        ec2: Some("ENABLED".into()),
        ecr: Some("ENABLED".into()),
        lambda: Some("ENABLED".into()),
        lambda_code: Some("DISABLED".into()),
    }
}

/// An account that never enabled Inspector, as BatchGetAccountStatus reports it.
pub fn inspector2_disabled() -> Inspector2 {
    Inspector2 {
        status: "DISABLED".into(),
        ec2: Some("DISABLED".into()),
        ecr: Some("DISABLED".into()),
        lambda: Some("DISABLED".into()),
        lambda_code: Some("DISABLED".into()),
    }
}

/// The region data of account `index` of the inventory.
pub fn region_of(inv: &mut Inventory, index: usize) -> &mut RegionInventory {
    inv.accounts[index].regional.get_mut(REGION).unwrap()
}

/// The organization inventory with a member account `id` (named `name`, in the Security OU when
/// the name says so), scanned like the management account, added to the organization and the
/// scan. Returns its index in `inv.accounts`.
pub fn add_member(inv: &mut Inventory, id: &str, name: &str) -> usize {
    let mut acct = inv.accounts[0].clone();
    acct.account_id = id.into();
    acct.name = Some(name.into());
    acct.access = AccountAccess::AssumedRole {
        role_arn: format!("arn:aws:iam::{id}:role/posture"),
    };
    for r in acct.regional.values_mut() {
        if let Collected::Ok(a) = &mut r.accessanalyzer {
            for an in &mut a.analyzers {
                an.arn = an.arn.replace(ACCOUNT, id);
            }
        }
        r.inspector2_organization = None;
        r.macie_organization = None;
    }
    inv.accounts.push(acct);
    if let Some(Collected::Ok(org)) = inv.organization.as_mut() {
        org.accounts.push(OrgAccount {
            id: id.into(),
            name: name.into(),
            email: None,
            state: "ACTIVE".into(),
            parent_id: Some(
                if name.contains("security") {
                    "ou-sec"
                } else {
                    "ou-wl"
                }
                .into(),
            ),
        });
    }
    inv.accounts.len() - 1
}

/// Register `account_id` as delegated administrator of `principal` in the organization.
pub fn delegate(inv: &mut Inventory, account_id: &str, principal: &str) {
    let Collected::Ok(admins) = &mut org_mut(inv).delegated_administrators else {
        panic!("fixture delegated administrators failed")
    };
    match admins.iter_mut().find(|a| a.account_id == account_id) {
        Some(a) => a.service_principals.push(principal.into()),
        None => admins.push(DelegatedAdministrator {
            account_id: account_id.into(),
            account_name: None,
            service_principals: vec![principal.into()],
        }),
    }
}
// --- end SVC: accessanalyzer, inspector2, macie
