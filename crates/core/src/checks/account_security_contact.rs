use crate::check::Check;

/// The account names a SECURITY alternate contact (account:GetAlternateContact), whom AWS
/// notifies of security events in the account.
pub const CHECK: Check = Check {
    id: "account-security-contact",
    run: |ctx, out| {
        for acct in out.accounts(ctx) {
            let Some(contact) = out.collected(&acct, &acct.item.security_contact) else {
                continue;
            };
            match contact {
                Some(c) if c.has_email => {
                    out.pass(
                        &acct,
                        format!(
                            "the account has a security alternate contact{}",
                            c.name
                                .as_deref()
                                .map(|n| format!(" ({n})"))
                                .unwrap_or_default()
                        ),
                    );
                    if let Some(n) = &c.name {
                        out.evidence("AlternateContact.Name", n);
                    }
                    if let Some(t) = &c.title {
                        out.evidence("AlternateContact.Title", t);
                    }
                }
                Some(_) => {
                    out.fail(
                        &acct,
                        "the account's security alternate contact has no email address",
                    );
                    out.evidence("AlternateContact.EmailAddress", "(absent)");
                }
                None => {
                    out.fail(
                        &acct,
                        "the account has no security alternate contact: AWS sends security notifications to the root email only",
                    );
                    out.evidence("GetAlternateContact(SECURITY)", "ResourceNotFoundException");
                }
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{AccountAccess, Collected};

    #[test]
    fn set_unset_failed() {
        let inv = base_inventory();
        assert_result(
            &results(&inv, CHECK.id)[0],
            Status::Pass,
            &["Security team"],
        );

        let mut inv = base_inventory();
        inv.accounts[0].security_contact = Collected::Ok(None);
        assert_result(
            &results(&inv, CHECK.id)[0],
            Status::Fail,
            &["no security alternate contact"],
        );

        let mut inv = base_inventory();
        inv.accounts[0].security_contact = Collected::Failed(denied("GetAlternateContact"));
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);

        let mut inv = base_inventory();
        inv.accounts[0].access = AccountAccess::Denied {
            role_arn: "arn:aws:iam::111111111111:role/x".into(),
            error: denied("AssumeRole"),
        };
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);
    }

    #[test]
    fn older_inventory_is_not_assessed() {
        let inv = edit_json(&base_inventory(), |doc| {
            doc["accounts"][0]
                .as_object_mut()
                .unwrap()
                .remove("security_contact");
        });
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);
    }
}
