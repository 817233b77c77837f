//! KMS, per region: the customer-managed keys (ListKeys, DescribeKey), each with its key policy
//! (GetKeyPolicy) and, where AWS offers automatic rotation, its rotation status
//! (GetKeyRotationStatus). AWS managed keys are left out: their policy and rotation are AWS's.

use aws_sdk_kms::Client;
use aws_sdk_kms::types::KeyManagerType;
use futures::StreamExt;

use super::util::{error_code, paginate};
use crate::aws::collection_error;
use crate::inventory::*;

/// The only key policy name KMS supports.
const POLICY_NAME: &str = "default";

pub async fn collect(client: &Client, region: &str, concurrency: usize) -> Collected<Kms> {
    let r = Some(region);
    let mut listed_keys = Vec::new();
    let listed = paginate!(
        client.list_keys().limit(1000),
        "kms",
        "ListKeys",
        r,
        |page| {
            for k in page.keys() {
                if let (Some(id), Some(arn)) = (k.key_id(), k.key_arn()) {
                    listed_keys.push((id.to_string(), arn.to_string()));
                }
            }
        }
    );
    if let Err(e) = listed {
        return Collected::Failed(e);
    }
    let keys: Vec<Option<KmsKey>> = futures::stream::iter(listed_keys)
        .map(|(key_id, arn)| async move { key(client, r, key_id, arn).await })
        .buffered(concurrency.max(1))
        .collect()
        .await;
    Collected::Ok(Kms {
        keys: keys.into_iter().flatten().collect(),
    })
}

/// One listed key; `None` when it is AWS managed or was deleted since ListKeys.
async fn key(client: &Client, r: Option<&str>, key_id: String, arn: String) -> Option<KmsKey> {
    let described = match client.describe_key().key_id(&arn).send().await {
        Ok(out) => out,
        // Deleted between ListKeys and DescribeKey: gone, not unknown.
        Err(e) if error_code(&e) == Some("NotFoundException") => return None,
        Err(e) => {
            return Some(KmsKey {
                details: Collected::Failed(collection_error(
                    "kms",
                    "DescribeKey",
                    r,
                    Some(&arn),
                    &e,
                )),
                key_id,
                arn,
            });
        }
    };
    let Some(m) = described.key_metadata() else {
        return Some(KmsKey {
            details: Collected::Failed(CollectionError::not_read(
                "kms",
                "DescribeKey",
                "DescribeKey returned no key metadata",
            )),
            key_id,
            arn,
        });
    };
    if m.key_manager() == Some(&KeyManagerType::Aws) {
        return None;
    }
    let mut details = KmsKeyDetails {
        key_manager: m.key_manager().map(|v| v.as_str().to_string()),
        key_state: m.key_state().map(|v| v.as_str().to_string()),
        key_spec: m.key_spec().map(|v| v.as_str().to_string()),
        key_usage: m.key_usage().map(|v| v.as_str().to_string()),
        origin: m.origin().map(|v| v.as_str().to_string()),
        policy: Collected::Ok(String::new()),
        rotation_enabled: None,
    };
    details.policy = match client
        .get_key_policy()
        .key_id(&arn)
        .policy_name(POLICY_NAME)
        .send()
        .await
    {
        Ok(out) => match out.policy() {
            Some(p) => Collected::Ok(p.to_string()),
            None => Collected::Failed(CollectionError::not_read(
                "kms",
                "GetKeyPolicy",
                "GetKeyPolicy returned no policy document",
            )),
        },
        Err(e) => Collected::Failed(collection_error("kms", "GetKeyPolicy", r, Some(&arn), &e)),
    };
    if details.rotation_supported() && !details.pending_deletion() {
        details.rotation_enabled = Some(
            match client.get_key_rotation_status().key_id(&arn).send().await {
                Ok(out) => Collected::Ok(out.key_rotation_enabled()),
                Err(e) => Collected::Failed(collection_error(
                    "kms",
                    "GetKeyRotationStatus",
                    r,
                    Some(&arn),
                    &e,
                )),
            },
        );
    }
    Some(KmsKey {
        key_id,
        arn,
        details: Collected::Ok(details),
    })
}
