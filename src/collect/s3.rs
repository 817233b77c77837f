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
        // A bucket deleted while the scan runs is gone, not an error.
        let buckets: Vec<Bucket> = futures::stream::iter(names)
            .map(|(name, region)| bucket(aws, conf, account_id, &home, name, region))
            .buffered(concurrency)
            .filter_map(|b| async move { b })
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

/// S3's answer for a bucket that no longer exists.
const NO_SUCH_BUCKET: &str = "NoSuchBucket";

/// Appended to per-bucket AccessDenied errors: on AWS the usual cause is the bucket's own policy.
const PERIMETER_ADVICE: &str = "what to do: if the bucket policy denies the scanner (data-perimeter policies deny callers outside a VPC endpoint or an allow-list of principals), exempt the scanner's role from its Deny statements, e.g. with an aws:PrincipalArn condition naming the role";

/// Collect one bucket's settings; `None` when the bucket was deleted since ListBuckets.
async fn bucket(
    aws: &Aws,
    conf: &SdkConfig,
    account: &str,
    home: &aws_sdk_s3::Client,
    name: String,
    listed_region: Option<String>,
) -> Option<Bucket> {
    let region: Collected<String> = match listed_region {
        Some(r) => Collected::Ok(r),
        None => match home.get_bucket_location().bucket(&name).send().await {
            // An empty constraint means us-east-1; `EU` is the legacy name of eu-west-1.
            Ok(out) => Collected::Ok(match out.location_constraint().map(|c| c.as_str()) {
                None | Some("") => "us-east-1".to_string(),
                Some("EU") => "eu-west-1".to_string(),
                Some(r) => r.to_string(),
            }),
            Err(e) if error_code(&e) == Some(NO_SUCH_BUCKET) => return None,
            Err(e) => {
                let err = collection_error("s3", "GetBucketLocation", None, Some(&name), &e);
                // A bucket policy can deny GetBucketLocation; HeadBucket still names the region
                // in `x-amz-bucket-region`, even in a 403 or 301 answer.
                match head_bucket_region(home, &name).await {
                    HeadRegion::Region(r) => Collected::Ok(r),
                    HeadRegion::Gone => return None,
                    HeadRegion::Unknown => Collected::Failed(with_perimeter_advice(err)),
                }
            }
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
    let errors = [
        policy.as_ref().err(),
        bpa.as_ref().err(),
        acl.as_ref().err(),
        ownership.as_ref().err(),
        encryption.as_ref().err(),
        versioning.as_ref().err(),
        logging.as_ref().err(),
    ];
    if errors
        .iter()
        .flatten()
        .any(|e| e.code.as_deref() == Some(NO_SUCH_BUCKET))
    {
        return None;
    }
    fn advise<T>(r: Result<T, CollectionError>) -> Collected<T> {
        r.map_err(with_perimeter_advice).into()
    }
    Some(Bucket {
        name: name.clone(),
        region,
        policy: advise(policy),
        public_access_block: advise(bpa),
        acl_grants: advise(acl),
        object_ownership: advise(ownership),
        default_encryption: advise(encryption),
        versioning: advise(versioning),
        logging_target: advise(logging),
        tags,
    })
}

enum HeadRegion {
    Region(String),
    /// 404: the bucket was deleted.
    Gone,
    Unknown,
}

/// The bucket's region from HeadBucket's `x-amz-bucket-region` header, which S3 sends with a
/// 200, a 301 (wrong regional endpoint) and a 403 (access denied) alike.
async fn head_bucket_region(home: &aws_sdk_s3::Client, name: &str) -> HeadRegion {
    match home.head_bucket().bucket(name).send().await {
        Ok(out) => out
            .bucket_region()
            .map(|r| HeadRegion::Region(r.to_string()))
            .unwrap_or(HeadRegion::Unknown),
        Err(e) => {
            let raw = e.raw_response();
            if let Some(r) = raw.and_then(|r| r.headers().get("x-amz-bucket-region")) {
                HeadRegion::Region(r.to_string())
            } else if raw.map(|r| r.status().as_u16()) == Some(404) {
                HeadRegion::Gone
            } else {
                HeadRegion::Unknown
            }
        }
    }
}

/// Say what to do about a per-bucket AccessDenied; when S3's message says a resource-based
/// policy denied the call, say that it was the bucket policy.
fn with_perimeter_advice(mut e: CollectionError) -> CollectionError {
    if e.kind == ErrorKind::AccessDenied {
        if e.message.contains("resource-based policy") {
            e.message = format!(
                "{} (the bucket policy denies the scanner); {PERIMETER_ADVICE}",
                e.message
            );
        } else {
            e.message = format!("{}; {PERIMETER_ADVICE}", e.message);
        }
    }
    e
}

#[cfg(test)]
mod tests {
    use crate::aws::Aws;
    use crate::aws::fake::{FakeAws, Reply, Seen};
    use crate::inventory::{Collected, S3};

    fn list_buckets(buckets: &[(&str, Option<&str>)]) -> Reply {
        let items: String = buckets
            .iter()
            .map(|(name, region)| {
                format!(
                    "<Bucket><Name>{name}</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate>{}</Bucket>",
                    region
                        .map(|r| format!("<BucketRegion>{r}</BucketRegion>"))
                        .unwrap_or_default()
                )
            })
            .collect();
        Reply::new(
            200,
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>abc</ID></Owner><Buckets>{items}</Buckets></ListAllMyBucketsResult>"
            ),
        )
        .header("content-type", "application/xml")
    }

    fn is_list_buckets(req: &Seen) -> bool {
        req.method == "GET"
            && (req.uri.contains("x-id=ListBuckets") || req.uri.starts_with("https://s3."))
    }

    fn collect(fake: &FakeAws) -> S3 {
        let aws = Aws::for_tests(fake.config("us-east-1"));
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(super::collect(
                &aws,
                &aws.base,
                "111111111111",
                "us-east-1",
                4,
            ))
    }

    /// Audit finding 15: a bucket deleted while the scan runs answers `NoSuchBucket`; it is
    /// gone, not a collection error.
    #[test]
    fn a_bucket_deleted_mid_scan_is_dropped() {
        let fake = FakeAws::new(|req| {
            if is_list_buckets(req) {
                list_buckets(&[("kept", Some("us-east-1")), ("gone", Some("us-east-1"))])
            } else if req.uri.contains("://gone.") {
                Reply::s3_error(404, "NoSuchBucket", "The specified bucket does not exist")
            } else {
                Reply::s3_error(403, "AccessDenied", "Access Denied")
            }
        });
        let s3 = collect(&fake);
        match &s3.buckets {
            Collected::Ok(b) => {
                let names: Vec<&str> = b.iter().map(|b| b.name.as_str()).collect();
                assert_eq!(names, vec!["kept"]);
            }
            Collected::Failed(e) => panic!("{e}"),
        }
    }

    /// Audit finding 14: a data-perimeter bucket policy denies the scanner GetBucketLocation;
    /// HeadBucket's 403 still names the region, the per-bucket calls go there, and their
    /// AccessDenied says that the bucket policy denies the scanner and what to do.
    #[test]
    fn a_perimeter_policy_still_reveals_the_region() {
        const DENY: &str = "User: arn:aws:sts::111111111111:assumed-role/posture-scanner/posture-scan is not authorized to perform: s3:GetBucketPolicy on resource: \"arn:aws:s3:::perimeter\" with an explicit deny in a resource-based policy";
        let fake = FakeAws::new(|req| {
            if is_list_buckets(req) {
                // Without a parameter, ListBuckets carries no BucketRegion.
                list_buckets(&[("perimeter", None)])
            } else if req.method == "HEAD" {
                Reply::new(403, "").header("x-amz-bucket-region", "eu-west-1")
            } else if req.uri.contains("s3-control") {
                Reply::s3_error(
                    404,
                    "NoSuchPublicAccessBlockConfiguration",
                    "The public access block configuration was not found",
                )
            } else {
                Reply::s3_error(403, "AccessDenied", DENY)
            }
        });
        let s3 = collect(&fake);
        let Collected::Ok(buckets) = &s3.buckets else {
            panic!("{:?}", s3.buckets)
        };
        assert_eq!(buckets[0].region, Collected::Ok("eu-west-1".to_string()));
        let Collected::Failed(e) = &buckets[0].policy else {
            panic!("{:?}", buckets[0].policy)
        };
        assert!(
            e.message.contains("the bucket policy denies the scanner")
                && e.message.contains("exempt the scanner's role"),
            "{}",
            e.message
        );
        assert!(
            fake.requests()
                .iter()
                .any(|r| r.uri.contains("?policy") && r.uri.contains("eu-west-1")),
            "{:?}",
            fake.requests()
        );
    }
}
