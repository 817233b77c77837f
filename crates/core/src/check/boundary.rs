//! The trust boundary of a scan, built from its inventory: the organization's accounts (or the
//! scanned ones), the trusted accounts, and the networks of the scanned accounts.

use std::collections::BTreeSet;

use crate::inventory::{
    AccountAccess, AccountInventory, Collected, Inventory, Organization, ScanInfo,
};
use crate::policy::Boundary;

impl Boundary {
    /// The organization's accounts and management account (or, outside organization mode, the
    /// scanned accounts and the caller's) plus the accounts the user trusts.
    pub fn of_scan<'s>(
        scan: &ScanInfo,
        organization: Option<&Collected<Organization>>,
        scanned_accounts: impl IntoIterator<Item = &'s str>,
        trusted_accounts: &[String],
    ) -> Boundary {
        let mut accounts: BTreeSet<String> = trusted_accounts.iter().cloned().collect();
        let mut org_id = None;
        match organization {
            Some(Collected::Ok(org)) => {
                org_id = Some(org.id.clone());
                accounts.extend(org.accounts.iter().map(|a| a.id.clone()));
                accounts.insert(org.management_account_id.clone());
            }
            _ => {
                accounts.extend(scanned_accounts.into_iter().map(str::to_string));
                accounts.insert(scan.caller_account_id.clone());
            }
        }
        Boundary {
            org_id,
            accounts,
            ..Default::default()
        }
    }

    /// The boundary of a whole inventory (a saved file, a test fixture): [`of_scan`](Self::of_scan)
    /// plus every account's networks.
    pub fn of_inventory(inventory: &Inventory, trusted_accounts: &[String]) -> Boundary {
        let mut b = Boundary::of_scan(
            &inventory.scan,
            inventory.organization.as_ref(),
            inventory.accounts.iter().map(|a| a.account_id.as_str()),
            trusted_accounts,
        );
        for acct in &inventory.accounts {
            b.learn_networks(acct);
        }
        b.note_unscanned_accounts(inventory.accounts.iter().map(|a| a.account_id.as_str()));
        b
    }

    /// Add the VPC and VPC endpoint ids of one scanned account, so that a network condition
    /// naming them counts as inside; record where they could not be read.
    pub fn learn_networks(&mut self, acct: &AccountInventory) {
        if let AccountAccess::Denied { .. } = acct.access {
            self.network_gaps
                .insert(format!("account {} (not accessible)", acct.account_id));
            return;
        }
        for (region, r) in &acct.regional {
            match &r.ec2 {
                Collected::Ok(ec2) => {
                    self.networks
                        .extend(ec2.vpcs.iter().map(|v| v.vpc_id.clone()));
                    for e in &ec2.vpc_endpoints {
                        self.networks.insert(e.vpc_endpoint_id.clone());
                        self.networks.insert(e.vpc_id.clone());
                    }
                }
                Collected::Failed(_) => {
                    self.network_gaps
                        .insert(format!("account {} region {region}", acct.account_id));
                }
            }
        }
    }

    /// Accounts of the boundary that were not scanned (excluded, another shard): their networks
    /// are unknown, which the evidence of a network verdict says.
    pub fn note_unscanned_accounts<'s>(&mut self, scanned: impl IntoIterator<Item = &'s str>) {
        let scanned: BTreeSet<&str> = scanned.into_iter().collect();
        let missing: Vec<String> = self
            .accounts
            .iter()
            .filter(|a| !scanned.contains(a.as_str()))
            .cloned()
            .collect();
        for a in missing {
            self.network_gaps
                .insert(format!("account {a} (not scanned)"));
        }
    }
}
