use super::shared::iam::each_root;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "iam-root-access-keys",
    run: |ctx, out| {
        each_root(ctx, out, |out, iam, root| {
            let active: Vec<String> = root
                .access_keys
                .iter()
                .enumerate()
                .filter(|(_, k)| k.active.is_true())
                .map(|(i, _)| format!("access_key_{}", i + 1))
                .collect();
            if active.is_empty() {
                out.pass(iam, "the root user has no active access keys");
            } else {
                let n = active.len();
                out.fail(iam, format!("the root user has {n} active access key(s)"))
                    .with(
                        "credential_report.<root_account>.active_keys",
                        active.join(", "),
                    );
            }
        });
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;

    #[test]
    fn failed_report_is_not_assessed() {
        let mut inv = inventory_with_report(&[]);
        fail_credential_report(&mut inv);
        assert_eq!(
            statuses(&inv, "iam-root-access-keys"),
            vec![Status::NotAssessed]
        );
        let r = results(&inv, "iam-root-access-keys");
        assert!(r[0].message.contains("AccessDenied"), "{}", r[0].message);
    }
}
