//! Security Hub in every account and region (the SRA's aggregation point for findings): one
//! result per scanned region of each account.

use super::shared::securityhub::hub_sentence;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "securityhub-enabled",
    run: |ctx, out| {
        for sh in out.securityhub(ctx) {
            let region = sh.region.unwrap_or_default();
            let sentence = format!("{} in {region}", hub_sentence(sh.item));
            match &sh.hub {
                Some(h) => {
                    out.pass(&sh, sentence).with("DescribeHub.HubArn", &h.arn);
                    if let Some(t) = &h.subscribed_at {
                        out.evidence("DescribeHub.SubscribedAt", t);
                    }
                }
                None => {
                    out.fail(&sh, sentence)
                        .with("DescribeHub", "InvalidAccessException: not subscribed");
                }
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::check::ReasonCode;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::Collected;

    #[test]
    fn enabled_passes_off_fails_unread_is_not_assessed() {
        let inv = base_inventory();
        assert_statuses(&inv, CHECK.id, &[Status::Pass]);
        let r = results(&inv, CHECK.id);
        assert_eq!(
            r[0].resource,
            format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:hub/default")
        );
        assert_eq!(r[0].region.as_deref(), Some(REGION));

        let mut off = base_inventory();
        *securityhub_mut(&mut off) = securityhub_off();
        assert_statuses(&off, CHECK.id, &[Status::Fail]);
        let r = results(&off, CHECK.id);
        assert_result(&r[0], Status::Fail, &["not enabled", REGION]);
        // The same resource name whether on or off.
        assert_eq!(
            r[0].resource,
            format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:hub/default")
        );

        let mut failed = base_inventory();
        region_mut(&mut failed).securityhub = Collected::Failed(denied("DescribeHub"));
        assert_statuses(&failed, CHECK.id, &[Status::NotAssessed]);
        assert_reason(&results(&failed, CHECK.id)[0], ReasonCode::CollectionFailed);
    }

    #[test]
    fn one_result_per_region() {
        let mut inv = base_inventory();
        let mut other = region_mut(&mut inv).clone();
        other.securityhub = Collected::Ok(securityhub_off());
        inv.accounts[0].regional.insert("eu-west-1".into(), other);
        inv.accounts[0].regions = Collected::Ok(vec![REGION.into(), "eu-west-1".into()]);
        let r = results(&inv, CHECK.id);
        assert_eq!(r.len(), 2);
        assert_eq!(
            status_of(&r, "eu-west-1:111111111111:hub/default"),
            Status::Fail
        );
        assert_eq!(
            status_of(&r, "us-east-1:111111111111:hub/default"),
            Status::Pass
        );
    }
}
