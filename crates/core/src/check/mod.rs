//! The check-author API: what a check reads ([`Context`]), the walkers that hand it resources
//! and record what could not be assessed ([`Findings`]), the identity every result is built from
//! ([`Identity`], [`At`]), and the structured reasons of "not assessed" ([`Reason`]).
//!
//! A check states its judgement and nothing else:
//!
//! ```text
//! pub const CHECK: Check = Check {
//!     id: "s3-bucket-versioning",
//!     run: |ctx, out| {
//!         for (bucket, _) in out.buckets(ctx) {
//!             let Some(v) = out.collected(&bucket, &bucket.versioning) else { continue };
//!             out.verdict(&bucket, v.as_deref() == Some("Enabled"), "…");
//!         }
//!     },
//! };
//! ```
//!
//! The registry of checks is `crate::checks`; `CONTRIBUTING.md` has the recipe.

mod boundary;
mod digest;
mod findings;
mod identity;
mod model;
mod reason;
mod roles;

use chrono::{DateTime, Utc};

use crate::config::Thresholds;
use crate::inventory::{AccountInventory, Collected, Inventory, Organization, ScanInfo};
use crate::policy::Boundary;

pub use digest::{AccountDigest, BucketDigest, Ec2Digest, IamDigest, Owner, RootReport, S3Digest};
// --- SVC: accessanalyzer, inspector2, macie
pub use digest::AnalyzersDigest;
// --- end SVC: accessanalyzer, inspector2, macie
pub use findings::Findings;
pub use identity::{
    At, Identity, Place, Resource, Subject, Tags, account_resource, bucket_arn, organization_part,
};
pub use model::{CheckResult, Evidence, Status};
pub use reason::{FailedCall, Reason, ReasonCode, ReasonRecord};
pub use roles::{Designation, Given, Role, SraAccounts};

/// A check of one account at a time: its id (declared here once; `checks/<id>.toml` holds its
/// metadata and `crates/core/src/checks/<id with underscores>.rs` its code) and its judgement,
/// run as each account finishes (then the account's data is dropped).
pub struct Check {
    pub id: &'static str,
    pub run: fn(&Context, &mut Findings),
}

impl Check {
    /// Run the check: its results, in the order it produced them.
    pub fn evaluate(&self, ctx: &Context) -> Vec<CheckResult> {
        let mut out = Findings::new(self.id);
        (self.run)(ctx, &mut out);
        out.into_results()
    }
}

/// A check of the organization as a whole or of resources across accounts (a workload's bucket
/// in another account, the management account, SCPs): evaluated once, at the end of the scan,
/// on every account's [`AccountDigest`].
pub struct OrgCheck {
    pub id: &'static str,
    pub run: fn(&OrgContext, &mut Findings),
}

impl OrgCheck {
    pub fn evaluate(&self, ctx: &OrgContext) -> Vec<CheckResult> {
        let mut out = Findings::new(self.id);
        (self.run)(ctx, &mut out);
        out.into_results()
    }
}

/// A check whose resources mostly sit in one account but some depend on another account's
/// data (a subnet of a VPC shared through RAM is routed by the owner's route tables): `account`
/// judges what an account holds itself as it finishes, `organization` the resources that need
/// another account, at the end. Each resource is judged by exactly one of the two.
pub struct SplitCheck {
    pub id: &'static str,
    pub account: fn(&Context, &mut Findings),
    pub organization: fn(&OrgContext, &mut Findings),
}

impl SplitCheck {
    pub fn evaluate_account(&self, ctx: &Context) -> Vec<CheckResult> {
        let mut out = Findings::new(self.id);
        (self.account)(ctx, &mut out);
        out.into_results()
    }

    pub fn evaluate_organization(&self, ctx: &OrgContext) -> Vec<CheckResult> {
        let mut out = Findings::new(self.id);
        (self.organization)(ctx, &mut out);
        out.into_results()
    }
}

/// What an [`OrgCheck`] (and the organization part of a [`SplitCheck`]) reads: the organization,
/// every scanned account's digest, the management account whole, and the settings.
pub struct OrgContext<'a> {
    pub scan: &'a ScanInfo,
    pub organization: Option<&'a Collected<Organization>>,
    /// Every scanned account, in account order.
    pub accounts: &'a [AccountDigest],
    /// The management account's whole inventory, when it was scanned.
    pub management: Option<&'a AccountInventory>,
    pub thresholds: &'a Thresholds,
    pub now: DateTime<Utc>,
    pub boundary: &'a Boundary,
    /// The Security Tooling and Log Archive accounts, when known.
    pub roles: &'a SraAccounts,
}

impl<'a> OrgContext<'a> {
    /// The accounts playing the SRA's security roles ([`SraAccounts`]).
    pub fn sra_accounts(&self) -> &'a SraAccounts {
        self.roles
    }

    pub fn boundary(&self) -> &'a Boundary {
        self.boundary
    }

    pub fn partition(&self) -> &'a str {
        partition_of(self.scan)
    }

    pub fn days_since(&self, t: DateTime<Utc>) -> i64 {
        (self.now - t).num_days()
    }

    /// The management account's id, when the organization was read.
    pub fn management_account_id(&self) -> Option<&'a str> {
        match self.organization {
            Some(Collected::Ok(org)) => Some(org.management_account_id.as_str()),
            _ => None,
        }
    }
}

/// What a [`Check`] (and the account part of a [`SplitCheck`]) reads: the account it is
/// evaluated on (during a scan `accounts` holds that one account, as it finishes; see
/// [`Evaluator`](crate::evaluate::Evaluator)), the organization, and the settings.
pub struct Context<'a> {
    pub scan: &'a ScanInfo,
    pub organization: Option<&'a Collected<Organization>>,
    pub accounts: &'a [AccountInventory],
    pub thresholds: &'a Thresholds,
    /// "Now" for age computations; injectable so tests (and `evaluate --now`) can age data.
    pub now: DateTime<Utc>,
    /// The trust boundary, computed once for the whole scan ([`Boundary::of_scan`]).
    pub boundary: &'a Boundary,
    /// The Security Tooling and Log Archive accounts, when known.
    pub roles: &'a SraAccounts,
}

impl<'a> Context<'a> {
    /// A context over a whole inventory (every account at once: a [`Check`] judges every
    /// account's resources).
    pub fn of_inventory(
        inventory: &'a Inventory,
        boundary: &'a Boundary,
        thresholds: &'a Thresholds,
        now: DateTime<Utc>,
        roles: &'a SraAccounts,
    ) -> Self {
        Context {
            scan: &inventory.scan,
            organization: inventory.organization.as_ref(),
            accounts: &inventory.accounts,
            thresholds,
            now,
            boundary,
            roles,
        }
    }

    /// The accounts playing the SRA's security roles ([`SraAccounts`]).
    pub fn sra_accounts(&self) -> &'a SraAccounts {
        self.roles
    }

    /// The trust boundary: the organization's accounts (or, without `--org`, the scanned
    /// accounts) plus the trusted external accounts.
    pub fn boundary(&self) -> &'a Boundary {
        self.boundary
    }

    /// The ARN partition of the scanned accounts (`aws`, `aws-cn`, `aws-us-gov`).
    pub fn partition(&self) -> &'a str {
        partition_of(self.scan)
    }

    pub fn days_since(&self, t: DateTime<Utc>) -> i64 {
        (self.now - t).num_days()
    }
}

/// The ARN partition of the scanned accounts, from the caller's ARN.
pub fn partition_of(scan: &ScanInfo) -> &str {
    scan.caller_arn
        .split(':')
        .nth(1)
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
}

/// What a check needs to see at once: the kind of check, for listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// One account's inventory: a [`Check`].
    OneAccount,
    /// Every account's digest and the organization: an [`OrgCheck`].
    AllAccounts,
    /// Both, each resource judged by one part: a [`SplitCheck`].
    Split,
}
