//! S3: account-level Block Public Access (S3 Control) and every bucket's access settings.

use aws_config::SdkConfig;
use futures::StreamExt;

use super::util::{error_code, paginate};
use crate::aws::{Aws, collection_error};
use crate::inventory::*;

/// S3 and S3 Control return the same four settings in two different SDK types.
macro_rules! public_access_block {
    ($c:expr) => {
        PublicAccessBlock {
            block_public_acls: $c.block_public_acls().unwrap_or(false),
            ignore_public_acls: $c.ignore_public_acls().unwrap_or(false),
            block_public_policy: $c.block_public_policy().unwrap_or(false),
            restrict_public_buckets: $c.restrict_public_buckets().unwrap_or(false),
        }
    };
}

/// ListBuckets page size: the API's maximum.
const LIST_BUCKETS_PAGE: i32 = 1000;

pub async fn collect(
    aws: &Aws,
    conf: &SdkConfig,
    account_id: &str,
    home_region: &str,
    concurrency: usize,
) -> S3 {
    let control = aws.s3control(conf, account_id);
    let account_bpa = async {
        match control
            .get_public_access_block()
            .account_id(account_id)
            .send()
            .await
        {
            Ok(out) => Ok(out
                .public_access_block_configuration()
                .map(|c| public_access_block!(c))),
            Err(e) if error_code(&e) == Some("NoSuchPublicAccessBlockConfiguration") => Ok(None),
            Err(e) => Err(collection_error(
                "s3control",
                "GetPublicAccessBlock",
                None,
                None,
                &e,
            )),
        }
    };
    let home = aws.s3(conf, account_id, home_region);
    let buckets = async {
        let mut names: Vec<(String, Option<String>)> = Vec::new();
        // MaxBuckets makes the request paginated: AWS then returns each bucket's region (no
        // GetBucketLocation per bucket) and accepts it in accounts with more than 10,000
        // buckets, where an unpaginated ListBuckets is rejected.
        paginate!(
            home.list_buckets().max_buckets(LIST_BUCKETS_PAGE),
            "s3",
            "ListBuckets",
            None,
            |page| {
                for b in page.buckets() {
                    if let Some(n) = b.name() {
                        names.push((n.to_string(), b.bucket_region().map(str::to_string)));
                    }
                }
            }
        )?;
        let buckets: Vec<Bucket> = futures::stream::iter(names)
            .map(|(name, region)| bucket(aws, conf, account_id, &home, name, region))
            .buffered(concurrency)
            .collect()
            .await;
        Ok::<_, CollectionError>(buckets)
    };
    let (account_bpa, buckets) = tokio::join!(account_bpa, buckets);
    S3 {
        account_public_access_block: account_bpa.into(),
        buckets: buckets.into(),
    }
}

async fn bucket(
    aws: &Aws,
    conf: &SdkConfig,
    account: &str,
    home: &aws_sdk_s3::Client,
    name: String,
    listed_region: Option<String>,
) -> Bucket {
    let region: Collected<String> = match listed_region {
        Some(r) => Collected::Ok(r),
        None => match home.get_bucket_location().bucket(&name).send().await {
            // An empty constraint means us-east-1; `EU` is the legacy name of eu-west-1.
            Ok(out) => Collected::Ok(match out.location_constraint().map(|c| c.as_str()) {
                None | Some("") => "us-east-1".to_string(),
                Some("EU") => "eu-west-1".to_string(),
                Some(r) => r.to_string(),
            }),
            Err(e) => Collected::Failed(collection_error(
                "s3",
                "GetBucketLocation",
                None,
                Some(&name),
                &e,
            )),
        },
    };
    // Per-bucket calls go to the bucket's own region (other regions answer with a redirect).
    let client = match &region {
        Collected::Ok(r) => aws.s3(conf, account, r),
        Collected::Failed(_) => home.clone(),
    };
    let r = match &region {
        Collected::Ok(r) => Some(r.clone()),
        Collected::Failed(_) => None,
    };
    let reg = r.as_deref();
    let n = name.as_str();
    let policy = async {
        match client.get_bucket_policy().bucket(n).send().await {
            Ok(out) => Ok(out.policy().map(str::to_string)),
            Err(e) if error_code(&e) == Some("NoSuchBucketPolicy") => Ok(None),
            Err(e) => Err(collection_error("s3", "GetBucketPolicy", reg, Some(n), &e)),
        }
    };
    let bpa = async {
        match client.get_public_access_block().bucket(n).send().await {
            Ok(out) => Ok(out
                .public_access_block_configuration()
                .map(|c| public_access_block!(c))),
            Err(e) if error_code(&e) == Some("NoSuchPublicAccessBlockConfiguration") => Ok(None),
            Err(e) => Err(collection_error(
                "s3",
                "GetPublicAccessBlock",
                reg,
                Some(n),
                &e,
            )),
        }
    };
    let acl = async {
        client
            .get_bucket_acl()
            .bucket(n)
            .send()
            .await
            .map(|out| {
                out.grants()
                    .iter()
                    .filter_map(|g| {
                        let grantee = g.grantee()?;
                        Some(AclGrant {
                            grantee_type: grantee.r#type().as_str().to_string(),
                            grantee_uri: grantee.uri().map(str::to_string),
                            grantee_id: grantee.id().map(str::to_string),
                            permission: g
                                .permission()
                                .map(|p| p.as_str().to_string())
                                .unwrap_or_default(),
                        })
                    })
                    .collect()
            })
            .map_err(|e| collection_error("s3", "GetBucketAcl", reg, Some(n), &e))
    };
    let ownership = async {
        match client
            .get_bucket_ownership_controls()
            .bucket(n)
            .send()
            .await
        {
            Ok(out) => Ok(out
                .ownership_controls()
                .and_then(|c| c.rules().first())
                .map(|r| r.object_ownership().as_str().to_string())),
            Err(e) if error_code(&e) == Some("OwnershipControlsNotFoundError") => Ok(None),
            Err(e) => Err(collection_error(
                "s3",
                "GetBucketOwnershipControls",
                reg,
                Some(n),
                &e,
            )),
        }
    };
    let encryption = async {
        match client.get_bucket_encryption().bucket(n).send().await {
            Ok(out) => Ok(out.server_side_encryption_configuration().map(|c| {
                c.rules()
                    .iter()
                    .filter_map(|r| r.apply_server_side_encryption_by_default())
                    .map(|d| d.sse_algorithm().as_str().to_string())
                    .collect()
            })),
            Err(e) if error_code(&e) == Some("ServerSideEncryptionConfigurationNotFoundError") => {
                Ok(None)
            }
            Err(e) => Err(collection_error(
                "s3",
                "GetBucketEncryption",
                reg,
                Some(n),
                &e,
            )),
        }
    };
    let versioning = async {
        client
            .get_bucket_versioning()
            .bucket(n)
            .send()
            .await
            .map(|out| out.status().map(|s| s.as_str().to_string()))
            .map_err(|e| collection_error("s3", "GetBucketVersioning", reg, Some(n), &e))
    };
    let logging = async {
        client
            .get_bucket_logging()
            .bucket(n)
            .send()
            .await
            .map(|out| out.logging_enabled().map(|l| l.target_bucket().to_string()))
            .map_err(|e| collection_error("s3", "GetBucketLogging", reg, Some(n), &e))
    };
    // Tags only feed suppression matching: a failure leaves them unknown, it assesses nothing.
    let tags = async {
        match client.get_bucket_tagging().bucket(n).send().await {
            Ok(out) => Some(
                out.tag_set()
                    .iter()
                    .map(|t| (t.key().to_string(), t.value().to_string()))
                    .collect(),
            ),
            Err(e) if error_code(&e) == Some("NoSuchTagSet") => {
                Some(std::collections::BTreeMap::new())
            }
            Err(_) => None,
        }
    };
    let (policy, bpa, acl, ownership, encryption, versioning, logging, tags) = tokio::join!(
        policy, bpa, acl, ownership, encryption, versioning, logging, tags
    );
    Bucket {
        name: name.clone(),
        region,
        policy: policy.into(),
        public_access_block: bpa.into(),
        acl_grants: acl.into(),
        object_ownership: ownership.into(),
        default_encryption: encryption.into(),
        versioning: versioning.into(),
        logging_target: logging.into(),
        tags,
    }
}
