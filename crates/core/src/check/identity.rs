//! One identity per inventory type: the ARN (or stable identifier) a result names, the region it
//! carries and the tags it reports, derived from the resource and where it was collected. A
//! check never formats an ARN or looks tags up; it hands the resource to [`Findings`].
//!
//! [`Findings`]: super::Findings

use std::collections::BTreeMap;
use std::ops::Deref;

use super::digest::Owner;

use crate::inventory::{
    AccountInventory, Acm, ApiGateway, ApiGatewayV2, ApiMethod, ApiResource, Bucket, Certificate,
    DomainName, Ec2, HttpApi, HttpDomainName, HttpIntegration, HttpRoute, HttpStage, Iam, IamRole,
    IamUser, Instance, Kms, KmsKey, Lambda, LambdaFunction, LaunchTemplate, Organization,
    RegionInventory, RestApi, RouteTable, S3, Stage, Subnet, Vpc, VpcEndpoint,
};
// --- backbone: guardduty + detective ---
use crate::inventory::{Detective, GuardDuty};
// --- end guardduty + detective ---
// --- backbone: cloudtrail
use crate::inventory::{CloudTrail, Trail};
// --- end backbone: cloudtrail
// --- SVC: accessanalyzer, inspector2, macie
use crate::inventory::{
    AccessAnalyzer, Inspector2, Inspector2Organization, Macie, MacieOrganization,
};
// --- end SVC: accessanalyzer, inspector2, macie
// --- SVC: securityhub ---
use crate::inventory::SecurityHub;
// --- end SVC: securityhub ---

pub type Tags = BTreeMap<String, String>;

/// The identifier of an account-scope result.
pub fn account_resource(account_id: &str) -> String {
    format!("AWS::::Account:{account_id}")
}

/// The ARN of an S3 bucket, collected or only named (by an endpoint policy).
pub fn bucket_arn(partition: &str, name: &str) -> String {
    format!("arn:{partition}:s3:::{name}")
}

/// Where a resource was collected: what its identity is built from.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub partition: &'a str,
    pub account_id: &'a str,
    /// The region it was collected in; `None` for global data (IAM, the S3 bucket list).
    pub region: Option<&'a str>,
    /// The ARN of the resource it belongs to (a stage's API, a method's resource).
    pub parent: Option<&'a str>,
}

/// How an inventory type names itself in results.
pub trait Identity {
    /// The ARN, or a stable identifier for what has none (`AWS::::Account:<id>`).
    fn arn(&self, at: &Place) -> String;
    /// The region a result about it carries: by default where it was collected.
    fn region<'a>(&'a self, collected_in: Option<&'a str>) -> Option<&'a str> {
        collected_in
    }
    /// Its tags, where posture collects them.
    fn tags(&self) -> Option<&Tags> {
        None
    }
}

/// An inventory item with the place it was collected: what walkers yield, and what a result is
/// built from. Dereferences to the item.
pub struct At<'i, T: ?Sized, A: ?Sized = AccountInventory> {
    pub account: &'i A,
    pub region: Option<&'i str>,
    pub item: &'i T,
    partition: &'i str,
    /// The parent's ARN and tags, for items named under a parent (stages, methods).
    parent: Option<(String, Option<&'i Tags>)>,
}

impl<T: ?Sized, A: ?Sized> Clone for At<'_, T, A> {
    fn clone(&self) -> Self {
        At {
            account: self.account,
            region: self.region,
            item: self.item,
            partition: self.partition,
            parent: self.parent.clone(),
        }
    }
}

impl<T: ?Sized, A: ?Sized> Deref for At<'_, T, A> {
    type Target = T;
    fn deref(&self) -> &T {
        self.item
    }
}

impl<'i, T: ?Sized, A: Owner + ?Sized> At<'i, T, A> {
    pub(crate) fn new(
        partition: &'i str,
        account: &'i A,
        region: Option<&'i str>,
        item: &'i T,
    ) -> Self {
        At {
            account,
            region,
            item,
            partition,
            parent: None,
        }
    }

    pub fn account_id(&self) -> &'i str {
        self.account.account_id()
    }

    pub fn partition(&self) -> &'i str {
        self.partition
    }

    /// Another item at the same place (data of the same account and region).
    pub fn at<U: ?Sized>(&self, item: &'i U) -> At<'i, U, A> {
        At {
            account: self.account,
            region: self.region,
            item,
            partition: self.partition,
            parent: self.parent.clone(),
        }
    }

    /// A part of this resource, named under its ARN and inheriting its tags (a stage of an API,
    /// the methods of an API resource).
    pub fn part<U: ?Sized>(&self, item: &'i U) -> At<'i, U, A>
    where
        T: Identity,
    {
        let tags = self.item.tags().or(self.parent.as_ref().and_then(|p| p.1));
        At {
            account: self.account,
            region: self.region,
            item,
            partition: self.partition,
            parent: Some((self.arn(), tags)),
        }
    }

    fn place(&self) -> Place<'_> {
        Place {
            partition: self.partition,
            account_id: self.account.account_id(),
            region: self.region,
            parent: self.parent.as_ref().map(|p| p.0.as_str()),
        }
    }
}

impl<'i, T: Identity + ?Sized, A: Owner + ?Sized> At<'i, T, A> {
    pub fn arn(&self) -> String {
        self.item.arn(&self.place())
    }
}

/// What a result is about: account, region, resource identifier and tags.
#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    pub account_id: String,
    pub region: Option<String>,
    pub resource: String,
    pub tags: Option<Tags>,
}

impl Subject {
    /// A subject without an inventory item behind it (an organization, a resource named by
    /// another resource and not collected).
    pub fn named(account_id: &str, region: Option<&str>, resource: impl Into<String>) -> Subject {
        Subject {
            account_id: account_id.to_string(),
            region: region.map(str::to_string),
            resource: resource.into(),
            tags: None,
        }
    }

    /// An account as a whole.
    pub fn account(account_id: &str) -> Subject {
        Subject::named(account_id, None, account_resource(account_id))
    }
}

/// Anything a result can be about.
pub trait Resource {
    fn subject(&self) -> Subject;
}

impl Resource for Subject {
    fn subject(&self) -> Subject {
        self.clone()
    }
}

impl<T: Identity + ?Sized, A: Owner + ?Sized> Resource for At<'_, T, A> {
    fn subject(&self) -> Subject {
        Subject {
            account_id: self.account.account_id().to_string(),
            region: self.item.region(self.region).map(str::to_string),
            resource: self.arn(),
            tags: self
                .item
                .tags()
                .or(self.parent.as_ref().and_then(|p| p.1))
                .cloned(),
        }
    }
}

/// The organization (what [`Findings::organization`](super::Findings::organization) yields):
/// named by its ARN, in its management account.
impl Resource for Organization {
    fn subject(&self) -> Subject {
        Subject::named(&self.management_account_id, None, &self.arn)
    }
}

/// A named part of the organization's configuration (the delegated administrator of one
/// service): under the organization's ARN, in its management account.
pub fn organization_part(org: &Organization, part: &str) -> Subject {
    Subject::named(
        &org.management_account_id,
        None,
        format!("{}/{part}", org.arn),
    )
}

impl<R: Resource + ?Sized> Resource for &R {
    fn subject(&self) -> Subject {
        (**self).subject()
    }
}

// ------------------------------------------------------------------------ the identities

/// Account-scope data (the account, its services' account-wide settings) is named by the
/// account.
macro_rules! account_scope {
    ($($t:ty),*) => {$(
        impl Identity for $t {
            fn arn(&self, at: &Place) -> String {
                account_resource(at.account_id)
            }
        }
    )*};
}
account_scope!(
    AccountInventory,
    RegionInventory,
    Iam,
    S3,
    Ec2,
    Acm,
    ApiGateway,
    ApiGatewayV2,
    Kms,
    Lambda
);

impl Identity for Bucket {
    fn arn(&self, at: &Place) -> String {
        bucket_arn(at.partition, &self.name)
    }
    /// A bucket's results carry its own region (none when its location could not be read).
    fn region<'a>(&'a self, _collected_in: Option<&'a str>) -> Option<&'a str> {
        self.region.as_ref().ok().map(String::as_str)
    }
    fn tags(&self) -> Option<&Tags> {
        self.tags.as_ref()
    }
}

impl Identity for IamUser {
    fn arn(&self, _: &Place) -> String {
        self.arn.clone()
    }
}

impl Identity for IamRole {
    fn arn(&self, _: &Place) -> String {
        self.arn.clone()
    }
    fn tags(&self) -> Option<&Tags> {
        self.tags.as_ref()
    }
}

impl Identity for Certificate {
    fn arn(&self, _: &Place) -> String {
        self.arn.clone()
    }
}

// --- backbone: config ---
/// AWS Config in a region: named by its configuration recorder's ARN when AWS reported one,
/// else by the account (the result carries the region).
impl Identity for crate::inventory::Config {
    fn arn(&self, at: &Place) -> String {
        self.recorders
            .first()
            .and_then(|r| r.arn.clone())
            .unwrap_or_else(|| account_resource(at.account_id))
    }
}
// --- end backbone: config ---
// --- backbone: cloudtrail
/// CloudTrail in one region of an account: named by the account, in the region it was read.
impl Identity for CloudTrail {
    fn arn(&self, at: &Place) -> String {
        account_resource(at.account_id)
    }
}

/// The trail's ARN as DescribeTrails reports it (home region, owner account); results carry the
/// trail's home region.
impl Identity for Trail {
    fn arn(&self, _: &Place) -> String {
        self.arn.clone()
    }
    fn region<'a>(&'a self, collected_in: Option<&'a str>) -> Option<&'a str> {
        self.home_region.as_deref().or(collected_in)
    }
}
// --- end backbone: cloudtrail

/// The key's ARN as ListKeys reports it.
impl Identity for KmsKey {
    fn arn(&self, _: &Place) -> String {
        self.arn.clone()
    }
}

/// The function's ARN as ListFunctions reports it (unqualified).
impl Identity for LambdaFunction {
    fn arn(&self, _: &Place) -> String {
        self.arn.clone()
    }
}

// --- SVC: securityhub ---
/// Security Hub in a region: the hub's ARN as DescribeHub reports it; where the account is not
/// subscribed, the ARN its hub has once enabled (`hub/default`), so the region's results keep
/// one name whether the service is on or off.
impl Identity for SecurityHub {
    fn arn(&self, at: &Place) -> String {
        match &self.hub {
            Some(h) => h.arn.clone(),
            None => format!(
                "arn:{}:securityhub:{}:{}:hub/default",
                at.partition,
                at.region.unwrap_or_default(),
                at.account_id
            ),
        }
    }
}
// --- end SVC: securityhub ---

/// `arn:<partition>:ec2:<region>:<account>:<kind>/<id>`.
fn ec2_arn(at: &Place, kind: &str, id: &str) -> String {
    format!(
        "arn:{}:ec2:{}:{}:{kind}/{id}",
        at.partition,
        at.region.unwrap_or_default(),
        at.account_id
    )
}

macro_rules! ec2_identity {
    ($t:ty, $kind:literal, $id:ident, tagged) => {
        impl Identity for $t {
            fn arn(&self, at: &Place) -> String {
                ec2_arn(at, $kind, &self.$id)
            }
            fn tags(&self) -> Option<&Tags> {
                self.tags.as_ref()
            }
        }
    };
    ($t:ty, $kind:literal, $id:ident) => {
        impl Identity for $t {
            fn arn(&self, at: &Place) -> String {
                ec2_arn(at, $kind, &self.$id)
            }
        }
    };
}
ec2_identity!(Instance, "instance", instance_id, tagged);
ec2_identity!(Subnet, "subnet", subnet_id, tagged);
ec2_identity!(VpcEndpoint, "vpc-endpoint", vpc_endpoint_id, tagged);
ec2_identity!(
    LaunchTemplate,
    "launch-template",
    launch_template_id,
    tagged
);
ec2_identity!(Vpc, "vpc", vpc_id);
ec2_identity!(RouteTable, "route-table", route_table_id);

/// `arn:<partition>:apigateway:<region>::/<collection>/<id>` (REST and HTTP APIs, custom domains).
fn apigateway_arn(at: &Place, collection: &str, id: &str) -> String {
    format!(
        "arn:{}:apigateway:{}::/{collection}/{id}",
        at.partition,
        at.region.unwrap_or_default()
    )
}

impl Identity for RestApi {
    fn arn(&self, at: &Place) -> String {
        apigateway_arn(at, "restapis", &self.id)
    }
    fn tags(&self) -> Option<&Tags> {
        self.tags.as_ref()
    }
}

impl Identity for DomainName {
    fn arn(&self, at: &Place) -> String {
        apigateway_arn(at, "domainnames", &self.domain_name)
    }
    fn tags(&self) -> Option<&Tags> {
        self.tags.as_ref()
    }
}

/// API Gateway v2 ARN format: `arn:aws:apigateway:<region>::/apis/<api-id>`.
impl Identity for HttpApi {
    fn arn(&self, at: &Place) -> String {
        apigateway_arn(at, "apis", &self.api_id)
    }
    fn tags(&self) -> Option<&Tags> {
        self.tags.as_ref()
    }
}

/// Named under its HTTP API ([`At::part`]): `…/apis/<api-id>/routes/<route-id>`; results
/// inherit the API's tags.
impl Identity for HttpRoute {
    fn arn(&self, at: &Place) -> String {
        format!("{}/routes/{}", at.parent.unwrap_or_default(), self.route_id)
    }
}

/// Named under its HTTP API ([`At::part`]): `…/apis/<api-id>/integrations/<integration-id>`
/// (API Gateway's ARN of an integration); results inherit the API's tags.
impl Identity for HttpIntegration {
    fn arn(&self, at: &Place) -> String {
        format!(
            "{}/integrations/{}",
            at.parent.unwrap_or_default(),
            self.integration_id
        )
    }
}

/// Named under its HTTP API ([`At::part`]): `…/apis/<api-id>/stages/<stage-name>`.
impl Identity for HttpStage {
    fn arn(&self, at: &Place) -> String {
        format!(
            "{}/stages/{}",
            at.parent.unwrap_or_default(),
            self.stage_name
        )
    }
    fn tags(&self) -> Option<&Tags> {
        self.tags.as_ref()
    }
}

/// The same ARN as a REST API's custom domain: API Gateway has one pool of custom domain
/// names per region for REST and HTTP APIs.
impl Identity for HttpDomainName {
    fn arn(&self, at: &Place) -> String {
        apigateway_arn(at, "domainnames", &self.domain_name)
    }
    fn tags(&self) -> Option<&Tags> {
        self.tags.as_ref()
    }
}

/// Named under its API ([`At::part`]).
impl Identity for Stage {
    fn arn(&self, at: &Place) -> String {
        format!("{}/stages/{}", at.parent.unwrap_or_default(), self.name)
    }
    fn tags(&self) -> Option<&Tags> {
        self.tags.as_ref()
    }
}

/// Named under its API ([`At::part`]); results inherit the API's tags.
impl Identity for ApiResource {
    fn arn(&self, at: &Place) -> String {
        format!("{}/resources/{}", at.parent.unwrap_or_default(), self.id)
    }
}

/// Named under its API resource ([`At::part`]); results inherit the API's tags.
impl Identity for ApiMethod {
    fn arn(&self, at: &Place) -> String {
        format!(
            "{}/methods/{}",
            at.parent.unwrap_or_default(),
            self.http_method
        )
    }
}

// --- SVC: accessanalyzer, inspector2, macie

/// The state of a regional service in one account, which AWS gives no ARN of its own:
/// `arn:<partition>:<service>:<region>:<account>:<what>` (`what`: `account` for the account's
/// own state, `organization-configuration` for what the delegated administrator configures).
/// One stable name per account and region, whether the service is on or off there.
fn regional_service_arn(at: &Place, service: &str, what: &str) -> String {
    format!(
        "arn:{}:{service}:{}:{}:{what}",
        at.partition,
        at.region.unwrap_or_default(),
        at.account_id
    )
}

impl Identity for AccessAnalyzer {
    fn arn(&self, at: &Place) -> String {
        regional_service_arn(at, "access-analyzer", "account")
    }
}

impl Identity for Inspector2 {
    fn arn(&self, at: &Place) -> String {
        regional_service_arn(at, "inspector2", "account")
    }
}

impl Identity for Inspector2Organization {
    fn arn(&self, at: &Place) -> String {
        regional_service_arn(at, "inspector2", "organization-configuration")
    }
}

impl Identity for Macie {
    fn arn(&self, at: &Place) -> String {
        regional_service_arn(at, "macie2", "account")
    }
}

impl Identity for MacieOrganization {
    fn arn(&self, at: &Place) -> String {
        regional_service_arn(at, "macie2", "organization-configuration")
    }
}
// --- end SVC: accessanalyzer, inspector2, macie
// --- backbone: guardduty + detective ---

/// GuardDuty in a Region is named by its detector,
/// `arn:<partition>:guardduty:<region>:<account>:detector/<id>`; a Region without a detector by
/// the account (the result carries the Region).
impl Identity for GuardDuty {
    fn arn(&self, at: &Place) -> String {
        match &self.detector {
            Some(d) => format!(
                "arn:{}:guardduty:{}:{}:detector/{}",
                at.partition,
                at.region.unwrap_or_default(),
                at.account_id,
                d.detector_id
            ),
            None => account_resource(at.account_id),
        }
    }
}

/// Detective in a Region is named by the behavior graph the account administers (its ARN as
/// ListGraphs reports it); otherwise by the account (the result carries the Region).
impl Identity for Detective {
    fn arn(&self, at: &Place) -> String {
        match self.graphs.first() {
            Some(g) => g.arn.clone(),
            None => account_resource(at.account_id),
        }
    }
}

// --- end guardduty + detective ---
