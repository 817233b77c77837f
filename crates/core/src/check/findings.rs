//! The results of one check, and the walkers that hand a check the resources it judges.
//!
//! A walker visits one level of the inventory (accounts, regions with a service, buckets,
//! users, roles, instances, endpoints, launch templates, certificates, APIs, stages, domains,
//! the organization) and owns the "not assessed" step: where the data of that level was not
//! collected, or the account could not be entered, it records the result with the structured
//! [`Reason`] and does not yield the level. A check built on walkers cannot forget it.

use std::collections::BTreeMap;

use super::digest::{AccountDigest, BucketDigest, Ec2Digest, IamDigest, Owner, S3Digest};
// --- SVC: accessanalyzer, inspector2, macie
use super::digest::AnalyzersDigest;
use crate::inventory::{AccessAnalyzer, Inspector2, Macie};
// --- end SVC: accessanalyzer, inspector2, macie
// --- backbone: guardduty + detective ---
use crate::inventory::{Detective, GuardDuty};
// --- end guardduty + detective ---
use super::identity::{At, Identity, Resource};
use super::model::{CheckResult, Evidence, Status};
use super::reason::Reason;
use super::{Context, OrgContext};
use crate::inventory::{
    AccountAccess, AccountInventory, Acm, ApiGateway, ApiGatewayV2, Bucket, Certificate, Collected,
    DomainName, Ec2, HttpApi, HttpDomainName, HttpStage, Iam, IamRole, IamUser, Instance, Kms,
    KmsKey, KmsKeyDetails, Lambda, LambdaFunction, LaunchTemplate, Organization, RegionInventory,
    RestApi, S3, Stage, Subnet, VpcEndpoint,
};
// --- backbone: cloudtrail
use crate::inventory::{CloudTrail, Trail};
// --- end backbone: cloudtrail
// --- SVC: securityhub ---
use crate::inventory::SecurityHub;
// --- end SVC: securityhub ---

/// The results of one check. The registry creates it with the check's id; a check only says
/// what it found.
pub struct Findings {
    check: &'static str,
    items: Vec<CheckResult>,
}

impl Findings {
    pub fn new(check: &'static str) -> Findings {
        Findings {
            check,
            items: Vec::new(),
        }
    }

    pub fn into_results(self) -> Vec<CheckResult> {
        self.items
    }

    fn push(
        &mut self,
        status: Status,
        on: &impl Resource,
        message: String,
        reason: Option<&Reason>,
    ) -> &mut CheckResult {
        let s = on.subject();
        self.items.push(CheckResult {
            check_id: self.check.to_string(),
            status,
            account_id: s.account_id,
            region: s.region,
            resource: s.resource,
            message,
            evidence: Vec::new(),
            tags: s.tags,
            reason: reason.map(Reason::record),
        });
        self.items.last_mut().expect("just pushed")
    }

    pub fn pass(&mut self, on: &impl Resource, message: impl Into<String>) -> &mut CheckResult {
        self.push(Status::Pass, on, message.into(), None)
    }

    pub fn fail(&mut self, on: &impl Resource, message: impl Into<String>) -> &mut CheckResult {
        self.push(Status::Fail, on, message.into(), None)
    }

    /// Pass when `ok`, fail otherwise, with the message of that outcome.
    pub fn verdict(
        &mut self,
        on: &impl Resource,
        ok: bool,
        message: impl Into<String>,
    ) -> &mut CheckResult {
        let status = if ok { Status::Pass } else { Status::Fail };
        self.push(status, on, message.into(), None)
    }

    /// Pass with `pass` when nothing was `found` (stale credentials, missing OUs, problems of a
    /// certificate); fail otherwise, with the message `fail` makes of what was found.
    pub fn pass_unless_any<S: std::borrow::Borrow<str>>(
        &mut self,
        on: &impl Resource,
        found: &[S],
        pass: impl Into<String>,
        fail: impl FnOnce(&[S]) -> String,
    ) -> &mut CheckResult {
        if found.is_empty() {
            self.pass(on, pass)
        } else {
            self.fail(on, fail(found))
        }
    }

    /// There was nothing to judge (no cache on the stage, no policy to analyse).
    pub fn not_applicable(
        &mut self,
        on: &impl Resource,
        message: impl Into<String>,
    ) -> &mut CheckResult {
        self.push(Status::NotApplicable, on, message.into(), None)
    }

    /// The check could not judge: never a pass. The message is the reason's sentence.
    pub fn not_assessed(&mut self, on: &impl Resource, reason: Reason) -> &mut CheckResult {
        self.push(Status::NotAssessed, on, reason.sentence(), Some(&reason))
    }

    /// Add evidence to the last result.
    pub fn evidence(&mut self, path: impl Into<String>, value: impl ToString) -> &mut Self {
        if let Some(last) = self.items.last_mut() {
            last.evidence.push(Evidence {
                path: path.into(),
                value: value.to_string(),
            });
        }
        self
    }

    /// Unwrap collected data, or record "not assessed" on `on` and return `None`.
    pub fn collected<'d, T>(
        &mut self,
        on: &impl Resource,
        data: &'d Collected<T>,
    ) -> Option<&'d T> {
        match data {
            Collected::Ok(v) => Some(v),
            Collected::Failed(e) => {
                self.not_assessed(on, Reason::collection(e));
                None
            }
        }
    }

    /// [`collected`](Self::collected), keeping the place: the data as an [`At`] of `at`.
    pub fn collected_at<'i, T: Identity + ?Sized, U, A: Owner + ?Sized>(
        &mut self,
        at: &At<'i, T, A>,
        data: &'i Collected<U>,
    ) -> Option<At<'i, U, A>> {
        match data {
            Collected::Ok(v) => Some(at.at(v)),
            Collected::Failed(e) => {
                self.not_assessed(at, Reason::collection(e));
                None
            }
        }
    }

    // ------------------------------------------------------------------------ walkers

    /// Each of `items` with one collected part of it (an account's S3 settings, an API's
    /// resources); where the part was not collected, "not assessed" on the item, which is left
    /// out.
    pub fn each_collected<'i, T: Identity + ?Sized, U, A: Owner + ?Sized>(
        &mut self,
        items: Vec<At<'i, T, A>>,
        pick: fn(&T) -> &Collected<U>,
    ) -> Vec<(At<'i, T, A>, &'i U)> {
        let mut out = Vec::new();
        for at in items {
            if let Some(part) = self.collected(&at, pick(at.item)) {
                out.push((at, part));
            }
        }
        out
    }

    /// The accounts posture could enter; the others are recorded as not assessed.
    pub fn accounts<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, AccountInventory>> {
        let mut out = Vec::new();
        for acct in ctx.accounts {
            let at = At::new(ctx.partition(), acct, None, acct);
            match &acct.access {
                AccountAccess::Denied { role_arn, error } => {
                    self.not_assessed(&at, Reason::account_not_accessible(role_arn, error));
                }
                _ => out.push(at),
            }
        }
        out
    }

    /// One account-wide service of every accessible account.
    pub fn account_service<'i, T>(
        &mut self,
        ctx: &Context<'i>,
        pick: fn(&AccountInventory) -> &Collected<T>,
    ) -> Vec<At<'i, T>> {
        let mut out = Vec::new();
        for acct in self.accounts(ctx) {
            if let Some(data) = self.collected_at(&acct, pick(acct.item)) {
                out.push(data);
            }
        }
        out
    }

    pub fn iam<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, Iam>> {
        self.account_service(ctx, |a| &a.iam)
    }

    pub fn s3<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, S3>> {
        self.account_service(ctx, |a| &a.s3)
    }

    /// Every region of every accessible account whose regions could be listed.
    pub fn regions<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, RegionInventory>> {
        let mut out = Vec::new();
        for acct in self.accounts(ctx) {
            let acct = acct.item;
            let at = At::new(ctx.partition(), acct, None, acct);
            if self.collected(&at, &acct.regions).is_some() {
                for (region, data) in &acct.regional {
                    out.push(At::new(ctx.partition(), acct, Some(region), data));
                }
            }
        }
        out
    }

    /// One regional service in every region; where it was not collected, "not assessed" on
    /// the account in that region.
    pub fn regional<'i, T>(
        &mut self,
        ctx: &Context<'i>,
        pick: fn(&RegionInventory) -> &Collected<T>,
    ) -> Vec<At<'i, T>> {
        let mut out = Vec::new();
        for region in self.regions(ctx) {
            if let Some(data) = self.collected_at(&region, pick(region.item)) {
                out.push(data);
            }
        }
        out
    }

    pub fn ec2<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, Ec2>> {
        self.regional(ctx, |r| &r.ec2)
    }

    pub fn acm<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, Acm>> {
        self.regional(ctx, |r| &r.acm)
    }

    pub fn apigateway<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, ApiGateway>> {
        self.regional(ctx, |r| &r.apigateway)
    }

    pub fn kms<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, Kms>> {
        self.regional(ctx, |r| &r.kms)
    }

    /// Every customer-managed KMS key with what DescribeKey said of it; where DescribeKey
    /// failed, "not assessed" on the key.
    pub fn kms_keys<'i>(&mut self, ctx: &Context<'i>) -> Vec<(At<'i, KmsKey>, &'i KmsKeyDetails)> {
        let mut out = Vec::new();
        for kms in self.kms(ctx) {
            let keys = kms.item.keys.iter().map(|k| kms.at(k)).collect();
            out.extend(self.each_collected(keys, |k| &k.details));
        }
        out
    }

    // --- backbone: config ---
    /// AWS Config in every region of every account.
    pub fn config<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, crate::inventory::Config>> {
        self.regional(ctx, |r| &r.config)
    }
    // --- end backbone: config ---

    pub fn lambda<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, Lambda>> {
        self.regional(ctx, |r| &r.lambda)
    }

    /// Every Lambda function of every region.
    pub fn lambda_functions<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, LambdaFunction>> {
        let mut out = Vec::new();
        for l in self.lambda(ctx) {
            out.extend(l.item.functions.iter().map(|f| l.at(f)));
        }
        out
    }

    // --- backbone: cloudtrail
    /// CloudTrail in every region: the trails listed there.
    pub fn cloudtrail<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, CloudTrail>> {
        self.regional(ctx, |r| &r.cloudtrail)
    }

    /// Every trail an account owns, once (at its home region's listing when that region was
    /// scanned, else at its first listing). Trails of other accounts listed there (an
    /// organization trail seen from a member) are judged in their owner's account.
    pub fn trails<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, Trail>> {
        let mut out: Vec<At<'i, Trail>> = Vec::new();
        for ct in self.cloudtrail(ctx) {
            let owner = ct.account_id();
            for t in &ct.item.trails {
                if t.owner_account() != Some(owner) {
                    continue;
                }
                let here = ct.at(t);
                match out
                    .iter_mut()
                    .find(|o| o.account_id() == owner && o.arn == t.arn)
                {
                    Some(o)
                        if !o.homed_in(o.region.unwrap_or_default())
                            && t.homed_in(ct.region.unwrap_or_default()) =>
                    {
                        *o = here
                    }
                    Some(_) => {}
                    None => out.push(here),
                }
            }
        }
        out
    }
    // --- end backbone: cloudtrail

    /// Every bucket, with its account's S3 data (account-level Block Public Access).
    pub fn buckets<'i>(&mut self, ctx: &Context<'i>) -> Vec<(At<'i, Bucket>, &'i S3)> {
        let mut out = Vec::new();
        for s3 in self.s3(ctx) {
            if let Some(buckets) = self.collected(&s3, &s3.item.buckets) {
                out.extend(buckets.iter().map(|b| (s3.at(b), s3.item)));
            }
        }
        out
    }

    pub fn users<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, IamUser>> {
        self.iam_list(ctx, |iam| &iam.users)
    }

    pub fn roles<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, IamRole>> {
        self.iam_list(ctx, |iam| &iam.roles)
    }

    fn iam_list<'i, T>(
        &mut self,
        ctx: &Context<'i>,
        pick: fn(&Iam) -> &Collected<Vec<T>>,
    ) -> Vec<At<'i, T>> {
        let mut out = Vec::new();
        for iam in self.iam(ctx) {
            if let Some(items) = self.collected(&iam, pick(iam.item)) {
                out.extend(items.iter().map(|i| iam.at(i)));
            }
        }
        out
    }

    /// Instances that are not terminated.
    pub fn instances<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, Instance>> {
        self.ec2_list(ctx, |e| &e.instances)
            .into_iter()
            .filter(|i| i.state.as_deref() != Some("terminated"))
            .collect()
    }

    pub fn vpc_endpoints<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, VpcEndpoint>> {
        self.ec2_list(ctx, |e| &e.vpc_endpoints)
    }

    pub fn launch_templates<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, LaunchTemplate>> {
        self.ec2_list(ctx, |e| &e.launch_templates)
    }

    pub fn subnets<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, Subnet>> {
        self.ec2_list(ctx, |e| &e.subnets)
    }

    fn ec2_list<'i, T>(&mut self, ctx: &Context<'i>, pick: fn(&Ec2) -> &Vec<T>) -> Vec<At<'i, T>> {
        let mut out = Vec::new();
        for ec2 in self.ec2(ctx) {
            out.extend(pick(ec2.item).iter().map(|i| ec2.at(i)));
        }
        out
    }

    pub fn certificates<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, Certificate>> {
        let mut out = Vec::new();
        for acm in self.acm(ctx) {
            out.extend(acm.item.certificates.iter().map(|c| acm.at(c)));
        }
        out
    }

    pub fn rest_apis<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, RestApi>> {
        let mut out = Vec::new();
        for gw in self.apigateway(ctx) {
            out.extend(gw.item.rest_apis.iter().map(|a| gw.at(a)));
        }
        out
    }

    pub fn domain_names<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, DomainName>> {
        let mut out = Vec::new();
        for gw in self.apigateway(ctx) {
            out.extend(gw.item.domain_names.iter().map(|d| gw.at(d)));
        }
        out
    }

    /// Every stage of every REST API, with its API; where an API's stages were not collected,
    /// "not assessed" on the API.
    pub fn stages<'i>(&mut self, ctx: &Context<'i>) -> Vec<(At<'i, RestApi>, At<'i, Stage>)> {
        let mut out = Vec::new();
        for api in self.rest_apis(ctx) {
            if let Some(stages) = self.collected(&api, &api.item.stages) {
                out.extend(stages.iter().map(|s| (api.clone(), api.part(s))));
            }
        }
        out
    }

    // ------------------------------------------------------------ API Gateway v2 (HTTP APIs)

    pub fn apigatewayv2<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, ApiGatewayV2>> {
        self.regional(ctx, |r| &r.apigatewayv2)
    }

    pub fn http_apis<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, HttpApi>> {
        let mut out = Vec::new();
        for gw in self.apigatewayv2(ctx) {
            out.extend(gw.item.apis.iter().map(|a| gw.at(a)));
        }
        out
    }

    pub fn http_domain_names<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, HttpDomainName>> {
        let mut out = Vec::new();
        for gw in self.apigatewayv2(ctx) {
            out.extend(gw.item.domain_names.iter().map(|d| gw.at(d)));
        }
        out
    }

    /// Every stage of every HTTP API, with its API; where an API's stages were not collected,
    /// "not assessed" on the API.
    pub fn http_stages<'i>(
        &mut self,
        ctx: &Context<'i>,
    ) -> Vec<(At<'i, HttpApi>, At<'i, HttpStage>)> {
        let mut out = Vec::new();
        for api in self.http_apis(ctx) {
            if let Some(stages) = self.collected(&api, &api.item.stages) {
                out.extend(stages.iter().map(|s| (api.clone(), api.part(s))));
            }
        }
        out
    }

    // --- SVC: securityhub ---
    /// Security Hub in every region of every account.
    pub fn securityhub<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, SecurityHub>> {
        self.regional(ctx, |r| &r.securityhub)
    }

    /// Security Hub in every region of one scanned account (the service's delegated
    /// administrator), from its digest; where the account could not be entered, its regions
    /// not listed or a region's data not collected, "not assessed" on it.
    pub fn digest_securityhub_of<'i>(
        &mut self,
        ctx: &OrgContext<'i>,
        acct: &'i AccountDigest,
    ) -> Vec<At<'i, SecurityHub, AccountDigest>> {
        if let AccountAccess::Denied { role_arn, error } = &acct.access {
            let at = At::new(ctx.partition(), acct, None, acct);
            self.not_assessed(&at, Reason::account_not_accessible(role_arn, error));
            return Vec::new();
        }
        self.regional_digest_of(ctx, acct, |a| &a.securityhub)
    }
    // --- end SVC: securityhub ---

    /// The organization, for checks of the organization as a whole; "not assessed" on the
    /// caller's account when the scan did not run with `--org` or the organization could not
    /// be read.
    pub fn organization<'i>(&mut self, ctx: &OrgContext<'i>) -> Option<&'i Organization> {
        let caller = super::identity::Subject::account(&ctx.scan.caller_account_id);
        match ctx.organization {
            None => {
                self.not_assessed(&caller, Reason::not_organization_mode());
                None
            }
            Some(Collected::Failed(e)) => {
                self.not_assessed(&caller, Reason::collection(e));
                None
            }
            Some(Collected::Ok(org)) => Some(org),
        }
    }

    /// One collected part of the organization (its SCP attachments, its delegated
    /// administrators), with the organization; "not assessed" as
    /// [`organization`](Self::organization) records it, or on the organization where the part
    /// was not collected.
    pub fn organization_part<'i, T>(
        &mut self,
        ctx: &OrgContext<'i>,
        pick: fn(&Organization) -> &Collected<T>,
    ) -> Option<(&'i Organization, &'i T)> {
        let org = self.organization(ctx)?;
        let part = self.collected(org, pick(org))?;
        Some((org, part))
    }

    // ------------------------------------------------- walkers of the organization checks

    /// Every scanned account's digest that posture could enter; the others are recorded as not
    /// assessed.
    pub fn digests<'i>(
        &mut self,
        ctx: &OrgContext<'i>,
    ) -> Vec<At<'i, AccountDigest, AccountDigest>> {
        let mut out = Vec::new();
        for acct in ctx.accounts {
            let at = At::new(ctx.partition(), acct, None, acct);
            match &acct.access {
                AccountAccess::Denied { role_arn, error } => {
                    self.not_assessed(&at, Reason::account_not_accessible(role_arn, error));
                }
                _ => out.push(at),
            }
        }
        out
    }

    pub fn digest_iam<'i>(
        &mut self,
        ctx: &OrgContext<'i>,
    ) -> Vec<At<'i, IamDigest, AccountDigest>> {
        let mut out = Vec::new();
        for acct in self.digests(ctx) {
            if let Some(iam) = self.collected_at(&acct, &acct.item.iam) {
                out.push(iam);
            }
        }
        out
    }

    pub fn digest_s3<'i>(&mut self, ctx: &OrgContext<'i>) -> Vec<At<'i, S3Digest, AccountDigest>> {
        let mut out = Vec::new();
        for acct in self.digests(ctx) {
            if let Some(s3) = self.collected_at(&acct, &acct.item.s3) {
                out.push(s3);
            }
        }
        out
    }

    /// Every bucket of every account, with its account's S3 digest.
    pub fn digest_buckets<'i>(
        &mut self,
        ctx: &OrgContext<'i>,
    ) -> Vec<(At<'i, BucketDigest, AccountDigest>, &'i S3Digest)> {
        let mut out = Vec::new();
        for s3 in self.digest_s3(ctx) {
            if let Some(buckets) = self.collected(&s3, &s3.item.buckets) {
                out.extend(buckets.iter().map(|b| (s3.at(b), s3.item)));
            }
        }
        out
    }

    /// The EC2 digest of every region of every account whose regions could be listed.
    pub fn digest_ec2<'i>(
        &mut self,
        ctx: &OrgContext<'i>,
    ) -> Vec<At<'i, Ec2Digest, AccountDigest>> {
        self.digest_regional(ctx, |a| &a.regional)
    }

    /// One per-region part of every account's digest (`pick`), in every region of every account
    /// whose regions could be listed; where a region's part was not collected, "not assessed"
    /// on the account in that region.
    fn digest_regional<'i, T>(
        &mut self,
        ctx: &OrgContext<'i>,
        pick: fn(&AccountDigest) -> &BTreeMap<String, Collected<T>>,
    ) -> Vec<At<'i, T, AccountDigest>> {
        let mut out = Vec::new();
        for acct in self.digests(ctx) {
            out.extend(self.regional_digest_of(ctx, acct.item, pick));
        }
        out
    }

    /// [`digest_regional`](Self::digest_regional) of one account: nothing (and "not assessed"
    /// on the account) when its regions could not be listed.
    fn regional_digest_of<'i, T>(
        &mut self,
        ctx: &OrgContext<'i>,
        acct: &'i AccountDigest,
        pick: fn(&AccountDigest) -> &BTreeMap<String, Collected<T>>,
    ) -> Vec<At<'i, T, AccountDigest>> {
        let mut out = Vec::new();
        let at = At::new(ctx.partition(), acct, None, acct);
        if self.collected(&at, &acct.regions).is_none() {
            return out;
        }
        for (region, part) in pick(acct) {
            let region_at = At::new(ctx.partition(), acct, Some(region.as_str()), acct);
            if let Some(part) = self.collected_at(&region_at, part) {
                out.push(part);
            }
        }
        out
    }

    // --- backbone: cloudtrail
    /// Every region of every account whose regions could be listed, with the account's trail
    /// listing there, read or not (an organization trail covers a region whose listing failed):
    /// the check records what it cannot judge.
    pub fn digest_cloudtrail_regions<'i>(
        &mut self,
        ctx: &OrgContext<'i>,
    ) -> Vec<(
        At<'i, AccountDigest, AccountDigest>,
        &'i Collected<CloudTrail>,
    )> {
        let mut out = Vec::new();
        for acct in self.digests(ctx) {
            let acct = acct.item;
            let at = At::new(ctx.partition(), acct, None, acct);
            if self.collected(&at, &acct.regions).is_none() {
                continue;
            }
            for (region, ct) in &acct.cloudtrail {
                out.push((
                    At::new(ctx.partition(), acct, Some(region.as_str()), acct),
                    ct,
                ));
            }
        }
        out
    }
    // --- end backbone: cloudtrail

    // --- backbone: config ---
    /// AWS Config in every region of every account whose regions could be listed (digests).
    pub fn digest_config<'i>(
        &mut self,
        ctx: &OrgContext<'i>,
    ) -> Vec<At<'i, crate::inventory::Config, AccountDigest>> {
        self.digest_regional(ctx, |a| &a.config)
    }
    // --- end backbone: config ---

    pub fn digest_vpc_endpoints<'i>(
        &mut self,
        ctx: &OrgContext<'i>,
    ) -> Vec<At<'i, VpcEndpoint, AccountDigest>> {
        let mut out = Vec::new();
        for ec2 in self.digest_ec2(ctx) {
            out.extend(ec2.item.vpc_endpoints.iter().map(|e| ec2.at(e)));
        }
        out
    }

    // --- SVC: accessanalyzer, inspector2, macie

    /// IAM Access Analyzer in every region of every account.
    pub fn accessanalyzer<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, AccessAnalyzer>> {
        self.regional(ctx, |r| &r.accessanalyzer)
    }

    /// Amazon Inspector's status in every region of every account.
    pub fn inspector2<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, Inspector2>> {
        self.regional(ctx, |r| &r.inspector2)
    }

    /// Amazon Macie's session in every region of every account.
    pub fn macie<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, Macie>> {
        self.regional(ctx, |r| &r.macie)
    }

    /// Access Analyzer, Inspector and Macie of every region of every account whose regions
    /// could be listed (each service's own data is still a `Collected` to unwrap).
    pub fn digest_analyzers<'i>(
        &mut self,
        ctx: &OrgContext<'i>,
    ) -> Vec<At<'i, AnalyzersDigest, AccountDigest>> {
        let mut out = Vec::new();
        for acct in self.digests(ctx) {
            let acct = acct.item;
            let at = At::new(ctx.partition(), acct, None, acct);
            if self.collected(&at, &acct.regions).is_none() {
                continue;
            }
            for (region, d) in &acct.analyzers {
                out.push(At::new(ctx.partition(), acct, Some(region.as_str()), d));
            }
        }
        out
    }

    /// [`digest_analyzers`](Self::digest_analyzers) of one account (a service's delegated
    /// administrator); `None` when the account was not scanned (the caller says what that
    /// leaves unknown). Where it could not be entered, or its regions listed, "not assessed".
    pub fn digest_analyzers_of<'i>(
        &mut self,
        ctx: &OrgContext<'i>,
        account_id: &str,
    ) -> Option<Vec<At<'i, AnalyzersDigest, AccountDigest>>> {
        let acct = ctx.accounts.iter().find(|a| a.account_id == account_id)?;
        let at = At::new(ctx.partition(), acct, None, acct);
        if let AccountAccess::Denied { role_arn, error } = &acct.access {
            self.not_assessed(&at, Reason::account_not_accessible(role_arn, error));
            return Some(Vec::new());
        }
        if self.collected(&at, &acct.regions).is_none() {
            return Some(Vec::new());
        }
        Some(
            acct.analyzers
                .iter()
                .map(|(region, d)| At::new(ctx.partition(), acct, Some(region.as_str()), d))
                .collect(),
        )
    }

    /// One account's [`AnalyzersDigest`] in one region (a member an administrator lists);
    /// where the account or the region was not scanned, or could not be read, "not assessed"
    /// on the account in that region.
    pub fn digest_analyzers_at<'i>(
        &mut self,
        ctx: &OrgContext<'i>,
        account_id: &str,
        region: &str,
    ) -> Option<At<'i, AnalyzersDigest, AccountDigest>> {
        let subject = super::identity::Subject::named(
            account_id,
            Some(region),
            super::identity::account_resource(account_id),
        );
        let Some(acct) = ctx.accounts.iter().find(|a| a.account_id == account_id) else {
            self.not_assessed(
                &subject,
                Reason::outside_scan(format!("account {account_id} was not scanned")),
            );
            return None;
        };
        if let AccountAccess::Denied { role_arn, error } = &acct.access {
            self.not_assessed(&subject, Reason::account_not_accessible(role_arn, error));
            return None;
        }
        if let Collected::Failed(e) = &acct.regions {
            self.not_assessed(&subject, Reason::collection(e));
            return None;
        }
        match acct.analyzers.get_key_value(region) {
            Some((r, d)) => Some(At::new(ctx.partition(), acct, Some(r.as_str()), d)),
            None => {
                self.not_assessed(
                    &subject,
                    Reason::outside_scan(format!(
                        "{region} was not scanned in account {account_id}"
                    )),
                );
                None
            }
        }
    }
    // --- end SVC: accessanalyzer, inspector2, macie

    // --- backbone: guardduty + detective ---

    /// GuardDuty in every region of every account.
    pub fn guardduty<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, GuardDuty>> {
        self.regional(ctx, |r| &r.guardduty)
    }

    /// Detective in every region of every account.
    pub fn detective<'i>(&mut self, ctx: &Context<'i>) -> Vec<At<'i, Detective>> {
        self.regional(ctx, |r| &r.detective)
    }

    /// GuardDuty in every scanned region of one account's digest; where it was not collected,
    /// "not assessed" on the account in that region.
    pub fn digest_guardduty_of<'i>(
        &mut self,
        ctx: &OrgContext<'i>,
        acct: &'i AccountDigest,
    ) -> Vec<At<'i, GuardDuty, AccountDigest>> {
        self.regional_digest_of(ctx, acct, |a| &a.guardduty)
    }

    /// GuardDuty of one account's digest in one Region (`label` names the account in the
    /// reasons): "not assessed" and `None` when the Region was not scanned there
    /// (`outside-scan`) or GuardDuty was not collected.
    pub fn digest_guardduty_in<'i>(
        &mut self,
        ctx: &OrgContext<'i>,
        acct: &'i AccountDigest,
        region: &str,
        label: &str,
    ) -> Option<At<'i, GuardDuty, AccountDigest>> {
        let Some((region, gd)) = acct.guardduty.get_key_value(region) else {
            let at = super::identity::Subject::named(
                &acct.account_id,
                Some(region),
                super::identity::account_resource(&acct.account_id),
            );
            self.not_assessed(
                &at,
                Reason::outside_scan(format!("{region} was not scanned in {label}")),
            );
            return None;
        };
        let region_at = At::new(ctx.partition(), acct, Some(region.as_str()), acct);
        self.collected_at(&region_at, gd)
    }

    // --- end guardduty + detective ---

    /// Record results with `body`, then hand each of them to `amend`: evidence that every
    /// result about one resource shares (the credential report's age on every result built
    /// from its row), whatever the check said.
    pub fn amending(&mut self, body: impl FnOnce(&mut Self), amend: impl FnMut(&mut CheckResult)) {
        let first = self.items.len();
        body(self);
        self.items[first..].iter_mut().for_each(amend);
    }
}
