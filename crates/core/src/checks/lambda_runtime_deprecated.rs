//! Lambda functions on a runtime AWS has deprecated: it no longer receives security patches, and
//! AWS then blocks creating and updating functions that use it. The list is one table,
//! `shared::lambda::DEPRECATED_RUNTIMES`, transcribed from the Lambda runtimes page with its date.

use super::shared::lambda::{RUNTIMES_AS_OF, RUNTIMES_SOURCE, deprecated_since};
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "lambda-runtime-deprecated",
    run: |ctx, out| {
        for f in out.lambda_functions(ctx) {
            let name = &f.name;
            let Some(runtime) = f.runtime.as_deref() else {
                let package = f.package_type.as_deref().unwrap_or("(absent)");
                out.not_applicable(
                    &f,
                    format!("function {name} is a container image (package type {package}): its runtime is in the image"),
                )
                .with("PackageType", package);
                continue;
            };
            match deprecated_since(runtime) {
                Some(date) => out.fail(
                    &f,
                    format!("function {name} runs on {runtime}, which AWS deprecated on {date}"),
                ),
                None => out.pass(
                    &f,
                    format!("function {name} runs on {runtime}, not on AWS's list of deprecated runtimes (as of {RUNTIMES_AS_OF})"),
                ),
            }
            .with("Runtime", runtime)
            .with("deprecated_runtimes", format!("{RUNTIMES_SOURCE}, as of {RUNTIMES_AS_OF}"));
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;

    #[test]
    fn deprecated_runtimes_fail_container_images_are_not_applicable() {
        let mut inv = base_inventory();
        let mut image = lambda_function("image", "");
        image.runtime = None;
        image.package_type = Some("Image".into());
        lambda_mut(&mut inv).functions = vec![
            lambda_function("old", "python3.9"),
            lambda_function("node18", "nodejs18.x"),
            lambda_function("current", "python3.13"),
            image,
        ];
        assert_statuses(
            &inv,
            CHECK.id,
            &[
                Status::Fail,
                Status::Fail,
                Status::Pass,
                Status::NotApplicable,
            ],
        );
        let r = results(&inv, CHECK.id);
        assert!(r[0].message.contains("2025-12-15"), "{}", r[0].message);
    }
}
