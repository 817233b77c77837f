//! What the organization checks see of each account: a typed digest, kept until the end of the
//! scan in place of the whole account (whose data is dropped once its own checks ran).
//!
//! A field that is not here cannot be read by an organization check: the compiler says so.
//! The management account is the exception: organization checks judge its workloads, so
//! [`OrgContext::management`](super::OrgContext) holds its whole inventory.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::identity::{Identity, Place, Tags, account_resource, bucket_arn};
use crate::inventory::{
    AccountAccess, AccountInventory, Collected, Config, CredentialReportRow, GuardDuty, Instance,
    OrganizationsFeatures, PublicAccessBlock, RouteTable, Subnet, VpcEndpoint,
};
// --- backbone: cloudtrail
use crate::inventory::CloudTrail;
// --- end backbone: cloudtrail
// --- SVC: accessanalyzer, inspector2, macie
use crate::inventory::{
    AccessAnalyzer, Inspector2, Inspector2Organization, Macie, MacieOrganization,
};
// --- end SVC: accessanalyzer, inspector2, macie
// --- SVC: securityhub ---
use crate::inventory::SecurityHub;
// --- end SVC: securityhub ---

/// One account as the organization checks see it.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountDigest {
    pub account_id: String,
    pub name: Option<String>,
    pub ou_path: Option<String>,
    pub access: AccountAccess,
    pub regions: Collected<Vec<String>>,
    pub skipped_regions: BTreeMap<String, String>,
    pub iam: Collected<IamDigest>,
    pub s3: Collected<S3Digest>,
    /// Per region: the EC2 data other accounts' resources depend on.
    pub regional: BTreeMap<String, Collected<Ec2Digest>>,
    // --- backbone: config ---
    /// Per region: AWS Config (recorder, delivery channels, aggregators), for the delivery to
    /// the Log Archive account and the organization aggregator.
    pub config: BTreeMap<String, Collected<Config>>,
    // --- end backbone: config ---
    // --- backbone: guardduty + detective ---
    /// Per region: GuardDuty (the detector, and the organization view in the delegated
    /// administrator), reconciled across accounts.
    pub guardduty: BTreeMap<String, Collected<GuardDuty>>,
    // --- end guardduty + detective ---
    // --- backbone: cloudtrail
    /// Per region: the trails listed there (the organization trail, its bucket).
    pub cloudtrail: BTreeMap<String, Collected<CloudTrail>>,
    /// Per region: the key policies (by key ARN) of the customer-managed KMS keys a trail may
    /// encrypt with — those a trail listed in the account names, and those whose policy lets
    /// `cloudtrail.amazonaws.com` in, as CloudTrail requires; `Failed` when the region's keys
    /// could not be listed. A key whose DescribeKey failed is kept when a trail names it.
    pub trail_keys: BTreeMap<String, Collected<BTreeMap<String, Collected<String>>>>,
    // --- end backbone: cloudtrail
    // --- SVC: accessanalyzer, inspector2, macie
    /// Per region: Access Analyzer, Inspector and Macie, with the administrator's views.
    pub analyzers: BTreeMap<String, AnalyzersDigest>,
    // --- end SVC: accessanalyzer, inspector2, macie
    // --- SVC: securityhub ---
    /// Per region: Security Hub (the hub, its standards, the administrator's view).
    pub securityhub: BTreeMap<String, Collected<SecurityHub>>,
    // --- end SVC: securityhub ---
}

// --- SVC: accessanalyzer, inspector2, macie
/// One region's Access Analyzer, Inspector and Macie data of an account (small: copied whole).
/// An organization analyzer covers other accounts; the administrators' views list members.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyzersDigest {
    pub accessanalyzer: Collected<AccessAnalyzer>,
    pub inspector2: Collected<Inspector2>,
    pub inspector2_organization: Option<Collected<Inspector2Organization>>,
    pub macie: Collected<Macie>,
    pub macie_organization: Option<Collected<MacieOrganization>>,
}
// --- end SVC: accessanalyzer, inspector2, macie

/// The root user and the account-wide IAM facts.
#[derive(Debug, Clone, PartialEq)]
pub struct IamDigest {
    /// The credential report's time and its `<root_account>` row (`None`: the report has no
    /// root row).
    pub credential_report: Collected<RootReport>,
    pub account_summary: Collected<BTreeMap<String, i64>>,
    pub organizations_features: Option<Collected<OrganizationsFeatures>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RootReport {
    pub generated_at: Option<DateTime<Utc>>,
    pub root: Option<CredentialReportRow>,
}

/// The buckets (names, regions, policies, Block Public Access, tags): a bucket may be the
/// data store of a workload in another account.
#[derive(Debug, Clone, PartialEq)]
pub struct S3Digest {
    pub account_public_access_block: Collected<Option<PublicAccessBlock>>,
    pub buckets: Collected<Vec<BucketDigest>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BucketDigest {
    pub name: String,
    pub region: Collected<String>,
    pub policy: Collected<Option<String>>,
    pub public_access_block: Collected<Option<PublicAccessBlock>>,
    pub tags: Option<Tags>,
}

/// The VPC endpoints and route tables the account owns (its VPCs may be shared with other
/// accounts), and the subnets it sees in other accounts' VPCs with its non-terminated
/// instances in them.
#[derive(Debug, Clone, PartialEq)]
pub struct Ec2Digest {
    pub vpc_endpoints: Vec<VpcEndpoint>,
    pub route_tables: Vec<RouteTable>,
    pub shared_subnets: Vec<Subnet>,
    pub instances_in_shared_subnets: Vec<Instance>,
}

impl AccountDigest {
    pub fn of(acct: &AccountInventory) -> AccountDigest {
        let iam = match &acct.iam {
            Collected::Ok(iam) => Collected::Ok(IamDigest {
                credential_report: match &iam.credential_report {
                    Collected::Ok(r) => Collected::Ok(RootReport {
                        generated_at: r.generated_at,
                        root: r.root().cloned(),
                    }),
                    Collected::Failed(e) => Collected::Failed(e.clone()),
                },
                account_summary: iam.account_summary.clone(),
                organizations_features: iam.organizations_features.clone(),
            }),
            Collected::Failed(e) => Collected::Failed(e.clone()),
        };
        let s3 = match &acct.s3 {
            Collected::Ok(s3) => Collected::Ok(S3Digest {
                account_public_access_block: s3.account_public_access_block.clone(),
                buckets: match &s3.buckets {
                    Collected::Ok(buckets) => Collected::Ok(
                        buckets
                            .iter()
                            .map(|b| BucketDigest {
                                name: b.name.clone(),
                                region: b.region.clone(),
                                policy: b.policy.clone(),
                                public_access_block: b.public_access_block.clone(),
                                tags: b.tags.clone(),
                            })
                            .collect(),
                    ),
                    Collected::Failed(e) => Collected::Failed(e.clone()),
                },
            }),
            Collected::Failed(e) => Collected::Failed(e.clone()),
        };
        let regional = acct
            .regional
            .iter()
            .map(|(region, r)| {
                let ec2 = match &r.ec2 {
                    Collected::Ok(ec2) => {
                        let shared_subnets: Vec<Subnet> = ec2
                            .subnets
                            .iter()
                            .filter(|s| s.owned_by_other(&acct.account_id))
                            .cloned()
                            .collect();
                        let instances_in_shared_subnets = ec2
                            .instances
                            .iter()
                            .filter(|i| i.state.as_deref() != Some("terminated"))
                            .filter(|i| {
                                shared_subnets
                                    .iter()
                                    .any(|s| i.subnet_id.as_deref() == Some(s.subnet_id.as_str()))
                            })
                            .cloned()
                            .collect();
                        Collected::Ok(Ec2Digest {
                            vpc_endpoints: ec2.vpc_endpoints.clone(),
                            route_tables: ec2.route_tables.clone(),
                            shared_subnets,
                            instances_in_shared_subnets,
                        })
                    }
                    Collected::Failed(e) => Collected::Failed(e.clone()),
                };
                (region.clone(), ec2)
            })
            .collect();
        AccountDigest {
            account_id: acct.account_id.clone(),
            name: acct.name.clone(),
            ou_path: acct.ou_path.clone(),
            access: acct.access.clone(),
            regions: acct.regions.clone(),
            skipped_regions: acct.skipped_regions.clone(),
            iam,
            s3,
            regional,
            config: acct
                .regional
                .iter()
                .map(|(region, r)| (region.clone(), r.config.clone()))
                .collect(),
            // --- backbone: guardduty + detective ---
            guardduty: acct
                .regional
                .iter()
                .map(|(region, r)| (region.clone(), r.guardduty.clone()))
                .collect(),
            // --- end guardduty + detective ---
            // --- backbone: cloudtrail
            cloudtrail: acct
                .regional
                .iter()
                .map(|(region, r)| (region.clone(), r.cloudtrail.clone()))
                .collect(),
            trail_keys: trail_keys(acct),
            // --- end backbone: cloudtrail
            // --- SVC: accessanalyzer, inspector2, macie
            analyzers: acct
                .regional
                .iter()
                .map(|(region, r)| {
                    let d = AnalyzersDigest {
                        accessanalyzer: r.accessanalyzer.clone(),
                        inspector2: r.inspector2.clone(),
                        inspector2_organization: r.inspector2_organization.clone(),
                        macie: r.macie.clone(),
                        macie_organization: r.macie_organization.clone(),
                    };
                    (region.clone(), d)
                })
                .collect(),
            // --- end SVC: accessanalyzer, inspector2, macie
            // --- SVC: securityhub ---
            securityhub: acct
                .regional
                .iter()
                .map(|(region, r)| (region.clone(), r.securityhub.clone()))
                .collect(),
            // --- end SVC: securityhub ---
        }
    }
}

// --- backbone: cloudtrail
/// The key policies of the account's customer-managed keys that a trail may use (see
/// [`AccountDigest::trail_keys`]).
fn trail_keys(
    acct: &AccountInventory,
) -> BTreeMap<String, Collected<BTreeMap<String, Collected<String>>>> {
    let named: Vec<&str> = acct
        .regional
        .values()
        .filter_map(|r| r.cloudtrail.as_ref().ok())
        .flat_map(|ct| ct.trails.iter().filter_map(|t| t.kms_key_id.as_deref()))
        .collect();
    acct.regional
        .iter()
        .map(|(region, r)| {
            let keys = match &r.kms {
                Collected::Ok(kms) => Collected::Ok(
                    kms.keys
                        .iter()
                        .filter_map(|k| {
                            let policy = match &k.details {
                                Collected::Ok(d) => d.policy.clone(),
                                Collected::Failed(e) => Collected::Failed(e.clone()),
                            };
                            let for_trails = named.contains(&k.arn.as_str())
                                || matches!(&policy, Collected::Ok(p) if p.contains("cloudtrail.amazonaws.com"));
                            for_trails.then(|| (k.arn.clone(), policy))
                        })
                        .collect(),
                ),
                Collected::Failed(e) => Collected::Failed(e.clone()),
            };
            (region.clone(), keys)
        })
        .collect()
}
// --- end backbone: cloudtrail

/// The account a walked item belongs to: a whole inventory or a digest.
pub trait Owner {
    fn account_id(&self) -> &str;
}

impl Owner for AccountInventory {
    fn account_id(&self) -> &str {
        &self.account_id
    }
}

impl Owner for AccountDigest {
    fn account_id(&self) -> &str {
        &self.account_id
    }
}

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
    AccountDigest,
    IamDigest,
    S3Digest,
    Ec2Digest,
    AnalyzersDigest
);

impl Identity for BucketDigest {
    fn arn(&self, at: &Place) -> String {
        bucket_arn(at.partition, &self.name)
    }
    fn region<'a>(&'a self, _collected_in: Option<&'a str>) -> Option<&'a str> {
        self.region.as_ref().ok().map(String::as_str)
    }
    fn tags(&self) -> Option<&Tags> {
        self.tags.as_ref()
    }
}
