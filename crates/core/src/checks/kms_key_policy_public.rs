//! Customer-managed KMS keys whose key policy lets anyone use or manage the key: a wildcard
//! principal without a condition that pins the caller, read by the same engine as bucket
//! policies. KMS is among the services resource control policies cover, so an RCP above a member
//! account that denies every caller outside the organization removes the grant.

use super::shared::kms::key_policy;
use super::shared::layers::{Attached, account_rcps, public_grant_evidence};
use crate::check::Check;
use crate::policy::grants_public_access;

pub const CHECK: Check = Check {
    id: "kms-key-policy-public",
    run: |ctx, out| {
        for (k, d) in out.kms_keys(ctx) {
            let Some(policy) = key_policy(out, &k, d) else {
                continue;
            };
            let id = &k.key_id;
            let found = grants_public_access(&policy, None);
            if found.is_empty() {
                out.pass(
                    &k,
                    format!("the policy of key {id} grants no public access"),
                );
                continue;
            }
            // The layers in AWS's order: the key policy grants, an RCP above the account may
            // deny every caller outside the organization.
            let rcps = account_rcps(
                ctx.organization,
                k.account_id(),
                &policy,
                found.iter().map(|g| g.statement.as_str()),
                &Attached::kms_key(&k.arn),
                ctx.boundary(),
            );
            if rcps.confines_all() {
                out.pass(
                    &k,
                    format!(
                        "the policy of key {id} grants public access (to `*`); {}",
                        rcps.confined_by()
                    ),
                );
            } else {
                out.fail(
                    &k,
                    format!("the policy of key {id} lets any AWS principal use it"),
                );
            }
            public_grant_evidence(out, &found);
            rcps.evidence(out);
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::Collected;

    const OWN: &str = r#"{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}]}"#;
    const OPEN: &str = r#"{"Statement":[{"Sid":"Open","Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Decrypt","kms:Encrypt"],"Resource":"*"}]}"#;
    /// The pattern AWS uses for service integrations: any principal, but only through a service
    /// and only callers of one account.
    const VIA_SERVICE: &str = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111111111111","kms:ViaService":"ec2.us-east-1.amazonaws.com"}}}]}"#;
    const ORG_PINNED: &str = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-test"}}}]}"#;
    const PERIMETER: &str = r#"{"Statement":[{"Sid":"EnforceOrgIdentities","Effect":"Deny","Principal":"*","Action":["s3:*","kms:*"],"Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-test"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}"#;

    #[test]
    fn wildcard_principals_fail_unless_pinned() {
        let mut inv = base_inventory();
        kms_mut(&mut inv).keys = vec![
            kms_key("own", OWN, true),
            kms_key("open", OPEN, true),
            kms_key("via", VIA_SERVICE, true),
            kms_key("org", ORG_PINNED, true),
        ];
        let r = results(&inv, CHECK.id);
        let st: Vec<Status> = r.iter().map(|r| r.status).collect();
        assert_eq!(
            st,
            vec![Status::Pass, Status::Fail, Status::Pass, Status::Pass]
        );
        assert_eq!(
            r[1].resource,
            format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/open")
        );
        assert_evidence_value(&r[1], "Allow to a wildcard principal");
    }

    #[test]
    fn unreadable_or_unparseable_policies_are_not_assessed() {
        let mut inv = base_inventory();
        let mut denied_key = kms_key("denied", OWN, true);
        if let Collected::Ok(d) = &mut denied_key.details {
            d.policy = Collected::Failed(denied("GetKeyPolicy"));
        }
        let mut undescribed = kms_key("undescribed", OWN, true);
        undescribed.details = Collected::Failed(denied("DescribeKey"));
        kms_mut(&mut inv).keys = vec![denied_key, undescribed, kms_key("bad", "{not json", true)];
        assert_statuses(
            &inv,
            CHECK.id,
            &[
                Status::NotAssessed,
                Status::NotAssessed,
                Status::NotAssessed,
            ],
        );
        region_mut(&mut inv).kms = Collected::Failed(denied("ListKeys"));
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);
    }

    /// A member account under a data-perimeter RCP that covers KMS: the public grant is confined
    /// and the evidence names the RCP; in the management account RCPs do not apply.
    #[test]
    fn an_rcp_covering_kms_confines_a_public_key_policy() {
        let mut inv = org_inventory();
        member_under_rcp(&mut inv, PERIMETER, true);
        kms_mut(&mut inv).keys = vec![kms_key("open", OPEN, true)];
        let r = &results(&inv, CHECK.id)[0];
        assert_eq!(r.status, Status::Pass, "{r:#?}");
        assert!(
            r.message.contains("RCP p-perimeter (DataPerimeter)"),
            "{}",
            r.message
        );
        assert!(
            r.evidence.iter().any(|e| e.path.starts_with("rcp.")),
            "{r:#?}"
        );

        // An RCP that covers S3 only leaves the key public.
        let s3_only = PERIMETER.replace(r#","kms:*""#, "");
        if let Collected::Ok(p) = &mut org_mut(&mut inv).policies {
            p[0].content = Collected::Ok(s3_only);
        }
        assert_statuses(&inv, CHECK.id, &[Status::Fail]);

        // The management account: RCPs do not apply to it.
        if let Collected::Ok(p) = &mut org_mut(&mut inv).policies {
            p[0].content = Collected::Ok(PERIMETER.into());
        }
        org_mut(&mut inv).management_account_id = ACCOUNT.into();
        assert_statuses(&inv, CHECK.id, &[Status::Fail]);
    }
}
