//! Helpers for organization-scope checks, evaluated once per organization.

use super::{Context, Results};
use crate::inventory::{Collected, Organization};

/// The organization data, or `None` after recording why it is not assessed.
pub(crate) fn organization<'i>(ctx: &Context<'i>, out: &mut Results) -> Option<&'i Organization> {
    let caller = &ctx.scan.caller_account_id;
    match ctx.organization {
        None => {
            out.not_assessed(
                caller,
                None,
                &format!("AWS::::Account:{caller}"),
                "not assessed: the scan did not run in organization mode (--org)",
            );
            None
        }
        Some(Collected::Failed(e)) => {
            out.not_assessed(
                caller,
                None,
                &format!("AWS::::Account:{caller}"),
                format!("not assessed: {e}"),
            );
            None
        }
        Some(Collected::Ok(org)) => Some(org),
    }
}
