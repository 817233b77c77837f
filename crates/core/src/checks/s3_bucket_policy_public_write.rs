//! Bucket policies that let everyone write or delete, judged as `s3-bucket-policy-public`.

use super::shared::s3::public_policy;
use crate::check::Check;
use crate::policy::write_actions_granted;

pub const CHECK: Check = Check {
    id: "s3-bucket-policy-public-write",
    run: |ctx, out| public_policy(ctx, out, "write or delete access", write_actions_granted),
};
