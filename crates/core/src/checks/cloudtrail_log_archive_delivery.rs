use super::shared::boundary::decisions;
use super::shared::cloudtrail::{KeyReading, OrgTrails, key_reading};
use super::shared::layers::outside_grant_rcps;
use super::shared::s3::{bucket_policy, buckets_by_name, effective_bpa};
use crate::check::{OrgCheck, Reason, Role};
use crate::inventory::Collected;
use crate::policy::{grants_public_access, outside_accounts};

/// The organization trail delivers to a bucket of the Log Archive account, and that bucket's
/// policy admits no one outside the organization and the trusted accounts (the engine's reading
/// of the policy, with the RCPs above the account and Block Public Access as the last layers,
/// as `s3-bucket-policy-outside-org` reads every bucket). The bucket's owner is found among the
/// scanned accounts' buckets.
pub const CHECK: OrgCheck = OrgCheck {
    id: "cloudtrail-log-archive-delivery",
    run: |ctx, out| {
        let Some(org) = out.organization(ctx) else {
            return;
        };
        let management = org.management_account_id.as_str();
        let trails = OrgTrails::read(ctx.accounts, management);
        let Some((t, _, _)) = trails.recording().or(trails.found.first()) else {
            match trails.absence(management) {
                Ok(sentence) => {
                    out.fail(
                        org,
                        format!("nothing is delivered to the Log Archive account: {sentence}"),
                    );
                }
                Err(reason) => {
                    out.not_assessed(org, reason);
                }
            }
            return;
        };
        let Some(bucket) = t.s3_bucket_name.as_deref() else {
            out.not_assessed(
                org,
                Reason::not_reported(format!(
                    "DescribeTrails names no bucket for organization trail {}",
                    t.name
                )),
            );
            return;
        };
        let Some(archive) = ctx.sra_accounts().get(Role::LogArchive) else {
            out.not_assessed(
                org,
                Reason::undecidable(format!(
                    "organization trail {} delivers to bucket {bucket}, but {}",
                    t.name,
                    ctx.sra_accounts().why_unknown(Role::LogArchive)
                )),
            );
            return;
        };
        let archive_id = archive.account_id.as_str();
        let found = buckets_by_name(ctx).into_iter().find(|b| b.name == bucket);
        let Some(b) = found else {
            // Not among the buckets read: in the Log Archive account only if its buckets were not.
            let listed = ctx.accounts.iter().find(|d| d.account_id == archive_id);
            match listed.map(|d| &d.s3) {
                None => {
                    out.not_assessed(
                        org,
                        Reason::outside_scan(format!(
                            "organization trail {} delivers to bucket {bucket}, and the Log Archive account {archive_id} was not scanned",
                            t.name
                        )),
                    );
                }
                Some(Collected::Failed(e)) => {
                    out.not_assessed(
                        org,
                        Reason::collection_as(
                            format!(
                                "the buckets of the Log Archive account {archive_id} are unknown: "
                            ),
                            e,
                        ),
                    );
                }
                Some(Collected::Ok(s3)) => match &s3.buckets {
                    Collected::Failed(e) => {
                        out.not_assessed(org, Reason::collection_as(format!("the buckets of the Log Archive account {archive_id} are unknown: "), e));
                    }
                    Collected::Ok(_) => {
                        out.fail(
                            org,
                            format!(
                                "organization trail {} delivers to bucket {bucket}, which is not a bucket of the Log Archive account {archive_id} (its owner was not scanned)",
                                t.name
                            ),
                        );
                        out.evidence("Trail.S3BucketName", bucket);
                        out.evidence(
                            "log_archive_account",
                            format!("{archive_id} ({})", archive.source),
                        );
                    }
                },
            }
            return;
        };
        if b.account_id() != archive_id {
            out.fail(
                &b,
                format!(
                    "organization trail {} delivers to bucket {bucket} of account {}, not to the Log Archive account {archive_id}",
                    t.name,
                    b.account_id()
                ),
            );
            out.evidence("Trail.TrailARN", &t.arn);
            out.evidence(
                "log_archive_account",
                format!("{archive_id} ({})", archive.source),
            );
            return;
        }
        let policy = match bucket_policy(b.item) {
            Err(reason) => {
                out.not_assessed(&b, reason);
                return;
            }
            Ok(None) => {
                out.pass(
                    &b,
                    format!(
                        "organization trail {} delivers to bucket {bucket} of the Log Archive account {archive_id}, which has no bucket policy admitting anyone else",
                        t.name
                    ),
                );
                out.evidence("Trail.TrailARN", &t.arn);
                out.evidence(
                    "log_archive_account",
                    format!("{archive_id} ({})", archive.source),
                );
                return;
            }
            Ok(Some(p)) => p,
        };
        let read = decisions(&policy, ctx.boundary());
        let mut grants = read.outside.clone();
        let rcps = outside_grant_rcps(ctx.organization, &b, &policy, &grants, ctx.boundary());
        grants.retain(|g| !rcps.confines(&g.statement));
        // RestrictPublicBuckets voids every outside grant of a policy S3 considers public.
        if !grants.is_empty() && !grants_public_access(&policy, None).is_empty() {
            let s3 = match &b.account.s3 {
                Collected::Ok(s3) => s3,
                Collected::Failed(e) => {
                    out.not_assessed(&b, Reason::collection(e));
                    return;
                }
            };
            match effective_bpa(s3, b.item) {
                Ok(bpa) if bpa.settings.restrict_public_buckets => grants.clear(),
                Ok(_) => {}
                Err(reason) => {
                    out.not_assessed(&b, reason.after("the bucket policy is public and grants access outside the organization, and "));
                    return;
                }
            }
        }
        let who = outside_accounts(&grants);
        let key = key_reading(ctx, t);
        let name = &t.name;
        match (&key, who.is_empty()) {
            (_, false) => {
                out.fail(
                    &b,
                    format!(
                        "organization trail {name} delivers to bucket {bucket} of the Log Archive account {archive_id}, but its policy admits principals outside the organization: {}",
                        who.join(", ")
                    ),
                );
            }
            (KeyReading::Outside(arn, keys_who), true) => {
                out.fail(
                    &b,
                    format!(
                        "organization trail {name} delivers to bucket {bucket} of the Log Archive account {archive_id}, but the policy of its KMS key {arn} admits principals outside the organization: {}",
                        keys_who.join(", ")
                    ),
                );
            }
            (KeyReading::Unknown(reason), true) => {
                out.not_assessed(
                    &b,
                    reason.clone().after(format!(
                        "the policy of bucket {bucket} admits no one outside the organization, and "
                    )),
                );
            }
            (KeyReading::Inside(arn), true) => {
                out.pass(
                    &b,
                    format!(
                        "organization trail {name} delivers to bucket {bucket} of the Log Archive account {archive_id}, whose policy, like that of its KMS key {arn}, admits no one outside the organization"
                    ),
                );
            }
            (KeyReading::NoKey, true) => {
                out.pass(
                    &b,
                    format!(
                        "organization trail {name} delivers to bucket {bucket} of the Log Archive account {archive_id}, whose policy admits no one outside the organization (no KMS key: cloudtrail-kms-encryption judges that)"
                    ),
                );
            }
        }
        if let KeyReading::Inside(arn) | KeyReading::Outside(arn, _) = &key {
            out.evidence("Trail.KmsKeyId", arn);
        }
        out.evidence("Trail.TrailARN", &t.arn);
        out.evidence(
            "log_archive_account",
            format!("{archive_id} ({})", archive.source),
        );
        for g in &grants {
            out.evidence(format!("policy.{}", g.statement), g.who.join(", "));
        }
        read.reading_evidence(out);
        rcps.evidence(out);
    },
};

#[cfg(test)]
mod tests {
    use crate::check::ReasonCode;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Bucket, Collected, Inventory, OrgAccount};

    const ID: &str = "cloudtrail-log-archive-delivery";
    const ARCHIVE: &str = "333333333333";

    /// The bucket policy CloudTrail's console writes for an organization trail.
    const TRAIL_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"AWSCloudTrailAclCheck","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::org-trail-logs","Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111111111111:trail/org"}}},{"Sid":"AWSCloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::org-trail-logs/AWSLogs/o-test/*","Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control","aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111111111111:trail/org"}}}]}"#;

    /// A trail key policy: the account administers it, CloudTrail encrypts with it; `extra` is
    /// appended to the statements.
    fn key_policy(extra: &str) -> String {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"kms:*","Resource":"*"}},{{"Sid":"Allow CloudTrail to encrypt logs","Effect":"Allow","Principal":{{"Service":"cloudtrail.amazonaws.com"}},"Action":"kms:GenerateDataKey*","Resource":"*","Condition":{{"StringEquals":{{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/org"}}}}}}{extra}]}}"#
        )
    }

    /// The organization fixture with its organization trail into `org-trail-logs`, and a
    /// "Log Archive" account in the Security OU (scanned, holding `archive_buckets`, or not).
    fn org(archive_buckets: Option<Vec<Bucket>>) -> Inventory {
        let mut inv = org_inventory();
        let mut t = trail("org", true, true);
        t.is_organization_trail = true;
        t.s3_bucket_name = Some("org-trail-logs".into());
        cloudtrail_mut(&mut inv).trails = vec![t];
        kms_mut(&mut inv).keys = vec![kms_key("trail", &key_policy(""), true)];
        org_mut(&mut inv).accounts.push(OrgAccount {
            id: ARCHIVE.into(),
            name: "Log Archive".into(),
            email: None,
            state: "ACTIVE".into(),
            parent_id: Some("ou-sec".into()),
        });
        if let Some(buckets) = archive_buckets {
            let mut archive = inv.accounts[0].clone();
            archive.account_id = ARCHIVE.into();
            archive.name = Some("Log Archive".into());
            if let Collected::Ok(s3) = &mut archive.s3 {
                s3.buckets = Collected::Ok(buckets);
            }
            inv.accounts.push(archive);
        }
        inv
    }

    #[test]
    fn the_trail_bucket_in_the_log_archive_account_admitting_only_cloudtrail_passes() {
        let inv = org(Some(vec![bucket_with_policy(
            "org-trail-logs",
            TRAIL_POLICY,
        )]));
        let r = results(&inv, ID);
        assert_eq!(r.len(), 1, "{r:#?}");
        assert_result(
            &r[0],
            Status::Pass,
            &["org-trail-logs", ARCHIVE, "admits no one outside"],
        );
        assert_eq!(r[0].account_id, ARCHIVE);
    }

    #[test]
    fn a_grant_outside_the_organization_or_another_owner_fails() {
        let leaky = TRAIL_POLICY.replace(
            r#"]}"#,
            r#",{"Sid":"Auditor","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444444444444:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::org-trail-logs/*"}]}"#,
        );
        let r = results(
            &org(Some(vec![bucket_with_policy("org-trail-logs", &leaky)])),
            ID,
        );
        assert_result(
            &r[0],
            Status::Fail,
            &["outside the organization", "444444444444"],
        );
        // The bucket belongs to the management account.
        let mut inv = org(Some(vec![]));
        set_buckets(
            &mut inv,
            vec![bucket_with_policy("org-trail-logs", TRAIL_POLICY)],
        );
        let r = results(&inv, ID);
        assert_result(
            &r[0],
            Status::Fail,
            &["of account 111111111111, not to the Log Archive account"],
        );
        // Not among the Log Archive account's buckets.
        let r = results(&org(Some(vec![bucket("other")])), ID);
        assert_result(
            &r[0],
            Status::Fail,
            &["not a bucket of the Log Archive account"],
        );
    }

    #[test]
    fn the_trail_key_policy_is_read_too() {
        let outside = key_policy(
            r#",{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::555555555555:root"},"Action":"kms:Decrypt","Resource":"*"}"#,
        );
        let mut inv = org(Some(vec![bucket_with_policy(
            "org-trail-logs",
            TRAIL_POLICY,
        )]));
        kms_mut(&mut inv).keys = vec![kms_key("trail", &outside, true)];
        let r = results(&inv, ID);
        assert_result(
            &r[0],
            Status::Fail,
            &["policy of its KMS key", "555555555555"],
        );
        // The key is not among the management account's keys: unknown, never a pass.
        kms_mut(&mut inv).keys.clear();
        let r = results(&inv, ID);
        assert_reason(&r[0], ReasonCode::Inconsistent);
        region_mut(&mut inv).kms = Collected::Failed(denied("ListKeys"));
        let r = results(&inv, ID);
        assert_reason(&r[0], ReasonCode::CollectionFailed);
        // No KMS key: the bucket decides (cloudtrail-kms-encryption judges the key).
        let mut inv = org(Some(vec![bucket_with_policy(
            "org-trail-logs",
            TRAIL_POLICY,
        )]));
        for a in &mut inv.accounts {
            for data in a.regional.values_mut() {
                if let Collected::Ok(ct) = &mut data.cloudtrail {
                    ct.trails.iter_mut().for_each(|t| t.kms_key_id = None);
                }
            }
        }
        let r = results(&inv, ID);
        assert_result(&r[0], Status::Pass, &["no KMS key"]);
    }

    #[test]
    fn no_organization_trail_fails() {
        let mut inv = org(Some(vec![bucket_with_policy(
            "org-trail-logs",
            TRAIL_POLICY,
        )]));
        // Neither the management account nor the member lists one.
        for a in &mut inv.accounts {
            for r in a.regional.values_mut() {
                r.cloudtrail = Collected::Ok(Default::default());
            }
        }
        let r = results(&inv, ID);
        assert_result(&r[0], Status::Fail, &["no organization trail"]);
    }

    #[test]
    fn an_unknown_or_unscanned_log_archive_account_is_not_assessed() {
        let r = results(&org(None), ID);
        assert_reason(&r[0], ReasonCode::OutsideScan);
        let mut inv = org(Some(vec![bucket_with_policy(
            "org-trail-logs",
            TRAIL_POLICY,
        )]));
        org_mut(&mut inv).accounts.retain(|a| a.id != ARCHIVE);
        let r = results(&inv, ID);
        assert_reason(&r[0], ReasonCode::Undecidable);
        assert!(
            r[0].message.contains("--log-archive-account"),
            "{}",
            r[0].message
        );
        let mut inv = org(Some(vec![]));
        if let Collected::Ok(s3) = &mut inv.accounts[1].s3 {
            s3.buckets = Collected::Failed(denied("ListBuckets"));
        }
        let r = results(&inv, ID);
        assert_reason(&r[0], ReasonCode::CollectionFailed);
    }
}
