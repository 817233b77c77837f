//! The inventory: plain serde types describing what was collected, independent of SDK types.
//!
//! A scan's inventory can be saved (`scan --save-inventory`) and evaluated again offline
//! (`posture evaluate`). Every piece of data that needed an API call is wrapped in
//! [`Collected`], so a failed call is recorded next to the data it would have produced and a
//! check can say "not assessed" instead of guessing.

pub mod credential_report;
// --- backbone: config (AWS Config, EBS encryption by default, security alternate contact) ---
pub mod config;
pub use config::*;
use config::{config_not_collected, ebs_encryption_not_collected, security_contact_not_collected};
// --- end backbone: config ---
// --- backbone: guardduty + detective ---
mod detective;
mod guardduty;
pub use detective::*;
pub use guardduty::*;
// --- end guardduty + detective ---
// --- backbone: cloudtrail
mod cloudtrail;
pub use cloudtrail::*;
// --- end backbone: cloudtrail
// --- SVC: securityhub ---
mod securityhub;
pub use securityhub::*;
// --- end SVC: securityhub ---

// --- SVC: accessanalyzer, inspector2, macie
mod accessanalyzer;
mod inspector2;
mod macie;
pub use accessanalyzer::*;
pub use inspector2::*;
pub use macie::*;
// --- end SVC: accessanalyzer, inspector2, macie

#[cfg(test)]
mod fuzz_tests;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use credential_report::{CredentialReport, CredentialReportRow};

/// Version of the inventory file format. Bump on any incompatible change.
pub const INVENTORY_FORMAT_VERSION: u32 = 1;

/// The outcome of collecting one piece of data.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Collected<T> {
    /// The calls succeeded; the value is what AWS returned.
    Ok(T),
    /// A call failed; the data is unknown (never "empty").
    Failed(CollectionError),
}

impl<T> Collected<T> {
    pub fn as_ref(&self) -> Result<&T, &CollectionError> {
        match self {
            Collected::Ok(v) => Ok(v),
            Collected::Failed(e) => Err(e),
        }
    }

    pub fn error(&self) -> Option<&CollectionError> {
        match self {
            Collected::Ok(_) => None,
            Collected::Failed(e) => Some(e),
        }
    }
}

impl<T> From<Result<T, CollectionError>> for Collected<T> {
    fn from(r: Result<T, CollectionError>) -> Self {
        match r {
            Ok(v) => Collected::Ok(v),
            Err(e) => Collected::Failed(e),
        }
    }
}

/// Why a call failed, classified so that reports can group and explain failures.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// AccessDenied, UnauthorizedOperation, an SCP deny, ...
    AccessDenied,
    /// The region is not enabled for the account or the service is not available there.
    RegionUnavailable,
    /// The API does not exist at this endpoint (typical of emulators).
    NotImplemented,
    /// Throttling that persisted through every retry.
    Throttled,
    /// Credentials could not be obtained or were rejected.
    Credentials,
    /// Network, timeout or other transport failure.
    Transport,
    /// Anything else (the code and message say what).
    Other,
}

/// A failed collection call, with enough context to act on it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CollectionError {
    pub service: String,
    pub operation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    pub kind: ErrorKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub message: String,
}

impl std::fmt::Display for CollectionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.service, self.operation)?;
        if let Some(r) = &self.region {
            write!(f, " in {r}")?;
        }
        if let Some(r) = &self.resource {
            write!(f, " on {r}")?;
        }
        write!(f, " failed")?;
        if let Some(c) = &self.code {
            write!(f, " ({c})")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Everything a scan collected.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Inventory {
    pub format_version: u32,
    pub scan: ScanInfo,
    /// Present when the scan ran in organization mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Collected<Organization>>,
    pub accounts: Vec<AccountInventory>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScanInfo {
    pub posture_version: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    /// `current-account` or `organization`.
    pub mode: String,
    /// The account whose credentials ran the scan.
    pub caller_account_id: String,
    pub caller_arn: String,
    /// Regions requested with `--regions`, or empty when discovered per account.
    #[serde(default)]
    pub requested_regions: Vec<String>,
    /// The API calls the scan made (every attempt, retries included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_calls: Option<CallSummary>,
}

/// One account and everything collected in it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountInventory {
    pub account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Path of OU names from the root, e.g. `Root/Workloads`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ou_path: Option<String>,
    /// How posture got in: `caller` credentials or an assumed role ARN.
    pub access: AccountAccess,
    /// Regions scanned in this account; `Failed` when region discovery failed.
    pub regions: Collected<Vec<String>>,
    /// Regions deliberately not scanned, with the reason: a service control policy denies them
    /// to the scanner, or a region named with `--regions` is not enabled for the account.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub skipped_regions: BTreeMap<String, String>,
    pub iam: Collected<Iam>,
    pub s3: Collected<S3>,
    #[serde(default)]
    pub regional: BTreeMap<String, RegionInventory>,
    // --- backbone: config ---
    /// The SECURITY alternate contact (account:GetAlternateContact); `Ok(None)` when none is
    /// set (ResourceNotFoundException). Inventories saved before posture read it: not collected.
    #[serde(default = "security_contact_not_collected")]
    pub security_contact: Collected<Option<AlternateContact>>,
    // --- end backbone: config ---
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case", tag = "via")]
pub enum AccountAccess {
    /// The scanner's own credentials.
    Caller,
    /// A role assumed in the account.
    AssumedRole { role_arn: String },
    /// No access: nothing in this account was assessed.
    Denied {
        role_arn: String,
        error: CollectionError,
    },
}

/// Per-region data of one account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RegionInventory {
    pub ec2: Collected<Ec2>,
    pub acm: Collected<Acm>,
    pub apigateway: Collected<ApiGateway>,
    /// API Gateway v2 HTTP APIs and custom domains; an inventory saved before posture collected
    /// them has none.
    #[serde(default = "apigatewayv2_not_collected")]
    pub apigatewayv2: Collected<ApiGatewayV2>,
    /// KMS customer-managed keys; an inventory saved before posture collected KMS has none.
    #[serde(default = "kms_not_collected")]
    pub kms: Collected<Kms>,
    /// Lambda functions; an inventory saved before posture collected Lambda has none.
    #[serde(default = "lambda_not_collected")]
    pub lambda: Collected<Lambda>,
    // --- backbone: config ---
    /// AWS Config; an inventory saved before posture collected Config has none.
    #[serde(default = "config_not_collected")]
    pub config: Collected<Config>,
    // --- end backbone: config ---
    // --- backbone: guardduty + detective ---
    /// GuardDuty: the Region's detector, and the organization view in GuardDuty's delegated
    /// administrator; an inventory saved before posture collected GuardDuty has none.
    #[serde(default = "guardduty::guardduty_not_collected")]
    pub guardduty: Collected<GuardDuty>,
    /// Detective behavior graphs administered or joined; an inventory saved before posture
    /// collected Detective has none.
    #[serde(default = "detective::detective_not_collected")]
    pub detective: Collected<Detective>,
    // --- end guardduty + detective ---
    // --- backbone: cloudtrail
    /// CloudTrail trails listed in the region; an inventory saved before posture collected
    /// CloudTrail has none.
    #[serde(default = "cloudtrail::cloudtrail_not_collected")]
    pub cloudtrail: Collected<CloudTrail>,
    // --- end backbone: cloudtrail
    // --- SVC: accessanalyzer, inspector2, macie
    /// IAM Access Analyzer: the account's analyzers.
    #[serde(default = "accessanalyzer_not_collected")]
    pub accessanalyzer: Collected<AccessAnalyzer>,
    /// Amazon Inspector: the account's scanning status.
    #[serde(default = "inspector2_not_collected")]
    pub inspector2: Collected<Inspector2>,
    /// Inspector's organization view; `None` unless this account is Inspector's delegated
    /// administrator (no call is made elsewhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspector2_organization: Option<Collected<Inspector2Organization>>,
    /// Amazon Macie: the account's Macie session.
    #[serde(default = "macie_not_collected")]
    pub macie: Collected<Macie>,
    /// Macie's organization view; `None` unless this account is Macie's delegated administrator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub macie_organization: Option<Collected<MacieOrganization>>,
    // --- end SVC: accessanalyzer, inspector2, macie
    // --- SVC: securityhub ---
    /// Security Hub; an inventory saved before posture collected it has none.
    #[serde(default = "securityhub::securityhub_not_collected")]
    pub securityhub: Collected<SecurityHub>,
    // --- end SVC: securityhub ---
}

// ---------------------------------------------------------------- IAM

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Iam {
    pub credential_report: Collected<CredentialReport>,
    /// Users from ListUsers; the credential report may be older than these.
    pub users: Collected<Vec<IamUser>>,
    /// `None` when the account has no password policy (NoSuchEntity).
    pub password_policy: Collected<Option<PasswordPolicy>>,
    pub account_summary: Collected<BTreeMap<String, i64>>,
    /// Roles with their trust policies (ListRoles).
    pub roles: Collected<Vec<IamRole>>,
    /// The organization's centralized root access features (iam:ListOrganizationsFeatures), as
    /// this account can see them; `None` in inventories saved before posture collected them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organizations_features: Option<Collected<OrganizationsFeatures>>,
}

/// Centralized root access of the organization (iam:ListOrganizationsFeatures).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case", tag = "answer")]
pub enum OrganizationsFeatures {
    /// This account could answer (the management account, IAM's delegated administrator, or an
    /// account outside any organization): the enabled features, `RootCredentialsManagement`
    /// and/or `RootSessions`; empty when centralized root access is off or impossible (no
    /// organization, not all features, IAM trusted access off).
    Known {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        organization_id: Option<String>,
        features: Vec<String>,
    },
    /// Only the management account or IAM's delegated administrator can answer; this account
    /// is neither.
    NotAnswerable,
}

impl OrganizationsFeatures {
    pub const ROOT_CREDENTIALS_MANAGEMENT: &str = "RootCredentialsManagement";
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IamRole {
    pub role_name: String,
    pub arn: String,
    pub path: String,
    /// The trust (assume-role) policy document, URL-decoded.
    pub trust_policy: Option<String>,
    /// The role's tags (ListRoleTags; ListRoles does not return them): they decide
    /// `aws:ResourceTag/…` conditions of RCPs on `sts:AssumeRole`, and tag-based suppressions.
    /// `None` when they could not be read, or in inventories saved before posture read them
    /// (an RCP exemption by tag then cannot be ruled out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

/// A user from ListUsers, with details fetched only for users missing from the credential
/// report (the report is the cheaper source; see the collector).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IamUser {
    pub user_name: String,
    pub arn: String,
    pub created: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_last_used: Option<DateTime<Utc>>,
    /// Present only for users absent from the credential report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Collected<IamUserDetails>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IamUserDetails {
    /// Creation date of the console password, `None` when the user has none.
    pub login_profile_created: Option<DateTime<Utc>>,
    pub mfa_devices: usize,
    pub access_keys: Vec<AccessKey>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AccessKey {
    pub access_key_id: String,
    pub active: bool,
    pub created: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct PasswordPolicy {
    pub minimum_password_length: Option<i32>,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase_characters: bool,
    pub require_lowercase_characters: bool,
    pub allow_users_to_change_password: bool,
    pub max_password_age: Option<i32>,
    pub password_reuse_prevention: Option<i32>,
    pub hard_expiry: Option<bool>,
}

// ---------------------------------------------------------------- S3

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct S3 {
    /// Account-level Block Public Access (S3 Control); `None` when not configured.
    pub account_public_access_block: Collected<Option<PublicAccessBlock>>,
    pub buckets: Collected<Vec<Bucket>>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    pub fn all_enabled(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bucket {
    pub name: String,
    pub region: Collected<String>,
    /// The raw policy document; `None` when the bucket has no policy.
    pub policy: Collected<Option<String>>,
    pub public_access_block: Collected<Option<PublicAccessBlock>>,
    pub acl_grants: Collected<Vec<AclGrant>>,
    /// `BucketOwnerEnforced`, `BucketOwnerPreferred`, `ObjectWriter`; `None` when unset.
    pub object_ownership: Collected<Option<String>>,
    /// SSE algorithms of the default encryption rules; `None` when not configured.
    pub default_encryption: Collected<Option<Vec<String>>>,
    /// `Enabled`, `Suspended`, or `None` when never enabled.
    pub versioning: Collected<Option<String>>,
    /// Target bucket of server access logging; `None` when disabled.
    pub logging_target: Collected<Option<String>>,
    /// Resource tags; `None` when they could not be read (tag-based suppressions then do not match).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AclGrant {
    /// `CanonicalUser`, `Group` or `AmazonCustomerByEmail`.
    pub grantee_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grantee_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grantee_id: Option<String>,
    pub permission: String,
}

pub const ALL_USERS_URI: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
pub const AUTHENTICATED_USERS_URI: &str =
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

// ---------------------------------------------------------------- EC2

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ec2 {
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub route_tables: Vec<RouteTable>,
    pub vpc_endpoints: Vec<VpcEndpoint>,
    pub instances: Vec<Instance>,
    pub launch_templates: Vec<LaunchTemplate>,
    /// Account-level instance metadata defaults (GetInstanceMetadataDefaults).
    pub instance_metadata_defaults: Collected<MetadataDefaults>,
    // ---- account-level block public access settings of the Region (inventories saved before
    // posture read them load as "not collected", never as "off").
    /// VPC Block Public Access (DescribeVpcBlockPublicAccessOptions).
    #[serde(default = "vpc_bpa_not_collected")]
    pub vpc_block_public_access: Collected<VpcBlockPublicAccess>,
    /// Block public access for EBS snapshots (GetSnapshotBlockPublicAccessState).
    #[serde(default = "snapshot_bpa_not_collected")]
    pub snapshot_block_public_access: Collected<SharingBlock>,
    /// Block public access for AMIs (GetImageBlockPublicAccessState).
    #[serde(default = "image_bpa_not_collected")]
    pub image_block_public_access: Collected<SharingBlock>,
    /// EBS encryption by default (GetEbsEncryptionByDefault).
    #[serde(default = "ebs_encryption_not_collected")]
    pub ebs_encryption_by_default: Collected<EbsEncryptionDefault>,
}

fn vpc_bpa_not_collected() -> Collected<VpcBlockPublicAccess> {
    Collected::Failed(CollectionError::not_read(
        "ec2",
        "DescribeVpcBlockPublicAccessOptions",
        "not collected: this inventory was saved by an older posture",
    ))
}

fn snapshot_bpa_not_collected() -> Collected<SharingBlock> {
    Collected::Failed(CollectionError::not_read(
        "ec2",
        "GetSnapshotBlockPublicAccessState",
        "not collected: this inventory was saved by an older posture",
    ))
}

fn image_bpa_not_collected() -> Collected<SharingBlock> {
    Collected::Failed(CollectionError::not_read(
        "ec2",
        "GetImageBlockPublicAccessState",
        "not collected: this inventory was saved by an older posture",
    ))
}

/// The Region's VPC Block Public Access options
/// (<https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcBlockPublicAccessOptions.html>).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct VpcBlockPublicAccess {
    /// `off`, `block-bidirectional` or `block-ingress`; `None` when AWS did not say.
    pub internet_gateway_block_mode: Option<String>,
    /// `default-state`, `update-in-progress` or `update-complete`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `allowed` or `not-allowed` (an organization-level setting may forbid exclusions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusions_allowed: Option<String>,
    /// `account`, or `declarative-policy` (an EC2 declarative policy of the organization).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_by: Option<String>,
}

/// An account-level block on public sharing of a Region's EBS snapshots or AMIs
/// (GetSnapshotBlockPublicAccessState, GetImageBlockPublicAccessState).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct SharingBlock {
    /// Snapshots: `block-all-sharing`, `block-new-sharing` or `unblocked`; AMIs:
    /// `block-new-sharing` or `unblocked`. `None` when AWS did not say.
    pub state: Option<String>,
    /// `account`, or `declarative-policy` (an EC2 declarative policy of the organization).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_by: Option<String>,
}

impl VpcBlockPublicAccess {
    /// Internet gateway traffic is blocked in at least one direction.
    pub fn blocks(&self) -> bool {
        matches!(
            self.internet_gateway_block_mode.as_deref(),
            Some("block-bidirectional" | "block-ingress")
        )
    }
}

impl SharingBlock {
    /// New public sharing is refused (`block-new-sharing` or `block-all-sharing`).
    pub fn blocks_new_sharing(&self) -> bool {
        matches!(
            self.state.as_deref(),
            Some("block-new-sharing" | "block-all-sharing")
        )
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Vpc {
    pub vpc_id: String,
    pub cidr_block: Option<String>,
    pub is_default: bool,
    /// The account that owns the VPC (another account's for a VPC shared through RAM);
    /// `None` in inventories saved before posture collected it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Subnet {
    pub subnet_id: String,
    pub vpc_id: String,
    pub cidr_block: Option<String>,
    pub availability_zone: Option<String>,
    pub map_public_ip_on_launch: bool,
    /// The account that owns the subnet and its VPC. A participant of a VPC shared through RAM
    /// sees the subnet, but the route tables, endpoints and gateways stay in the owner's
    /// account. `None` in inventories saved before posture collected it (read as "this
    /// account").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    /// Resource tags; `None` when they could not be read (tag-based suppressions then do not match).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RouteTable {
    pub route_table_id: String,
    pub vpc_id: String,
    pub main: bool,
    pub subnet_ids: Vec<String>,
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Route {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_cidr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_prefix_list: Option<String>,
    /// igw-..., nat-..., eigw-..., vpce-..., tgw-..., pcx-..., cagw-..., lgw-..., eni-...,
    /// a core network ARN, local, ... (`unknown` only when AWS named no target).
    pub target: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct VpcEndpoint {
    pub vpc_endpoint_id: String,
    pub vpc_id: String,
    pub service_name: String,
    /// `Gateway`, `Interface`, `GatewayLoadBalancer`, ...
    pub endpoint_type: String,
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    pub route_table_ids: Vec<String>,
    /// Resource tags; `None` when they could not be read (tag-based suppressions then do not match).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

impl Subnet {
    /// The subnet belongs to another account's VPC, shared with `account` through RAM.
    pub fn owned_by_other(&self, account: &str) -> bool {
        self.owner_id.as_deref().is_some_and(|o| o != account)
    }
}

impl VpcEndpoint {
    /// A gateway endpoint for S3 (`com.amazonaws.<region>.s3`; not S3 Express, not DynamoDB).
    pub fn is_s3_gateway(&self) -> bool {
        self.endpoint_type.eq_ignore_ascii_case("gateway") && self.service_name.ends_with(".s3")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct MetadataOptions {
    /// `required` or `optional`; `None` when the API did not say (AWS default: optional).
    pub http_tokens: Option<String>,
    /// `enabled` or `disabled`; `None` means enabled.
    pub http_endpoint: Option<String>,
    pub http_put_response_hop_limit: Option<i32>,
}

impl MetadataOptions {
    pub fn endpoint_enabled(&self) -> bool {
        self.http_endpoint.as_deref() != Some("disabled")
    }
    pub fn tokens_required(&self) -> bool {
        self.http_tokens.as_deref() == Some("required")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Instance {
    pub instance_id: String,
    pub state: Option<String>,
    pub subnet_id: Option<String>,
    pub vpc_id: Option<String>,
    pub instance_profile_arn: Option<String>,
    pub public_ip: Option<String>,
    pub metadata_options: MetadataOptions,
    /// Resource tags; `None` when they could not be read (tag-based suppressions then do not match).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LaunchTemplate {
    pub launch_template_id: String,
    pub name: String,
    pub default_version: Option<i64>,
    /// Metadata options of the default version; `None` when that version sets none.
    pub default_version_metadata: Collected<Option<MetadataOptions>>,
    /// The latest version's number, when it differs from the default version (Auto Scaling
    /// groups and fleets often launch `$Latest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_version: Option<i64>,
    /// Metadata options of the latest version when it differs from the default version
    /// (`Ok(None)`: that version sets none); `None` when the versions are the same, when the
    /// default version could not be read either, or in inventories saved before posture read
    /// `$Latest`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_version_metadata: Option<Collected<Option<MetadataOptions>>>,
    /// Resource tags; `None` when they could not be read (tag-based suppressions then do not match).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct MetadataDefaults {
    /// `required`, `optional`, or `None` for no preference.
    pub http_tokens: Option<String>,
    pub http_endpoint: Option<String>,
    pub http_put_response_hop_limit: Option<i32>,
    /// `enabled`: instances launch only when their resolved `HttpTokens` is `required`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_tokens_enforced: Option<String>,
    /// Who set these defaults: `account`, or `declarative-policy` (an EC2 declarative policy
    /// of the organization; the account cannot change them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_by: Option<String>,
    /// The message the declarative policy shows when it blocks a change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_exception_message: Option<String>,
}

impl MetadataDefaults {
    pub fn tokens_required(&self) -> bool {
        self.http_tokens.as_deref() == Some("required")
    }
    /// Launches whose resolved `HttpTokens` is not `required` are refused.
    pub fn tokens_enforced(&self) -> bool {
        self.http_tokens_enforced.as_deref() == Some("enabled")
    }
    /// Where these defaults come from, for evidence.
    pub fn source(&self) -> &'static str {
        if self.managed_by.as_deref() == Some("declarative-policy") {
            "the organization's EC2 declarative policy"
        } else {
            "the account default"
        }
    }
}

// ---------------------------------------------------------------- ACM

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Acm {
    pub certificates: Vec<Certificate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Certificate {
    pub arn: String,
    pub domain_name: Option<String>,
    /// `IMPORTED`, `AMAZON_ISSUED`, `PRIVATE`.
    pub cert_type: Option<String>,
    pub status: Option<String>,
    pub not_after: Option<DateTime<Utc>>,
    pub not_before: Option<DateTime<Utc>>,
    /// `ELIGIBLE` / `INELIGIBLE`.
    pub renewal_eligibility: Option<String>,
    /// e.g. `RSA_2048`, `EC_prime256v1`.
    pub key_algorithm: Option<String>,
    /// ARNs of the AWS resources that use the certificate (load balancers, CloudFront, ...).
    pub in_use_by: Vec<String>,
    /// `ENABLED` when the certificate (with its private key) can be exported and used outside
    /// AWS, where `in_use_by` cannot see it; `DISABLED`; `None` in older inventories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export: Option<String>,
}

// ---------------------------------------------------------------- KMS

fn kms_not_collected() -> Collected<Kms> {
    Collected::Failed(CollectionError::not_read(
        "kms",
        "ListKeys",
        "not collected: this inventory was saved by an older posture",
    ))
}

/// The customer-managed KMS keys of a region (ListKeys, then DescribeKey for each key; the keys
/// DescribeKey reports as AWS managed are left out).
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Kms {
    pub keys: Vec<KmsKey>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct KmsKey {
    pub key_id: String,
    pub arn: String,
    /// DescribeKey and the calls that depend on it; `Failed` when DescribeKey failed (the key
    /// may then be AWS managed or customer managed: unknown).
    pub details: Collected<KmsKeyDetails>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct KmsKeyDetails {
    /// `CUSTOMER` (AWS managed keys are not collected).
    pub key_manager: Option<String>,
    /// `Enabled`, `Disabled`, `PendingDeletion`, `PendingImport`, `PendingReplicaDeletion`,
    /// `Unavailable`, `Creating`, `Updating`.
    pub key_state: Option<String>,
    /// e.g. `SYMMETRIC_DEFAULT`, `RSA_2048`, `HMAC_256`.
    pub key_spec: Option<String>,
    /// `ENCRYPT_DECRYPT`, `SIGN_VERIFY`, `GENERATE_VERIFY_MAC`, `KEY_AGREEMENT`.
    pub key_usage: Option<String>,
    /// `AWS_KMS`, `EXTERNAL` (imported material), `AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`.
    pub origin: Option<String>,
    /// The key policy named `default` (GetKeyPolicy), the only name KMS supports.
    pub policy: Collected<String>,
    /// GetKeyRotationStatus: `None` where automatic rotation does not exist (asymmetric and
    /// HMAC keys, imported material, custom key stores) or the key is pending deletion.
    pub rotation_enabled: Option<Collected<bool>>,
}

impl KmsKeyDetails {
    /// Keys for which AWS offers automatic rotation: symmetric encryption keys whose key material
    /// KMS generated (AWS KMS Developer Guide, "Rotating AWS KMS keys").
    pub fn rotation_supported(&self) -> bool {
        self.key_spec.as_deref() == Some("SYMMETRIC_DEFAULT")
            && self.key_usage.as_deref() == Some("ENCRYPT_DECRYPT")
            && self.origin.as_deref().is_none_or(|o| o == "AWS_KMS")
    }

    /// Scheduled for deletion: its settings no longer matter.
    pub fn pending_deletion(&self) -> bool {
        matches!(
            self.key_state.as_deref(),
            Some("PendingDeletion" | "PendingReplicaDeletion")
        )
    }
}

// ---------------------------------------------------------------- Lambda

fn lambda_not_collected() -> Collected<Lambda> {
    Collected::Failed(CollectionError::not_read(
        "lambda",
        "ListFunctions",
        "not collected: this inventory was saved by an older posture",
    ))
}

/// The Lambda functions of a region (ListFunctions: the unpublished `$LATEST` configuration).
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Lambda {
    pub functions: Vec<LambdaFunction>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LambdaFunction {
    pub name: String,
    pub arn: String,
    /// The runtime identifier, e.g. `python3.13`; `None` for container images.
    pub runtime: Option<String>,
    /// `Zip` or `Image`.
    pub package_type: Option<String>,
    /// The resource-based policy (GetPolicy); `None` when the function has none
    /// (ResourceNotFoundException).
    pub policy: Collected<Option<String>>,
    /// The function URLs (ListFunctionUrlConfigs).
    pub urls: Collected<Vec<FunctionUrl>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FunctionUrl {
    pub url: String,
    /// `NONE` or `AWS_IAM`.
    pub auth_type: String,
}

// ---------------------------------------------------------------- API Gateway (REST)

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ApiGateway {
    pub rest_apis: Vec<RestApi>,
    pub domain_names: Vec<DomainName>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RestApi {
    pub id: String,
    pub name: Option<String>,
    pub endpoint_types: Vec<String>,
    /// The resource policy (GetRestApis `policy`), unescaped; `None` when the API has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    pub resources: Collected<Vec<ApiResource>>,
    pub authorizers: Collected<Vec<Authorizer>>,
    pub stages: Collected<Vec<Stage>>,
    /// Resource tags; `None` when they could not be read (tag-based suppressions then do not match).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ApiResource {
    pub id: String,
    pub path: String,
    pub methods: Vec<ApiMethod>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ApiMethod {
    pub http_method: String,
    /// `NONE`, `AWS_IAM`, `CUSTOM`, `COGNITO_USER_POOLS`.
    pub authorization_type: Option<String>,
    pub authorizer_id: Option<String>,
    pub api_key_required: bool,
    /// The method's integration (`methodIntegration` of GetResources with `embed=methods`, or
    /// of GetMethod); `None` when the method has none.
    #[serde(default = "method_integration_not_collected")]
    pub integration: Collected<Option<MethodIntegration>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Authorizer {
    pub id: String,
    pub name: Option<String>,
    pub authorizer_type: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Stage {
    pub name: String,
    pub tracing_enabled: bool,
    pub web_acl_arn: Option<String>,
    pub client_certificate_id: Option<String>,
    pub cache_cluster_enabled: bool,
    pub access_log_destination: Option<String>,
    /// Method settings keyed by `resource/method` (`*/*` = all methods).
    pub method_settings: BTreeMap<String, MethodSetting>,
    /// Resource tags; `None` when they could not be read (tag-based suppressions then do not match).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct MethodSetting {
    pub logging_level: Option<String>,
    pub caching_enabled: bool,
    pub cache_data_encrypted: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DomainName {
    pub domain_name: String,
    pub certificate_arn: Option<String>,
    pub regional_certificate_arn: Option<String>,
    /// `TLS_1_0`, `TLS_1_2`, or a newer `SecurityPolicy_*` name.
    pub security_policy: Option<String>,
    pub endpoint_types: Vec<String>,
    /// Resource tags; `None` when they could not be read (tag-based suppressions then do not match).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// GetBasePathMappings: the REST APIs and stages the domain serves.
    #[serde(default = "base_path_mappings_not_collected")]
    pub base_path_mappings: Collected<Vec<BasePathMapping>>,
}

// ------------------------------------------------- API Gateway: what links the front door path

fn method_integration_not_collected() -> Collected<Option<MethodIntegration>> {
    Collected::Failed(CollectionError::not_read(
        "apigateway",
        "GetResources",
        "not collected: this inventory was saved by an older posture",
    ))
}

fn base_path_mappings_not_collected() -> Collected<Vec<BasePathMapping>> {
    Collected::Failed(CollectionError::not_read(
        "apigateway",
        "GetBasePathMappings",
        "not collected: this inventory was saved by an older posture",
    ))
}

fn api_mappings_not_collected() -> Collected<Vec<ApiMapping>> {
    Collected::Failed(CollectionError::not_read(
        "apigatewayv2",
        "GetApiMappings",
        "not collected: this inventory was saved by an older posture",
    ))
}

fn integrations_not_collected() -> Collected<Vec<HttpIntegration>> {
    Collected::Failed(CollectionError::not_read(
        "apigatewayv2",
        "GetIntegrations",
        "not collected: this inventory was saved by an older posture",
    ))
}

/// A REST API method's integration (the Integration shape: `type`, `uri`, `connectionType`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MethodIntegration {
    /// `AWS`, `AWS_PROXY`, `HTTP`, `HTTP_PROXY` or `MOCK`.
    pub integration_type: Option<String>,
    /// `arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations`,
    /// `arn:aws:apigateway:{region}:s3:path/{bucket}/{key}`, an http(s) URL, or `None` (MOCK).
    pub uri: Option<String>,
    /// `INTERNET` (the default) or `VPC_LINK`.
    pub connection_type: Option<String>,
    pub connection_id: Option<String>,
    /// The role API Gateway assumes to call an AWS service (`credentials`).
    pub credentials: Option<String>,
}

/// A REST custom domain's base path mapping (GetBasePathMappings).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BasePathMapping {
    /// `(none)` for the empty base path, as API Gateway reports it.
    pub base_path: Option<String>,
    pub rest_api_id: Option<String>,
    pub stage: Option<String>,
}

/// A custom domain's API mapping (API Gateway v2 GetApiMappings: REST and HTTP APIs alike).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ApiMapping {
    pub api_mapping_id: String,
    pub api_id: String,
    /// The path under the domain (`orders`, `v1/orders`); `None` or empty for the root.
    pub api_mapping_key: Option<String>,
    pub stage: Option<String>,
}

/// An HTTP API integration (API Gateway v2 GetIntegrations).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HttpIntegration {
    pub integration_id: String,
    /// `AWS_PROXY` (Lambda, or an AWS service with a subtype) or `HTTP_PROXY`.
    pub integration_type: Option<String>,
    /// A Lambda function ARN (or its invocation URI), an http(s) URL, or for a private
    /// integration the ARN of a load balancer listener or Cloud Map service.
    pub integration_uri: Option<String>,
    /// For AWS service integrations: `SQS-SendMessage`, `EventBridge-PutEvents`, ….
    pub integration_subtype: Option<String>,
    /// `INTERNET` or `VPC_LINK`.
    pub connection_type: Option<String>,
    pub connection_id: Option<String>,
    pub credentials_arn: Option<String>,
}

// ---------------------------------------------------------------- API Gateway v2 (HTTP APIs)

fn apigatewayv2_not_collected() -> Collected<ApiGatewayV2> {
    Collected::Failed(CollectionError::not_read(
        "apigatewayv2",
        "GetApis",
        "not collected: this inventory was saved by an older posture",
    ))
}

/// The HTTP APIs of a region (GetApis, `protocolType` HTTP; WebSocket APIs are left out) and
/// the custom domain names API Gateway v2 lists (GetDomainNames).
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ApiGatewayV2 {
    pub apis: Vec<HttpApi>,
    pub domain_names: Vec<HttpDomainName>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HttpApi {
    pub api_id: String,
    pub name: Option<String>,
    /// `https://{api-id}.execute-api.{region}.amazonaws.com`.
    pub api_endpoint: Option<String>,
    /// The default execute-api endpoint is turned off: clients reach it through a custom domain.
    pub disable_execute_api_endpoint: bool,
    /// GetRoutes.
    pub routes: Collected<Vec<HttpRoute>>,
    /// GetStages.
    pub stages: Collected<Vec<HttpStage>>,
    /// GetIntegrations: the back ends routes send requests to.
    #[serde(default = "integrations_not_collected")]
    pub integrations: Collected<Vec<HttpIntegration>>,
    /// Resource tags (GetApis returns them inline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HttpRoute {
    pub route_id: String,
    /// `GET /orders`, `ANY /{proxy+}`, `$default`.
    pub route_key: String,
    /// `NONE`, `AWS_IAM`, `JWT`, `CUSTOM`; `None` when API Gateway did not report it.
    pub authorization_type: Option<String>,
    pub authorizer_id: Option<String>,
    /// `integrations/{integration-id}`.
    pub target: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HttpStage {
    pub stage_name: String,
    pub auto_deploy: bool,
    /// AccessLogSettings.DestinationArn: the CloudWatch Logs log group, or `None`.
    pub access_log_destination: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HttpDomainName {
    pub domain_name: String,
    /// One per endpoint the domain is served from (DomainNameConfigurations).
    pub configurations: Vec<HttpDomainConfiguration>,
    /// GetApiMappings: the APIs (HTTP or REST) and stages the domain serves.
    #[serde(default = "api_mappings_not_collected")]
    pub api_mappings: Collected<Vec<ApiMapping>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HttpDomainConfiguration {
    /// `REGIONAL` or `EDGE`.
    pub endpoint_type: Option<String>,
    /// `TLS_1_0`, `TLS_1_2`, or a newer `SecurityPolicy_*` name; `None` when not reported.
    pub security_policy: Option<String>,
    pub certificate_arn: Option<String>,
}

// ---------------------------------------------------------------- Organizations

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub arn: String,
    pub management_account_id: String,
    pub feature_set: Option<String>,
    pub roots: Vec<OrgRoot>,
    pub organizational_units: Vec<OrganizationalUnit>,
    /// Set when the root/OU tree could not be walked: `roots` and `organizational_units` are then
    /// incomplete, accounts have no parent, and what depends on the tree is not assessed (read
    /// it through [`Organization::hierarchy`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hierarchy_error: Option<CollectionError>,
    /// All accounts of the organization, whatever their state.
    pub accounts: Vec<OrgAccount>,
    /// SCPs attached to each target (root, OU or account id).
    pub scp_attachments: Collected<BTreeMap<String, Vec<PolicyRef>>>,
    /// The organization's policies of the authorization types (SCPs, RCPs) and the declarative
    /// and S3 policy types enabled on the root, with their documents and targets.
    #[serde(default = "policies_not_collected")]
    pub policies: Collected<Vec<OrgPolicy>>,
    pub delegated_administrators: Collected<Vec<DelegatedAdministrator>>,
}

fn policies_not_collected() -> Collected<Vec<OrgPolicy>> {
    Collected::Failed(CollectionError::not_read(
        "organizations",
        "ListPolicies",
        "not collected: this inventory was saved by an older posture",
    ))
}

impl CollectionError {
    /// Data posture did not read although no call failed for it, and why.
    pub fn not_read(service: &str, operation: &str, why: impl Into<String>) -> CollectionError {
        CollectionError {
            service: service.into(),
            operation: operation.into(),
            region: None,
            resource: None,
            kind: ErrorKind::Other,
            code: None,
            message: why.into(),
        }
    }
}

/// An organization policy with its document and where it is attached.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OrgPolicy {
    pub id: String,
    pub name: String,
    /// `SERVICE_CONTROL_POLICY`, `RESOURCE_CONTROL_POLICY`, `DECLARATIVE_POLICY_EC2`, `S3_POLICY`.
    pub policy_type: String,
    pub aws_managed: bool,
    /// The policy document (DescribePolicy); `Failed` when it could not be read.
    pub content: Collected<String>,
    /// Root, OU and account ids it is attached to (ListTargetsForPolicy); `Failed` when they
    /// could not be listed.
    pub targets: Collected<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OrgRoot {
    pub id: String,
    pub name: String,
    pub enabled_policy_types: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OrganizationalUnit {
    pub id: String,
    pub name: String,
    pub parent_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OrgAccount {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    /// `ACTIVE`, `PENDING_ACTIVATION`, `SUSPENDED`, `PENDING_CLOSURE`, `CLOSED` (the `State`
    /// field; from the retired `Status` when only that was sent), or `UNKNOWN` when AWS sent
    /// neither. Older inventories called it `status`.
    #[serde(alias = "status")]
    pub state: String,
    pub parent_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PolicyRef {
    pub id: String,
    pub name: String,
    pub aws_managed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DelegatedAdministrator {
    pub account_id: String,
    pub account_name: Option<String>,
    pub service_principals: Vec<String>,
}

impl Organization {
    /// The roots and OUs, or why the tree could not be walked.
    pub fn hierarchy(&self) -> Result<(&[OrgRoot], &[OrganizationalUnit]), &CollectionError> {
        match &self.hierarchy_error {
            Some(e) => Err(e),
            None => Ok((&self.roots, &self.organizational_units)),
        }
    }

    /// The root and OU ids above an account, nearest first (empty when its parent is unknown).
    pub fn ancestors_of(&self, account_id: &str) -> Vec<String> {
        let mut out = Vec::new();
        let Some(mut current) = self
            .accounts
            .iter()
            .find(|a| a.id == account_id)
            .and_then(|a| a.parent_id.clone())
        else {
            return out;
        };
        // Bounded walk: a corrupt saved inventory with a cycle must not hang.
        for _ in 0..64 {
            out.push(current.clone());
            match self.organizational_units.iter().find(|o| o.id == current) {
                Some(ou) => current = ou.parent_id.clone(),
                None => break,
            }
        }
        out
    }

    /// The OU path (`Root/Security`) of a parent id.
    pub fn path_of(&self, parent_id: &str) -> String {
        let mut parts = Vec::new();
        let mut current = parent_id.to_string();
        // Bounded walk: a corrupt saved inventory with a cycle must not hang.
        for _ in 0..64 {
            if let Some(ou) = self.organizational_units.iter().find(|o| o.id == current) {
                parts.push(ou.name.clone());
                current = ou.parent_id.clone();
            } else {
                if self.roots.iter().any(|r| r.id == current) {
                    parts.push("Root".to_string());
                }
                break;
            }
        }
        parts.reverse();
        parts.join("/")
    }
}

impl Collected<Organization> {
    /// The organization's failed calls, with the account each concerns.
    pub fn collection_errors(&self, caller_account_id: &str) -> Vec<(String, CollectionError)> {
        match self {
            Collected::Failed(e) => vec![(caller_account_id.to_string(), e.clone())],
            Collected::Ok(org) => [
                org.hierarchy_error.as_ref(),
                org.scp_attachments.error(),
                org.policies.error(),
                org.delegated_administrators.error(),
            ]
            .into_iter()
            .flatten()
            .chain(
                org.policies
                    .as_ref()
                    .into_iter()
                    .flatten()
                    .flat_map(|p| [p.content.error(), p.targets.error()].into_iter().flatten()),
            )
            .map(|e| (org.management_account_id.clone(), e.clone()))
            .collect(),
        }
    }
}

impl AccountInventory {
    /// Every failed collection call of this account.
    pub fn collection_errors(&self) -> Vec<CollectionError> {
        let mut out = Vec::new();
        let a = self;
        let mut push = |e: Option<&CollectionError>| {
            if let Some(e) = e {
                out.push(e.clone());
            }
        };
        if let AccountAccess::Denied { error, .. } = &a.access {
            // One entry for the account; its per-service copies would repeat it.
            push(Some(error));
            return out;
        }
        push(a.regions.error());
        push(a.security_contact.error());
        if let Collected::Ok(iam) = &a.iam {
            push(iam.credential_report.error());
            push(iam.users.error());
            push(iam.password_policy.error());
            push(iam.account_summary.error());
            push(iam.roles.error());
            push(iam.organizations_features.as_ref().and_then(|f| f.error()));
            if let Collected::Ok(users) = &iam.users {
                for u in users {
                    push(u.details.as_ref().and_then(|d| d.error()));
                }
            }
        }
        push(a.iam.error());
        push(a.s3.error());
        if let Collected::Ok(s3) = &a.s3 {
            push(s3.account_public_access_block.error());
            push(s3.buckets.error());
            if let Collected::Ok(buckets) = &s3.buckets {
                for b in buckets {
                    for e in [
                        b.region.error(),
                        b.policy.error(),
                        b.public_access_block.error(),
                        b.acl_grants.error(),
                        b.object_ownership.error(),
                        b.default_encryption.error(),
                        b.versioning.error(),
                        b.logging_target.error(),
                    ] {
                        push(e);
                    }
                }
            }
        }
        for r in a.regional.values() {
            push(r.ec2.error());
            if let Collected::Ok(ec2) = &r.ec2 {
                push(ec2.instance_metadata_defaults.error());
                push(ec2.vpc_block_public_access.error());
                push(ec2.snapshot_block_public_access.error());
                push(ec2.image_block_public_access.error());
                push(ec2.ebs_encryption_by_default.error());
                for lt in &ec2.launch_templates {
                    push(lt.default_version_metadata.error());
                    push(lt.latest_version_metadata.as_ref().and_then(|m| m.error()));
                }
            }
            push(r.acm.error());
            push(r.apigateway.error());
            push(r.kms.error());
            push(r.lambda.error());
            // --- SVC: securityhub ---
            push(r.securityhub.error());
            if let Collected::Ok(sh) = &r.securityhub {
                for e in sh.errors() {
                    push(Some(e));
                }
            }
            // --- end SVC: securityhub ---
            if let Collected::Ok(lambda) = &r.lambda {
                for f in &lambda.functions {
                    push(f.policy.error());
                    push(f.urls.error());
                }
            }
            if let Collected::Ok(kms) = &r.kms {
                for k in &kms.keys {
                    push(k.details.error());
                    if let Collected::Ok(d) = &k.details {
                        push(d.policy.error());
                        push(d.rotation_enabled.as_ref().and_then(|r| r.error()));
                    }
                }
            }
            if let Collected::Ok(gw) = &r.apigateway {
                for api in &gw.rest_apis {
                    push(api.resources.error());
                    push(api.authorizers.error());
                    push(api.stages.error());
                }
            }
            push(r.apigatewayv2.error());
            if let Collected::Ok(v2) = &r.apigatewayv2 {
                for api in &v2.apis {
                    push(api.routes.error());
                    push(api.stages.error());
                }
            }
            // --- backbone: config ---
            push(r.config.error());
            if let Collected::Ok(c) = &r.config {
                push(c.recorder_statuses.error());
                push(c.delivery_channels.error());
                push(c.aggregators.error());
            }
            // --- end backbone: config ---
            // --- backbone: guardduty + detective ---
            push(r.guardduty.error());
            if let Collected::Ok(gd) = &r.guardduty {
                gd.collection_errors()
                    .into_iter()
                    .for_each(|e| push(Some(e)));
            }
            push(r.detective.error());
            if let Collected::Ok(d) = &r.detective {
                d.collection_errors()
                    .into_iter()
                    .for_each(|e| push(Some(e)));
            }
            // --- end guardduty + detective ---
            // --- backbone: cloudtrail
            push(r.cloudtrail.error());
            if let Collected::Ok(ct) = &r.cloudtrail {
                for t in &ct.trails {
                    push(t.status.as_ref().and_then(|s| s.error()));
                    push(t.management_events.as_ref().and_then(|m| m.error()));
                }
            }
            // --- end backbone: cloudtrail
            // --- SVC: accessanalyzer, inspector2, macie
            push(r.accessanalyzer.error());
            push(r.inspector2.error());
            push(r.inspector2_organization.as_ref().and_then(|o| o.error()));
            push(r.macie.error());
            push(r.macie_organization.as_ref().and_then(|o| o.error()));
            // --- end SVC: accessanalyzer, inspector2, macie
            // What links the front door path: mappings and integrations.
            if let Collected::Ok(gw) = &r.apigateway {
                for d in &gw.domain_names {
                    push(d.base_path_mappings.error());
                }
                // Method integrations come with GetResources: one failure per API is the
                // whole story (an older inventory lacks them all).
                for api in &gw.rest_apis {
                    if let Collected::Ok(resources) = &api.resources {
                        push(
                            resources
                                .iter()
                                .flat_map(|r| &r.methods)
                                .find_map(|m| m.integration.error()),
                        );
                    }
                }
            }
            if let Collected::Ok(v2) = &r.apigatewayv2 {
                for d in &v2.domain_names {
                    push(d.api_mappings.error());
                }
                for api in &v2.apis {
                    push(api.integrations.error());
                }
            }
        }
        out
    }
}

/// The API calls a scan made, as reported in its inventory and result (counted by the scanner's
/// HTTP layer; defined here so that the inventory does not depend on it).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CallSummary {
    /// HTTP requests sent, retries included.
    pub attempts: u64,
    /// Responses with an HTTP status of 400 or more (before retries resolved them).
    pub error_responses: u64,
    /// Responses with 429 or 503 (throttling, slow down).
    pub throttled_responses: u64,
    /// Requests per `service:Operation`.
    pub by_operation: BTreeMap<String, u64>,
}
