//! Public bucket policies, judged as S3 judges them: wildcard principals count as public unless
//! pinned by a condition, and RestrictPublicBuckets (bucket or account) stops public access.

use super::shared::s3::public_policy;
use crate::check::Check;
use crate::policy::grants_public_access;

pub const CHECK: Check = Check {
    id: "s3-bucket-policy-public",
    run: |ctx, out| public_policy(ctx, out, "access", |p| grants_public_access(p, None)),
};
