//! EC2: the account's instance metadata defaults as evidence.

use crate::check::Findings;
use crate::inventory::MetadataDefaults;

/// The account's IMDS defaults as evidence of the last result: HttpTokens, whether it is
/// enforced, and who manages it (the account or a declarative policy).
pub fn defaults_evidence(out: &mut Findings, d: &MetadataDefaults) {
    out.evidence(
        "InstanceMetadataDefaults.HttpTokens",
        d.http_tokens.as_deref().unwrap_or("(no preference)"),
    );
    if let Some(e) = &d.http_tokens_enforced {
        out.evidence("InstanceMetadataDefaults.HttpTokensEnforced", e);
    }
    if let Some(m) = &d.managed_by {
        out.evidence("InstanceMetadataDefaults.ManagedBy", m);
    }
}
