//! Automatic rotation of customer-managed symmetric encryption keys. AWS offers automatic
//! rotation only for symmetric encryption keys whose key material KMS generated; other keys are
//! not applicable.

use crate::check::{Check, Reason};

pub const CHECK: Check = Check {
    id: "kms-key-rotation",
    run: |ctx, out| {
        for (k, d) in out.kms_keys(ctx) {
            let id = &k.key_id;
            if !d.rotation_supported() {
                let spec = d.key_spec.as_deref().unwrap_or("(absent)");
                let usage = d.key_usage.as_deref().unwrap_or("(absent)");
                let origin = d.origin.as_deref().unwrap_or("(absent)");
                out.not_applicable(
                    &k,
                    format!(
                        "key {id} ({spec}, {usage}, origin {origin}) has no automatic rotation"
                    ),
                )
                .with("KeyMetadata.KeySpec", spec)
                .with("KeyMetadata.Origin", origin);
                continue;
            }
            if d.pending_deletion() {
                let state = d.key_state.as_deref().unwrap_or_default();
                out.not_applicable(&k, format!("key {id} is scheduled for deletion ({state})"))
                    .with("KeyMetadata.KeyState", state);
                continue;
            }
            let Some(rotation) = &d.rotation_enabled else {
                // The collector reads it for every key the two tests above let through.
                out.not_assessed(
                    &k,
                    Reason::inconsistent(format!(
                        "the inventory has no rotation status for key {id}, which supports automatic rotation"
                    )),
                );
                continue;
            };
            let Some(enabled) = out.collected(&k, rotation) else {
                continue;
            };
            out.verdict(
                &k,
                *enabled,
                if *enabled {
                    format!("key {id} rotates its key material automatically")
                } else {
                    format!("key {id} does not rotate its key material automatically")
                },
            )
            .with("KeyRotationEnabled", enabled);
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::Collected;

    const OWN: &str = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}]}"#;

    #[test]
    fn symmetric_keys_without_rotation_fail_others_are_not_applicable() {
        let mut inv = base_inventory();
        let mut rsa = kms_key("rsa", OWN, false);
        let mut imported = kms_key("imported", OWN, false);
        let mut deleting = kms_key("deleting", OWN, false);
        let mut denied_key = kms_key("denied", OWN, false);
        if let (Collected::Ok(r), Collected::Ok(i), Collected::Ok(d), Collected::Ok(x)) = (
            &mut rsa.details,
            &mut imported.details,
            &mut deleting.details,
            &mut denied_key.details,
        ) {
            r.key_spec = Some("RSA_2048".into());
            r.key_usage = Some("SIGN_VERIFY".into());
            r.rotation_enabled = None;
            i.origin = Some("EXTERNAL".into());
            i.rotation_enabled = None;
            d.key_state = Some("PendingDeletion".into());
            d.rotation_enabled = None;
            x.rotation_enabled = Some(Collected::Failed(denied("GetKeyRotationStatus")));
        }
        kms_mut(&mut inv).keys = vec![
            kms_key("on", OWN, true),
            kms_key("off", OWN, false),
            rsa,
            imported,
            deleting,
            denied_key,
        ];
        assert_statuses(
            &inv,
            CHECK.id,
            &[
                Status::Pass,
                Status::Fail,
                Status::NotApplicable,
                Status::NotApplicable,
                Status::NotApplicable,
                Status::NotAssessed,
            ],
        );
    }
}
