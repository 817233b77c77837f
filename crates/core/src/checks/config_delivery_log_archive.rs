use super::shared::config::recorder;
use crate::check::{OrgCheck, Reason, Role};
use crate::inventory::Collected;

/// Each region's Config delivery channel writes to a bucket of the Log Archive account: the
/// bucket the channel names is in the Log Archive account's bucket list (ListBuckets lists every
/// bucket an account owns, so a name that is not there is owned by another account).
pub const CHECK: OrgCheck = OrgCheck {
    id: "config-delivery-log-archive",
    run: |ctx, out| {
        let log_archive = ctx.sra_accounts().get(Role::LogArchive);
        let archive = log_archive.map(|d| {
            (
                d,
                ctx.accounts.iter().find(|a| a.account_id == d.account_id),
            )
        });
        for c in out.digest_config(ctx) {
            let region = c.region.unwrap_or_default();
            let Some(rec) = recorder(&c) else {
                out.not_applicable(
                    &c,
                    format!("there is no configuration recorder in {region} (config-recorder-enabled fails it)"),
                );
                continue;
            };
            let Some(channels) = out.collected(&c, &c.delivery_channels) else {
                continue;
            };
            let Some(bucket) = channels.iter().find_map(|d| d.s3_bucket_name.as_deref()) else {
                out.fail(
                    &c,
                    format!(
                        "recorder {} in {region} has no delivery channel to S3: its configuration history is delivered nowhere",
                        rec.name
                    ),
                );
                continue;
            };
            let Some((designation, archive)) = archive else {
                out.not_assessed(
                    &c,
                    Reason::undecidable(format!(
                        "Config in {region} delivers to bucket {bucket}, but {}",
                        ctx.sra_accounts().why_unknown(Role::LogArchive)
                    )),
                );
                out.evidence("DeliveryChannel.s3BucketName", bucket);
                continue;
            };
            let Some(archive) = archive else {
                out.not_assessed(
                    &c,
                    Reason::outside_scan(format!(
                        "Config in {region} delivers to bucket {bucket}; the Log Archive account {} ({}) was not scanned, so its buckets are unknown",
                        designation.account_id, designation.source
                    )),
                );
                out.evidence("DeliveryChannel.s3BucketName", bucket);
                continue;
            };
            let owned = match &archive.s3 {
                Collected::Ok(s3) => match &s3.buckets {
                    Collected::Ok(b) => Ok(b.iter().any(|b| b.name == bucket)),
                    Collected::Failed(e) => Err(e),
                },
                Collected::Failed(e) => Err(e),
            };
            match owned {
                Err(e) => {
                    out.not_assessed(
                        &c,
                        Reason::collection_as(
                            format!(
                                "the buckets of the Log Archive account {} are unknown: ",
                                designation.account_id
                            ),
                            e,
                        ),
                    );
                }
                Ok(true) => {
                    out.pass(
                        &c,
                        format!(
                            "Config in {region} delivers to bucket {bucket} of the Log Archive account {} ({})",
                            designation.account_id, designation.source
                        ),
                    );
                }
                Ok(false) => {
                    let owner = ctx.accounts.iter().find(|a| {
                        matches!(&a.s3, Collected::Ok(s3)
                            if matches!(&s3.buckets, Collected::Ok(b) if b.iter().any(|b| b.name == bucket)))
                    });
                    out.fail(
                        &c,
                        match owner {
                            Some(o) => format!(
                                "Config in {region} delivers to bucket {bucket} of account {}, not to the Log Archive account {} ({})",
                                o.account_id, designation.account_id, designation.source
                            ),
                            None => format!(
                                "Config in {region} delivers to bucket {bucket}, which the Log Archive account {} ({}) does not own (its owner is not among the scanned accounts)",
                                designation.account_id, designation.source
                            ),
                        },
                    );
                }
            }
            out.evidence("DeliveryChannel.s3BucketName", bucket);
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, Inventory, OrgAccount};

    /// The organization fixture with a Log Archive account in the Security OU, scanned, that
    /// owns `config-logs` (the bucket the base inventory's delivery channel names).
    fn org(scan_archive: bool) -> Inventory {
        let mut inv = org_inventory();
        org_mut(&mut inv).accounts.push(OrgAccount {
            id: "333333333333".into(),
            name: "Log Archive".into(),
            email: None,
            state: "ACTIVE".into(),
            parent_id: Some("ou-sec".into()),
        });
        if scan_archive {
            let mut archive = inv.accounts[0].clone();
            archive.account_id = "333333333333".into();
            archive.name = Some("Log Archive".into());
            if let Collected::Ok(s3) = &mut archive.s3 {
                s3.buckets = Collected::Ok(vec![bucket("config-logs")]);
            }
            inv.accounts.push(archive);
        }
        inv
    }

    fn management(inv: &Inventory) -> Status {
        let r = results(inv, CHECK.id);
        r.iter()
            .find(|r| r.account_id == ACCOUNT)
            .map(|r| r.status)
            .expect("a result for the management account")
    }

    #[test]
    fn delivers_to_the_log_archive_account() {
        let inv = org(true);
        let r = results(&inv, CHECK.id);
        assert!(r.iter().all(|r| r.status == Status::Pass), "{r:?}");
        assert_result(&r[0], Status::Pass, &["Log Archive account 333333333333"]);
    }

    #[test]
    fn delivers_elsewhere() {
        let mut inv = org(true);
        // The management account's channel names a bucket it owns itself.
        config_mut(&mut inv).delivery_channels =
            Collected::Ok(vec![crate::inventory::ConfigDeliveryChannel {
                name: "default".into(),
                s3_bucket_name: Some("mgmt-config".into()),
                ..Default::default()
            }]);
        set_buckets(&mut inv, vec![bucket("mgmt-config")]);
        assert_eq!(management(&inv), Status::Fail);
        let r = results(&inv, CHECK.id);
        let m = r.iter().find(|r| r.account_id == ACCOUNT).unwrap();
        assert_result(m, Status::Fail, &["of account 111111111111"]);
        // No channel at all.
        config_mut(&mut inv).delivery_channels = Collected::Ok(vec![]);
        assert_eq!(management(&inv), Status::Fail);
    }

    #[test]
    fn unknown_log_archive_is_not_assessed() {
        // Not scanned: outside the scan.
        let inv = org(false);
        assert_eq!(management(&inv), Status::NotAssessed);
        // Not recognised: undecidable, never a pass.
        let mut inv = org(true);
        org_mut(&mut inv).accounts[1].name = "Workload".into();
        let r = results(&inv, CHECK.id);
        assert!(r.iter().all(|r| r.status == Status::NotAssessed), "{r:?}");
        assert!(
            r[0].message.contains("--log-archive-account"),
            "{}",
            r[0].message
        );
        // The Log Archive account's buckets could not be listed.
        let mut inv = org(true);
        if let Collected::Ok(s3) = &mut inv.accounts[1].s3 {
            s3.buckets = Collected::Failed(denied("ListBuckets"));
        }
        assert_eq!(management(&inv), Status::NotAssessed);
    }

    #[test]
    fn no_recorder_is_not_applicable() {
        let mut inv = org(true);
        config_mut(&mut inv).recorders.clear();
        assert_eq!(management(&inv), Status::NotApplicable);
    }
}
