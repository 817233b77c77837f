use super::shared::inspector2::scanning;
use crate::check::Check;

/// Amazon Inspector scans EC2 instances, ECR images and Lambda functions in every account and
/// Region (BatchGetAccountStatus). An account that never enabled Inspector reads DISABLED.
pub const CHECK: Check = Check {
    id: "inspector-enabled",
    run: |ctx, out| {
        for i in out.inspector2(ctx) {
            let region = i.region.unwrap_or_default();
            let verdict = scanning(i.item);
            out.verdict(&i, verdict.on, format!("{} in {region}", verdict.detail));
            out.evidence("State.Status", &i.item.status);
            for (path, v) in [
                ("ResourceState.Ec2.Status", &i.item.ec2),
                ("ResourceState.Ecr.Status", &i.item.ecr),
                ("ResourceState.Lambda.Status", &i.item.lambda),
                ("ResourceState.LambdaCode.Status", &i.item.lambda_code),
            ] {
                out.evidence(path, v.as_deref().unwrap_or("(absent)"));
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::Collected;

    #[test]
    fn scan_types_account_state_and_denied() {
        let mut no_lambda = inspector2_enabled();
        no_lambda.lambda = Some("DISABLED".into());
        for (inspector, want) in [
            (Collected::Ok(inspector2_enabled()), Status::Pass),
            (Collected::Ok(no_lambda), Status::Fail),
            (Collected::Ok(inspector2_disabled()), Status::Fail),
            (
                Collected::Failed(denied("BatchGetAccountStatus")),
                Status::NotAssessed,
            ),
        ] {
            let mut inv = base_inventory();
            region_mut(&mut inv).inspector2 = inspector;
            assert_statuses(&inv, "inspector-enabled", &[want]);
        }
    }

    #[test]
    fn names_what_is_off() {
        let mut inv = base_inventory();
        let mut partial = inspector2_enabled();
        partial.ecr = Some("DISABLED".into());
        region_mut(&mut inv).inspector2 = Collected::Ok(partial);
        let r = results(&inv, "inspector-enabled");
        assert_result(&r[0], Status::Fail, &["ECR (DISABLED)", REGION]);
        assert_evidence(&r[0], "ResourceState.Ecr.Status", |v| v == "DISABLED");
    }
}
