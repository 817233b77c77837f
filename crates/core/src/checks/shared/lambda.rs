//! What the Lambda checks share: AWS's list of deprecated Lambda runtimes.

/// The page the table below is transcribed from, and when.
pub const RUNTIMES_SOURCE: &str =
    "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html (deprecated runtimes)";
pub const RUNTIMES_AS_OF: &str = "2026-11-30";

/// Runtime identifiers AWS lists as deprecated, with their deprecation date, as of
/// [`RUNTIMES_AS_OF`]. Update it from [`RUNTIMES_SOURCE`] (and the date) when AWS deprecates
/// another runtime; identifiers not listed count as supported.
pub const DEPRECATED_RUNTIMES: &[(&str, &str)] = &[
    ("dotnet8", "2026-11-10"),
    ("nodejs20.x", "2026-04-30"),
    ("ruby3.2", "2026-03-31"),
    ("python3.9", "2025-12-15"),
    ("nodejs18.x", "2025-09-01"),
    ("dotnet6", "2024-12-20"),
    ("python3.8", "2024-10-14"),
    ("nodejs16.x", "2024-06-12"),
    ("dotnet7", "2024-05-14"),
    ("java8", "2024-01-08"),
    ("go1.x", "2024-01-08"),
    ("provided", "2024-01-08"),
    ("nodejs14.x", "2023-12-04"),
    ("python3.7", "2023-12-04"),
    ("ruby2.7", "2023-12-07"),
    ("dotnetcore3.1", "2023-04-03"),
    ("nodejs12.x", "2023-03-31"),
    ("python3.6", "2022-07-18"),
    ("dotnet5.0", "2022-05-10"),
    ("dotnetcore2.1", "2022-01-05"),
    ("nodejs10.x", "2021-07-30"),
    ("ruby2.5", "2021-07-30"),
    ("python2.7", "2021-07-15"),
    ("nodejs8.10", "2020-03-06"),
    ("nodejs4.3", "2020-03-05"),
    ("nodejs4.3-edge", "2020-03-05"),
    ("nodejs6.10", "2019-08-12"),
    ("dotnetcore1.0", "2019-07-27"),
    ("dotnetcore2.0", "2019-05-30"),
    ("nodejs", "2016-10-31"),
];

/// The deprecation date of `runtime`, when AWS lists it as deprecated.
pub fn deprecated_since(runtime: &str) -> Option<&'static str> {
    DEPRECATED_RUNTIMES
        .iter()
        .find(|(r, _)| *r == runtime)
        .map(|(_, d)| *d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_well_formed_and_dated_before_its_transcription() {
        let mut seen = std::collections::BTreeSet::new();
        for (runtime, date) in DEPRECATED_RUNTIMES {
            assert!(seen.insert(runtime), "{runtime} listed twice");
            let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
            let as_of = chrono::NaiveDate::parse_from_str(RUNTIMES_AS_OF, "%Y-%m-%d").unwrap();
            assert!(
                d <= as_of,
                "{runtime} is not deprecated yet on {RUNTIMES_AS_OF}"
            );
        }
    }
}
