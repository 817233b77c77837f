use super::shared::macie::running;
use crate::check::Check;

/// Amazon Macie runs in every account and Region (GetMacieSession). "Macie is not enabled" is
/// AWS's answer for an account without Macie, recorded as data: a fail, never a failed call.
pub const CHECK: Check = Check {
    id: "macie-enabled",
    run: |ctx, out| {
        for m in out.macie(ctx) {
            let region = m.region.unwrap_or_default();
            let verdict = running(m.item);
            out.verdict(&m, verdict.on, format!("{} in {region}", verdict.detail));
            out.evidence("MacieSession.Status", m.item.status());
            if let crate::inventory::Macie::Session {
                finding_publishing_frequency: Some(f),
                ..
            } = m.item
            {
                out.evidence("MacieSession.FindingPublishingFrequency", f);
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, Macie};

    #[test]
    fn enabled_paused_off_and_denied() {
        let session = |status: &str| {
            Collected::Ok(Macie::Session {
                status: status.into(),
                finding_publishing_frequency: None,
            })
        };
        for (macie, want) in [
            (session("ENABLED"), Status::Pass),
            (session("PAUSED"), Status::Fail),
            (Collected::Ok(Macie::NotEnabled), Status::Fail),
            (
                Collected::Failed(denied("GetMacieSession")),
                Status::NotAssessed,
            ),
        ] {
            let mut inv = base_inventory();
            region_mut(&mut inv).macie = macie;
            assert_statuses(&inv, "macie-enabled", &[want]);
        }
    }

    #[test]
    fn names_the_region_and_the_status() {
        let mut inv = base_inventory();
        region_mut(&mut inv).macie = Collected::Ok(Macie::NotEnabled);
        let r = results(&inv, "macie-enabled");
        assert_result(&r[0], Status::Fail, &["not enabled", REGION]);
        assert!(
            r[0].resource
                .starts_with("arn:aws:macie2:us-east-1:111111111111:")
        );
    }
}
