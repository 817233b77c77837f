//! Property tests (fuzzing) of the credential report parser: no input makes it panic.
//! `POSTURE_FUZZ_CASES` sets the case count of the deep campaign (`tests/fuzz-deep.sh`).

use proptest::prelude::*;

use super::credential_report::parse;

const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("N/A".to_string()),
        Just("not_supported".to_string()),
        Just("no_information".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
        Just("2026-01-01T00:00:00+00:00".to_string()),
        Just("\"quoted,cell\"".to_string()),
        ".{0,12}",
    ]
}

proptest! {
    #![proptest_config(crate::policy::fuzz_tests::config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = parse(&bytes, None);
    }

    #[test]
    fn rows_of_random_cells_never_panic(rows in prop::collection::vec(prop::collection::vec(cell(), 0..25), 0..6)) {
        let mut text = HEADER.to_string();
        for r in rows {
            text.push('\n');
            text.push_str(&r.join(","));
        }
        if let Ok(report) = parse(text.as_bytes(), None) {
            // Parsed rows keep the documented shape.
            for row in &report.rows {
                prop_assert!(!row.user.is_empty());
            }
        }
    }
}
