use crate::check::Check;

/// Each trail of the account writes digest files, so that log files can be proven unchanged
/// (`LogFileValidationEnabled`).
pub const CHECK: Check = Check {
    id: "cloudtrail-log-file-validation",
    run: |ctx, out| {
        for t in out.trails(ctx) {
            let name = &t.name;
            let on = t.log_file_validation_enabled;
            out.verdict(
                &t,
                on,
                if on {
                    format!("trail {name} validates its log files (digest files are delivered)")
                } else {
                    format!("trail {name} does not validate its log files: a changed or deleted log file cannot be detected")
                },
            );
            out.evidence("Trail.LogFileValidationEnabled", on);
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::Collected;

    const ID: &str = "cloudtrail-log-file-validation";

    #[test]
    fn validation_on_off_unknown() {
        let on = trail("t", true, true);
        let mut off = trail("u", true, true);
        off.log_file_validation_enabled = false;
        assert_statuses(
            &inventory_with_trails(vec![on, off]),
            ID,
            &[Status::Pass, Status::Fail],
        );
        let mut inv = base_inventory();
        region_mut(&mut inv).cloudtrail = Collected::Failed(denied("DescribeTrails"));
        assert_statuses(&inv, ID, &[Status::NotAssessed]);
    }
}
