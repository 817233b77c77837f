use std::collections::BTreeSet;

use crate::check::{OrgCheck, Reason, Role, organization_part};
use crate::inventory::{AggregationRegions, Collected};

/// An AWS Config aggregator over the whole organization (an OrganizationAggregationSource)
/// covering every region, in the management account (where the SRA code examples deploy it) or
/// in the Security Tooling account (where sra-verify expects it): both are documented options,
/// and the message says which one was found.
pub const CHECK: OrgCheck = OrgCheck {
    id: "config-organization-aggregator",
    run: |ctx, out| {
        let Some(org) = out.organization(ctx) else {
            return;
        };
        let on = organization_part(org, "config-aggregator");
        let management = org.management_account_id.as_str();
        let tooling = ctx.sra_accounts().get(Role::SecurityTooling);
        // Every region scanned in some account: what "all regions" must cover.
        let scanned: BTreeSet<&str> = ctx
            .accounts
            .iter()
            .flat_map(|a| a.config.keys().map(String::as_str))
            .collect();
        // (account, region, aggregator name, regions it misses)
        let mut found: Vec<(&str, &str, &str, Vec<&str>)> = Vec::new();
        let mut unread: Vec<String> = Vec::new();
        for a in ctx.accounts {
            for (region, c) in &a.config {
                let aggregators = match c {
                    Collected::Ok(c) => match &c.aggregators {
                        Collected::Ok(ag) => ag,
                        Collected::Failed(_) => {
                            unread.push(format!("{} in {region}", a.account_id));
                            continue;
                        }
                    },
                    Collected::Failed(_) => {
                        unread.push(format!("{} in {region}", a.account_id));
                        continue;
                    }
                };
                for ag in aggregators {
                    if let Some(src) = &ag.organization_source {
                        found.push((&a.account_id, region, &ag.name, missing(src, &scanned)));
                    }
                }
            }
        }
        let scanned_account = |id: &str| ctx.accounts.iter().any(|a| a.account_id == id);
        // A suspended or closing account runs no aggregator: not scanning it hides nothing.
        let active = |id: &str| {
            org.accounts
                .iter()
                .find(|a| a.id == id)
                .is_none_or(|a| a.state == "ACTIVE" || a.state == "UNKNOWN")
        };
        let place = |account: &str| -> Option<&'static str> {
            if account == management {
                Some("the management account, as the SRA code examples deploy it")
            } else if tooling.is_some_and(|t| t.account_id == account) {
                Some("the Security Tooling account, as sra-verify expects it")
            } else {
                None
            }
        };
        let complete = found
            .iter()
            .filter(|(_, _, _, miss)| miss.is_empty())
            .find(|(account, ..)| place(account).is_some());
        if let Some((account, region, name, _)) = complete {
            out.pass(
                &on,
                format!(
                    "Config aggregator {name} in {region} of account {account} aggregates the whole organization over every region; it is in {}",
                    place(account).unwrap_or_default()
                ),
            );
            out.evidence(
                "ConfigurationAggregator",
                format!("{account} {region} {name}"),
            );
            return;
        }
        let describe = |(account, region, name, miss): &(&str, &str, &str, Vec<&str>)| {
            if miss.is_empty() {
                format!("{name} ({account}, {region})")
            } else {
                format!("{name} ({account}, {region}; misses {})", miss.join(", "))
            }
        };
        let partial: Vec<String> = found
            .iter()
            .filter(|f| place(f.0).is_some())
            .map(describe)
            .collect();
        let elsewhere: Vec<&(&str, &str, &str, Vec<&str>)> =
            found.iter().filter(|f| place(f.0).is_none()).collect();
        if !partial.is_empty() {
            out.fail(
                &on,
                format!(
                    "the organization's Config aggregators leave regions out: {}",
                    partial.join("; ")
                ),
            );
        } else if tooling.is_none() && !elsewhere.is_empty() {
            out.not_assessed(
                &on,
                Reason::undecidable(format!(
                    "organization aggregator(s) {} are outside the management account, and {}",
                    elsewhere
                        .iter()
                        .map(|f| describe(f))
                        .collect::<Vec<_>>()
                        .join("; "),
                    ctx.sra_accounts().why_unknown(Role::SecurityTooling)
                )),
            );
        } else if !elsewhere.is_empty() {
            out.fail(
                &on,
                format!(
                    "the organization's Config aggregator(s) {} are in neither the management account nor the Security Tooling account",
                    elsewhere.iter().map(|f| describe(f)).collect::<Vec<_>>().join("; ")
                ),
            );
        } else if !unread.is_empty() {
            out.not_assessed(
                &on,
                Reason::not_reported(format!(
                    "no organization aggregator was found, but the Config aggregators of {} could not be read",
                    unread.join(", ")
                )),
            );
        } else if !scanned_account(management)
            || tooling.is_some_and(|t| !scanned_account(&t.account_id) && active(&t.account_id))
        {
            out.not_assessed(
                &on,
                Reason::outside_scan(
                    "no organization aggregator was found, but the management account or the (active) Security Tooling account was not scanned",
                ),
            );
        } else {
            out.fail(
                &on,
                "there is no AWS Config aggregator over the organization (no OrganizationAggregationSource in the management or the Security Tooling account)",
            );
        }
    },
};

/// The scanned regions an aggregation source leaves out.
fn missing<'a>(src: &AggregationRegions, scanned: &BTreeSet<&'a str>) -> Vec<&'a str> {
    if src.all_aws_regions {
        return Vec::new();
    }
    scanned
        .iter()
        .copied()
        .filter(|r| !src.aws_regions.iter().any(|a| a == r))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{
        AggregationRegions, Collected, ConfigAggregator, Inventory, OrgAccount,
    };

    fn aggregator(all: bool, regions: &[&str]) -> ConfigAggregator {
        ConfigAggregator {
            name: "org".into(),
            arn: None,
            organization_source: Some(AggregationRegions {
                all_aws_regions: all,
                aws_regions: regions.iter().map(|r| r.to_string()).collect(),
                account_ids: vec![],
            }),
            account_sources: vec![],
        }
    }

    /// The organization fixture, with a scanned Security Tooling account.
    fn org() -> Inventory {
        let mut inv = org_inventory();
        org_mut(&mut inv).accounts.push(OrgAccount {
            id: "222222222222".into(),
            name: "Security Tooling".into(),
            email: None,
            state: "ACTIVE".into(),
            parent_id: Some("ou-sec".into()),
        });
        let mut tooling = inv.accounts[0].clone();
        tooling.account_id = "222222222222".into();
        inv.accounts.push(tooling);
        inv
    }

    fn tooling_config(inv: &mut Inventory) -> &mut crate::inventory::Config {
        match inv.accounts[1].regional.get_mut(REGION).unwrap().config {
            Collected::Ok(ref mut c) => c,
            _ => panic!(),
        }
    }

    #[test]
    fn in_the_management_or_the_tooling_account() {
        let mut inv = org();
        config_mut(&mut inv).aggregators = Collected::Ok(vec![aggregator(true, &[])]);
        assert_result(
            &results(&inv, CHECK.id)[0],
            Status::Pass,
            &["the management account"],
        );

        let mut inv = org();
        tooling_config(&mut inv).aggregators = Collected::Ok(vec![aggregator(false, &[REGION])]);
        assert_result(
            &results(&inv, CHECK.id)[0],
            Status::Pass,
            &["the Security Tooling account"],
        );
    }

    #[test]
    fn gaps() {
        // None at all.
        let inv = org();
        assert_result(
            &results(&inv, CHECK.id)[0],
            Status::Fail,
            &["no AWS Config aggregator"],
        );
        // Listed regions that miss a scanned one.
        let mut inv = org();
        config_mut(&mut inv).aggregators = Collected::Ok(vec![aggregator(false, &["eu-west-1"])]);
        assert_result(
            &results(&inv, CHECK.id)[0],
            Status::Fail,
            &["misses us-east-1"],
        );
        // An aggregator of listed accounts is not an organization aggregator.
        let mut inv = org();
        let mut by_accounts = aggregator(true, &[]);
        by_accounts.organization_source = None;
        config_mut(&mut inv).aggregators = Collected::Ok(vec![by_accounts]);
        assert_statuses(&inv, CHECK.id, &[Status::Fail]);
    }

    #[test]
    fn unknowns_are_not_assessed() {
        let mut inv = org();
        tooling_config(&mut inv).aggregators =
            Collected::Failed(denied("DescribeConfigurationAggregators"));
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);
        // Not in organization mode.
        let inv = base_inventory();
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);
        // The Security Tooling account is active but was not scanned.
        let mut inv = org();
        inv.accounts.pop();
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);
        // ... or it is being closed: nothing can be hidden there.
        org_mut(&mut inv).accounts[1].state = "PENDING_CLOSURE".into();
        assert_statuses(&inv, CHECK.id, &[Status::Fail]);
        // An aggregator in a third account while the Security Tooling account is unknown.
        let mut inv = org();
        org_mut(&mut inv).accounts[1].name = "Shared".into();
        tooling_config(&mut inv).aggregators = Collected::Ok(vec![aggregator(true, &[])]);
        let r = &results(&inv, CHECK.id)[0];
        assert_eq!(r.status, Status::NotAssessed);
        assert!(r.message.contains("--security-account"), "{}", r.message);
    }
}
