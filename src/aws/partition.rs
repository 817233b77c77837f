//! The ARN partition of a region, from the region name patterns of the SDK's partition table
//! (`endpoint_lib.rs` of the aws-sdk crates: `regionRegex` of each partition).

/// Region name prefixes of the partitions other than `aws`, most specific first.
const PREFIXES: &[(&str, &str)] = &[
    ("us-gov-", "aws-us-gov"),
    ("us-isob-", "aws-iso-b"),
    ("us-isof-", "aws-iso-f"),
    ("us-iso-", "aws-iso"),
    ("eu-isoe-", "aws-iso-e"),
    ("eusc-", "aws-eusc"),
    ("cn-", "aws-cn"),
];

/// The partition a region belongs to: `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`,
/// `aws-iso-e`, `aws-iso-f` or `aws-eusc`. The SDK's pseudo-regions `aws-global`,
/// `aws-cn-global`, ... map to their partition; any other name is in `aws`, as the SDK's
/// endpoint rules assume.
pub fn of_region(region: &str) -> &'static str {
    if let Some(p) = region
        .strip_suffix("-global")
        .and_then(|p| PARTITIONS.iter().find(|known| **known == p))
    {
        return p;
    }
    PREFIXES
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map(|(_, p)| *p)
        .unwrap_or("aws")
}

const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

#[cfg(test)]
mod tests {
    use super::of_region;

    /// One region of every partition in the SDK's table, and its global pseudo-region.
    #[test]
    fn every_partition_of_the_sdk_table() {
        for (region, partition) in [
            ("us-east-1", "aws"),
            ("il-central-1", "aws"),
            ("mx-central-1", "aws"),
            ("aws-global", "aws"),
            ("cn-northwest-1", "aws-cn"),
            ("aws-cn-global", "aws-cn"),
            ("us-gov-west-1", "aws-us-gov"),
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("eu-isoe-west-1", "aws-iso-e"),
            ("us-isof-south-1", "aws-iso-f"),
            ("aws-iso-f-global", "aws-iso-f"),
            ("eusc-de-east-1", "aws-eusc"),
        ] {
            assert_eq!(of_region(region), partition, "{region}");
        }
    }
}
