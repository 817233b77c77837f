//! The scan pipeline as a library call: discover the accounts, collect each one, evaluate it as
//! it finishes (and append it to `--save-inventory`), and build the result. The CLI only parses
//! flags and routes the result; tests (the recorded-response layer) call this directly.

use std::path::Path;

use crate::aws::Aws;
use crate::collect::{self, ScanOptions};
use crate::evaluate::{self, BuildOptions};
use crate::output::InventoryWriter;
use crate::result::ScanResult;

/// Scan what `opts` selects and evaluate it. Errors only when nothing can be scanned (no
/// credentials, no organization) or the inventory file cannot be written; a failed AWS call is
/// recorded in the result, never an error here.
pub async fn run(
    aws: &Aws,
    opts: &ScanOptions,
    build: &BuildOptions<'_>,
    trusted_accounts: &[String],
    save_inventory: Option<&Path>,
) -> anyhow::Result<ScanResult> {
    let discovery = collect::discover(aws, opts).await?;
    let boundary = crate::policy::Boundary::of_scan(
        &discovery.scan,
        discovery.organization.as_ref(),
        discovery.account_ids(),
        trusted_accounts,
    );
    let mut evaluator = evaluate::Evaluator::new(
        discovery.scan.clone(),
        discovery.organization.clone(),
        boundary,
        build,
    )?;
    let mut saved = save_inventory.map(InventoryWriter::create).transpose()?;
    // Each account is evaluated (and saved) as it finishes, then dropped.
    collect::collect(aws, opts, &discovery, |account| {
        if let Some(w) = saved.as_mut() {
            w.account(&account)?;
        }
        evaluator.add(&account)
    })
    .await?;
    let scan = discovery.finish(aws);
    if let Some(w) = saved {
        w.finish(&scan, discovery.organization.as_ref())?;
    }
    evaluator.finish(scan)
}
