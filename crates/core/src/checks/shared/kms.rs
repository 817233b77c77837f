//! What the KMS key checks share: a key's policy, parsed, or the reason it cannot be judged.

use crate::check::{At, Findings, Reason};
use crate::inventory::{KmsKey, KmsKeyDetails};
use crate::policy::{self, Policy};

/// The key policy of `k`, parsed; "not assessed" on the key (and `None`) when GetKeyPolicy
/// failed or the document cannot be parsed (`resource-policy-parseable` reports it). Every key has a policy: KMS requires one.
pub fn key_policy(out: &mut Findings, k: &At<KmsKey>, d: &KmsKeyDetails) -> Option<Policy> {
    let text = out.collected(k, &d.policy)?;
    match policy::parse(text) {
        Ok(p) => Some(p),
        Err(e) => {
            out.not_assessed(
                k,
                Reason::unparseable(format!("the key policy of {}", k.key_id), e),
            );
            None
        }
    }
}
