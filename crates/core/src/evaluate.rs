//! Evaluation: the checks over an inventory, one account at a time, into a [`ScanResult`] with
//! findings, account summaries, scores, suppressions and the diff against a baseline.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{anyhow, bail};
use chrono::{DateTime, Utc};

use crate::catalog;
use crate::checks::{self, AccountDigest, CheckResult, Context, OrgContext, Status};
use crate::config::Thresholds;
use crate::inventory::{
    AccountAccess, AccountInventory, Collected, Inventory, Organization, ScanInfo,
};
use crate::policy::Boundary;
use crate::result::{
    AccountError, AccountSummary, Counts, Finding, Findings, SCHEMA, ScanResult, Spool, finding_id,
};

/// What an evaluation needs besides the inventory.
pub struct BuildOptions<'a> {
    pub thresholds: &'a Thresholds,
    /// "Now" for age computations.
    pub now: DateTime<Utc>,
    /// Run only these checks.
    pub only_checks: Option<&'a [String]>,
    pub trusted_accounts: &'a [String],
    /// The Security Tooling and Log Archive accounts given on the command line.
    pub sra_accounts: &'a crate::check::Given,
    pub suppressions: Option<&'a crate::suppress::Suppressions>,
    /// A previous result: first/last seen times and the diff.
    pub baseline: Option<&'a ScanResult>,
}

/// Evaluate a whole inventory (a saved file, merged shards) and assemble the result, one account
/// at a time exactly as a scan does.
pub fn build(inventory: &Inventory, opts: &BuildOptions) -> anyhow::Result<ScanResult> {
    let boundary = Boundary::of_scan(
        &inventory.scan,
        inventory.organization.as_ref(),
        inventory.accounts.iter().map(|a| a.account_id.as_str()),
        opts.trusted_accounts,
    );
    // The evaluator learns each account's networks as it is added, as in a scan.
    let mut ev = Evaluator::new(
        inventory.scan.clone(),
        inventory.organization.clone(),
        boundary,
        opts,
    )?;
    for acct in &inventory.accounts {
        ev.add(acct)?;
    }
    ev.finish(inventory.scan.clone())
}

/// Evaluates accounts as they arrive and keeps only what the report needs of each: its findings
/// (spooled to disk), counts, score tallies, collection errors and a small summary for the
/// checks that read several accounts. Memory is bounded by the account being evaluated, not by
/// the size of the organization.
pub struct Evaluator<'a> {
    opts: &'a BuildOptions<'a>,
    scan: ScanInfo,
    organization: Option<Collected<Organization>>,
    boundary: Boundary,
    /// The SRA role accounts, recognised once from the flags and the organization.
    roles: crate::check::SraAccounts,
    /// The coverage matrix of the security services, built as accounts arrive.
    coverage: crate::coverage::Builder,
    management_account: Option<String>,
    spool: Spool,
    tally: crate::score::Tally,
    accounts: Vec<AccountSummary>,
    /// Position of each account in `accounts`.
    account_index: std::collections::HashMap<String, usize>,
    collection_errors: Vec<AccountError>,
    /// What the organization checks read of each account.
    digests: Vec<AccountDigest>,
    /// The management account whole, when it was scanned.
    management: Option<AccountInventory>,
    suppression_used: Vec<bool>,
    suppressed: usize,
    /// From the baseline: when each finding was first seen.
    first_seen: BTreeMap<String, DateTime<Utc>>,
    not_assessed: bool,
}

impl<'a> Evaluator<'a> {
    /// `scan` needs the caller and its ARN (the partition); its times and call counts are
    /// replaced by those given to [`finish`](Self::finish).
    pub fn new(
        scan: ScanInfo,
        organization: Option<Collected<Organization>>,
        boundary: Boundary,
        opts: &'a BuildOptions<'a>,
    ) -> anyhow::Result<Self> {
        catalog::catalog()?;
        crate::frameworks::frameworks()?;
        let management_account = match &organization {
            Some(Collected::Ok(o)) => Some(o.management_account_id.clone()),
            _ => None,
        };
        let first_seen = opts
            .baseline
            .map(|old| -> anyhow::Result<_> {
                let mut seen = BTreeMap::new();
                old.findings.for_each(|f| {
                    seen.insert(f.id.clone(), f.first_seen.unwrap_or(old.evaluated_at));
                    Ok(())
                })?;
                Ok(seen)
            })
            .transpose()?
            .unwrap_or_default();
        let roles = crate::check::SraAccounts::recognise(organization.as_ref(), opts.sra_accounts);
        Ok(Evaluator {
            opts,
            scan,
            organization,
            boundary,
            roles,
            coverage: Default::default(),
            management_account,
            spool: Spool::new()?,
            tally: Default::default(),
            accounts: Vec::new(),
            account_index: Default::default(),
            collection_errors: Vec::new(),
            digests: Vec::new(),
            management: None,
            suppression_used: vec![false; opts.suppressions.map_or(0, |s| s.entries.len())],
            suppressed: 0,
            first_seen,
            not_assessed: false,
        })
    }

    fn context<'c>(&'c self, accounts: &'c [AccountInventory]) -> Context<'c> {
        Context {
            scan: &self.scan,
            organization: self.organization.as_ref(),
            accounts,
            thresholds: self.opts.thresholds,
            now: self.opts.now,
            boundary: &self.boundary,
            roles: &self.roles,
        }
    }

    /// Evaluate one account's checks and keep what the report needs; the caller may then drop
    /// the account.
    pub fn add(&mut self, acct: &AccountInventory) -> anyhow::Result<()> {
        if self.account_index.contains_key(&acct.account_id) {
            bail!("account {} was evaluated twice", acct.account_id);
        }
        self.account_index
            .insert(acct.account_id.clone(), self.accounts.len());
        self.coverage.add(acct);
        self.accounts.push(AccountSummary {
            account_id: acct.account_id.clone(),
            name: acct.name.clone(),
            ou_path: acct.ou_path.clone(),
            access: match &acct.access {
                AccountAccess::Caller => "caller",
                AccountAccess::AssumedRole { .. } => "assumed_role",
                AccountAccess::Denied { .. } => "denied",
            }
            .to_string(),
            regions: acct.regions.as_ref().cloned().unwrap_or_default(),
            skipped_regions: acct.skipped_regions.clone(),
            counts: Counts::default(),
            failed_by_severity: BTreeMap::new(),
        });
        self.collection_errors
            .extend(
                acct.collection_errors()
                    .into_iter()
                    .map(|error| AccountError {
                        account_id: acct.account_id.clone(),
                        error,
                    }),
            );
        // The organization's VPC and endpoint ids, for the network conditions the organization
        // boundary checks judge at the end (a VPC id is only inside if some scanned account has it).
        self.boundary.learn_networks(acct);
        let one = std::slice::from_ref(acct);
        let results = checks::evaluate_account(&self.context(one), self.opts.only_checks);
        let findings = self.findings(results)?;
        self.spool.push_account(&acct.account_id, findings)?;
        self.digests.push(AccountDigest::of(acct));
        if self.management_account.as_deref() == Some(acct.account_id.as_str()) {
            self.management = Some(acct.clone());
        }
        Ok(())
    }

    /// Turn check results into findings: catalog metadata, stable id, tags, suppression, first
    /// seen; counted for the account summaries and the scores.
    fn findings(&mut self, results: Vec<CheckResult>) -> anyhow::Result<Vec<Finding>> {
        let mut out = Vec::with_capacity(results.len());
        for r in results {
            let meta = catalog::find(&r.check_id)
                .ok_or_else(|| anyhow!("check {} has no catalog entry in checks/", r.check_id))?;
            let account = self
                .account_index
                .get(&r.account_id)
                .map(|i| &self.accounts[*i]);
            let mut f = Finding {
                id: finding_id(&r),
                title: meta.title.clone(),
                severity: meta.severity,
                service: meta.service.clone(),
                resource_type: meta.resource_type.clone(),
                account_name: account.and_then(|a| a.name.clone()),
                remediation: meta.remediation.summary.trim().to_string(),
                remediation_url: meta.remediation.url.clone(),
                requirements: crate::frameworks::requirements_of(&r.check_id),
                // From the resource's identity (API methods inherit their API's tags).
                tags: r.tags,
                suppressed: None,
                first_seen: None,
                last_seen: None,
                check_id: r.check_id,
                status: r.status,
                account_id: r.account_id,
                region: r.region,
                resource: r.resource,
                message: r.message,
                evidence: r.evidence,
                not_assessed_reason: r.reason,
            };
            if let Some(s) = self.opts.suppressions {
                let ou_path = account.and_then(|a| a.ou_path.clone());
                self.suppress(s, &mut f, ou_path.as_deref());
            }
            if self.opts.baseline.is_some() {
                f.first_seen = Some(self.first_seen.get(&f.id).copied().unwrap_or(self.opts.now));
                f.last_seen = Some(self.opts.now);
            }
            self.not_assessed |= f.status == Status::NotAssessed;
            self.tally.add(&f);
            if let Some(s) = self
                .account_index
                .get(&f.account_id)
                .map(|i| &mut self.accounts[*i])
            {
                s.counts.add(f.status);
                if f.status == Status::Fail {
                    *s.failed_by_severity.entry(f.severity).or_default() += 1;
                }
            }
            out.push(f);
        }
        Ok(out)
    }

    fn suppress(
        &mut self,
        s: &crate::suppress::Suppressions,
        f: &mut Finding,
        ou_path: Option<&str>,
    ) {
        if f.status != Status::Fail {
            return;
        }
        let today = self.opts.now.date_naive();
        let subject = crate::suppress::Subject {
            check_id: &f.check_id,
            account_id: &f.account_id,
            ou_path,
            region: f.region.as_deref(),
            resource: &f.resource,
            tags: f.tags.as_ref(),
        };
        if let Some((i, e)) = s
            .entries
            .iter()
            .enumerate()
            .find(|(_, e)| !e.expired(today) && e.matches(&subject))
        {
            self.suppression_used[i] = true;
            self.suppressed += 1;
            f.suppressed = Some(crate::suppress::Suppressed {
                reason: e.reason.clone(),
                expires: e.expires,
                entry: format!("{}:{}", s.file, e.line),
            });
        }
    }

    /// Run the checks that read several accounts, score, and assemble the result. `scan` is the
    /// final scan information (finish time, API calls).
    pub fn finish(mut self, scan: ScanInfo) -> anyhow::Result<ScanResult> {
        self.scan = scan;
        self.digests.sort_by(|a, b| a.account_id.cmp(&b.account_id));
        self.boundary
            .note_unscanned_accounts(self.digests.iter().map(|a| a.account_id.as_str()));
        let digests = std::mem::take(&mut self.digests);
        let management = self.management.take();
        let org = OrgContext {
            scan: &self.scan,
            organization: self.organization.as_ref(),
            accounts: &digests,
            management: management.as_ref(),
            thresholds: self.opts.thresholds,
            now: self.opts.now,
            boundary: &self.boundary,
            roles: &self.roles,
        };
        let results = checks::evaluate_organization(&org, self.opts.only_checks);
        drop(digests);
        drop(management);
        let late = self.findings(results)?;
        self.spool.push_late(late);
        self.accounts
            .sort_by(|a, b| a.account_id.cmp(&b.account_id));
        self.account_index.clear();
        // The organization's errors first, then each account's in account order.
        let mut errors: Vec<AccountError> = self
            .organization
            .as_ref()
            .map(|o| o.collection_errors(&self.scan.caller_account_id))
            .unwrap_or_default()
            .into_iter()
            .map(|(account_id, error)| AccountError { account_id, error })
            .collect();
        self.collection_errors
            .sort_by(|a, b| a.account_id.cmp(&b.account_id));
        errors.append(&mut self.collection_errors);
        self.collection_errors = errors;
        let suppressions = self.opts.suppressions.map(|s| {
            let today = self.opts.now.date_naive();
            crate::suppress::SuppressionReport {
                file: s.file.clone(),
                suppressed: self.suppressed,
                expired: s
                    .entries
                    .iter()
                    .filter(|e| e.expired(today))
                    .map(|e| s.entry_ref(e))
                    .collect(),
                unmatched: s
                    .entries
                    .iter()
                    .zip(&self.suppression_used)
                    .filter(|(e, u)| !**u && !e.expired(today))
                    .map(|(e, _)| s.entry_ref(e))
                    .collect(),
            }
        });
        let frameworks = crate::score::score(
            crate::frameworks::frameworks()?,
            &self.tally,
            &self.accounts,
        );
        let incomplete = !self.collection_errors.is_empty() || self.not_assessed;
        let mut result = ScanResult {
            schema: SCHEMA.to_string(),
            posture_version: env!("CARGO_PKG_VERSION").to_string(),
            evaluated_at: self.opts.now,
            thresholds: self.opts.thresholds.clone(),
            organization_id: match &self.organization {
                Some(Collected::Ok(o)) => Some(o.id.clone()),
                _ => None,
            },
            scan: self.scan,
            incomplete,
            accounts: self.accounts,
            findings: Findings::Spooled(Arc::new(self.spool)),
            collection_errors: self.collection_errors,
            frameworks,
            sra_accounts: self.roles,
            coverage: self.coverage.finish(),
            suppressions,
            diff: None,
        };
        if let Some(old) = self.opts.baseline {
            result.diff = Some(crate::diff::diff(old, &result)?);
        }
        Ok(result)
    }
}

#[cfg(test)]
mod streaming_tests {
    use super::*;
    use crate::checks::Evidence;
    use crate::checks::fixtures::fixture_now;
    use crate::inventory::{Instance, MetadataOptions};

    type Row = (
        String,
        String,
        Status,
        Option<String>,
        String,
        String,
        Vec<Evidence>,
    );

    /// Every check on the whole inventory at once: the meaning of a result.
    fn reference(inv: &Inventory) -> Vec<Row> {
        let boundary = Boundary::of_inventory(inv, &[]);
        let t = Thresholds::default();
        let roles = crate::check::SraAccounts::recognise(
            inv.organization.as_ref(),
            &crate::check::Given::default(),
        );
        let ctx = Context::of_inventory(inv, &boundary, &t, fixture_now(), &roles);
        let digests: Vec<AccountDigest> = inv.accounts.iter().map(AccountDigest::of).collect();
        let org = OrgContext {
            scan: &inv.scan,
            organization: inv.organization.as_ref(),
            accounts: &digests,
            management: checks::management_of(inv.organization.as_ref(), &inv.accounts),
            thresholds: &t,
            now: fixture_now(),
            boundary: &boundary,
            roles: &roles,
        };
        // Each check over every account at once (not one account at a time).
        let all: Vec<CheckResult> = checks::REGISTRY
            .iter()
            .flat_map(|c| match c {
                checks::Entry::Check(c) => c.evaluate(&ctx),
                checks::Entry::Organization(c) => c.evaluate(&org),
                checks::Entry::Split(c) => {
                    let mut r = c.evaluate_account(&ctx);
                    r.extend(c.evaluate_organization(&org));
                    r
                }
            })
            .collect();
        let mut rows: Vec<Row> = all
            .into_iter()
            .map(|r| {
                (
                    r.account_id,
                    r.check_id,
                    r.status,
                    r.region,
                    r.resource,
                    r.message,
                    r.evidence,
                )
            })
            .collect();
        rows.sort_by(|a, b| (&a.0, &a.1, &a.3, &a.4).cmp(&(&b.0, &b.1, &b.3, &b.4)));
        rows
    }

    /// The same inventory evaluated one account at a time, as a scan does.
    fn streamed(inv: &Inventory) -> Vec<Row> {
        let t = Thresholds::default();
        let opts = BuildOptions {
            thresholds: &t,
            now: fixture_now(),
            only_checks: None,
            trusted_accounts: &[],
            sra_accounts: &Default::default(),
            suppressions: None,
            baseline: None,
        };
        build(inv, &opts)
            .expect("builds")
            .findings
            .to_vec()
            .expect("reads the spool")
            .into_iter()
            .map(|f| {
                (
                    f.account_id,
                    f.check_id,
                    f.status,
                    f.region,
                    f.resource,
                    f.message,
                    f.evidence,
                )
            })
            .collect()
    }

    #[test]
    fn one_account_at_a_time_gives_the_results_of_the_whole_inventory() {
        let mut inv: Inventory =
            serde_json::from_str(include_str!("../../../tests/fixtures/inventory.json"))
                .expect("fixture parses");
        // A workload whose data buckets live in another account: move the buckets of the
        // account with S3 gateway endpoints to the next account.
        let with_endpoints = inv
            .accounts
            .iter()
            .position(|a| {
                a.regional.values().any(|r| {
                    r.ec2
                        .as_ref()
                        .is_ok_and(|e| e.vpc_endpoints.iter().any(|v| v.policy.is_some()))
                })
            })
            .expect("the fixture has an endpoint with a policy");
        let other = (with_endpoints + 1) % inv.accounts.len();
        let moved = match &mut inv.accounts[with_endpoints].s3 {
            Collected::Ok(s3) => match &mut s3.buckets {
                Collected::Ok(b) => std::mem::take(b),
                Collected::Failed(_) => panic!("fixture buckets"),
            },
            Collected::Failed(_) => panic!("fixture s3"),
        };
        if let Collected::Ok(s3) = &mut inv.accounts[other].s3
            && let Collected::Ok(b) = &mut s3.buckets
        {
            b.extend(moved);
        }
        // A workload in the management account.
        let mgmt = match &inv.organization {
            Some(Collected::Ok(o)) => o.management_account_id.clone(),
            _ => panic!("fixture organization"),
        };
        let m = inv
            .accounts
            .iter_mut()
            .find(|a| a.account_id == mgmt)
            .expect("management account scanned");
        if let Some(r) = m.regional.values_mut().next()
            && let Collected::Ok(ec2) = &mut r.ec2
        {
            ec2.instances.push(Instance {
                instance_id: "i-0123456789abcdef0".into(),
                state: Some("running".into()),
                subnet_id: None,
                vpc_id: None,
                instance_profile_arn: None,
                public_ip: None,
                metadata_options: MetadataOptions::default(),
                tags: None,
            });
        }

        let want = reference(&inv);
        let got = streamed(&inv);
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w);
        }
        // The cross-account paths were exercised.
        let other_id = &inv.accounts[other].account_id;
        assert!(
            want.iter()
                .any(|r| r.1 == "sra-app-data-bucket-restricted" && &r.0 == other_id),
            "a data bucket result in the bucket owner's account"
        );
        assert!(
            want.iter()
                .any(|r| r.1 == "org-management-account-no-workloads" && r.2 == Status::Fail),
            "the management account's workload is found"
        );
        // Subnets shared through RAM are routed by the owner's (the network account's) route
        // tables: judged at the end of the scan from the summaries.
        let shared = |check: &str, resource: &str| {
            want.iter()
                .find(|r| r.0 == "417979798948" && r.1 == check && r.4.ends_with(resource))
                .map(|r| (r.2, r.5.clone()))
                .unwrap_or_else(|| panic!("no {check} result for {resource}"))
        };
        let s3 = "sra-app-private-subnet-s3-path";
        assert_eq!(
            shared(s3, "subnet/subnet-0shared0app00000001").0,
            Status::Pass
        );
        assert_eq!(
            shared(s3, "subnet/subnet-0shared0ddb00000002").0,
            Status::Fail
        );
        assert_eq!(
            shared(s3, "subnet/subnet-0shared0ipv6000003").0,
            Status::Fail
        );
        let (status, message) = shared(s3, "subnet/subnet-0outside0000000001");
        assert_eq!(status, Status::NotAssessed);
        assert!(
            message.contains("owned by account 999999999999, which was not scanned"),
            "{message}"
        );
        assert_eq!(
            shared(
                "sra-app-private-instance-imdsv2",
                "instance/i-0shared0app000000001"
            )
            .0,
            Status::Fail
        );
    }

    /// Issue 11, class 2: a bucket policy pinned to a VPC is inside only if some scanned account
    /// has that VPC, whichever account is evaluated first. The bucket's account comes first in
    /// the inventory, the VPC's owner last, so a check evaluated per account would not know it.
    #[test]
    fn a_vpc_of_a_later_account_counts_as_inside_and_an_unknown_vpc_does_not() {
        let mut inv: Inventory =
            serde_json::from_str(include_str!("../../../tests/fixtures/inventory.json"))
                .expect("fixture parses");
        let last = inv.accounts.len() - 1;
        let vpc = inv.accounts[last]
            .regional
            .values()
            .find_map(|r| r.ec2.as_ref().ok().and_then(|e| e.vpcs.first()))
            .map(|v| v.vpc_id.clone())
            .expect("the last account has a VPC");
        let policy = |name: &str, vpc: &str| {
            format!(
                r#"{{"Statement":{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{name}/*","Condition":{{"StringEquals":{{"aws:SourceVpc":"{vpc}"}}}}}}}}"#
            )
        };
        let mut known = crate::checks::fixtures::bucket("known-vpc-bucket");
        known.policy = Collected::Ok(Some(policy("known-vpc-bucket", &vpc)));
        let mut unknown = crate::checks::fixtures::bucket("unknown-vpc-bucket");
        unknown.policy = Collected::Ok(Some(policy("unknown-vpc-bucket", "vpc-0bad0bad0bad0bad0")));
        match &mut inv.accounts[0].s3 {
            Collected::Ok(s3) => match &mut s3.buckets {
                Collected::Ok(b) => b.extend([known, unknown]),
                Collected::Failed(_) => panic!("fixture buckets"),
            },
            Collected::Failed(_) => panic!("fixture s3"),
        }
        let rows = streamed(&inv);
        assert_eq!(rows, reference(&inv));
        let row = |bucket: &str| {
            rows.iter()
                .find(|r| r.1 == "s3-bucket-policy-outside-org" && r.4.ends_with(bucket))
                .unwrap_or_else(|| panic!("a result for {bucket}"))
                .clone()
        };
        let known = row("known-vpc-bucket");
        assert_eq!(known.2, Status::Pass, "{known:?}");
        let unknown = row("unknown-vpc-bucket");
        assert_eq!(unknown.2, Status::Fail, "{unknown:?}");
        assert!(
            unknown.5.contains("owner of vpc-0bad0bad0bad0bad0"),
            "{}",
            unknown.5
        );
        assert!(
            unknown.6.iter().any(|e| e.path.ends_with(".reading")
                && e.value
                    .contains("VPC and endpoint ids of the scanned accounts are known")),
            "{:?}",
            unknown.6
        );
    }
}
