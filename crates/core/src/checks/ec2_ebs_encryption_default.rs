use crate::check::Check;

/// EBS encryption by default, per account and Region (GetEbsEncryptionByDefault): new volumes
/// and snapshot copies are encrypted whatever the caller asks for.
pub const CHECK: Check = Check {
    id: "ec2-ebs-encryption-default",
    run: |ctx, out| {
        let regions = out.ec2(ctx);
        for (ec2, e) in out.each_collected(regions, |ec2| &ec2.ebs_encryption_by_default) {
            let region = ec2.region.unwrap_or_default();
            if e.enabled {
                out.pass(
                    &ec2,
                    format!(
                        "new EBS volumes in {region} are encrypted by default{}",
                        e.sse_type
                            .as_deref()
                            .map(|t| format!(" ({t})"))
                            .unwrap_or_default()
                    ),
                );
            } else {
                out.fail(
                    &ec2,
                    format!("EBS encryption by default is off in {region}: new volumes can be created unencrypted"),
                );
            }
            out.evidence("EbsEncryptionByDefault", e.enabled);
            if let Some(t) = &e.sse_type {
                out.evidence("SseType", t);
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, EbsEncryptionDefault, ErrorKind};

    #[test]
    fn on_off_failed() {
        let mut not_implemented = denied("GetEbsEncryptionByDefault");
        not_implemented.kind = ErrorKind::NotImplemented;
        for (setting, want) in [
            (
                Collected::Ok(EbsEncryptionDefault {
                    enabled: true,
                    sse_type: Some("sse-kms".into()),
                }),
                Status::Pass,
            ),
            (Collected::Ok(EbsEncryptionDefault::default()), Status::Fail),
            (Collected::Failed(not_implemented), Status::NotAssessed),
        ] {
            let mut inv = base_inventory();
            ec2_mut(&mut inv).ebs_encryption_by_default = setting;
            assert_statuses(&inv, CHECK.id, &[want]);
        }
    }

    /// An inventory saved before posture read the setting: not assessed, never "off".
    #[test]
    fn older_inventory_is_not_assessed() {
        let inv = edit_json(&base_inventory(), |doc| {
            for r in doc["accounts"][0]["regional"]
                .as_object_mut()
                .unwrap()
                .values_mut()
            {
                r["ec2"]["ok"]
                    .as_object_mut()
                    .unwrap()
                    .remove("ebs_encryption_by_default");
            }
        });
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);
    }
}
