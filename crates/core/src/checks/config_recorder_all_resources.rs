use super::shared::config::{
    NO_GLOBAL_IAM_REGIONS, Recorded, RecorderState, recorder, recorder_state, records_all_types,
    records_global_iam,
};
use std::collections::BTreeMap;

use crate::check::{At, Check, Reason};
use crate::inventory::{AccountAccess, CollectionError};

/// The Config recorder of each region records every supported resource type, and each
/// account records the global IAM resource types in at least one region (one result per
/// account for that part).
/// Where a recorder set to record the global IAM types stands.
#[derive(Clone, Copy, PartialEq)]
enum Global {
    Recorded,
    Stopped,
    Unknown,
}

pub const CHECK: Check = Check {
    id: "config-recorder-all-resources",
    run: |ctx, out| {
        // Per region: every supported type. The walker records the regions and accounts
        // that could not be read.
        let mut global_in: BTreeMap<&str, Vec<(&str, Global)>> = BTreeMap::new();
        for c in out.config(ctx) {
            let region = c.region.unwrap_or_default();
            let Some(rec) = recorder(&c) else {
                out.not_applicable(
                    &c,
                    format!("there is no configuration recorder in {region} (config-recorder-enabled fails it)"),
                );
                continue;
            };
            if records_global_iam(region, rec) {
                // The global types count where the recorder records now.
                let state = match recorder_state(&c) {
                    Ok(RecorderState::Recording(..)) => Global::Recorded,
                    Ok(_) => Global::Stopped,
                    Err(_) => Global::Unknown,
                };
                global_in
                    .entry(c.account_id())
                    .or_default()
                    .push((region, state));
            }
            match records_all_types(rec) {
                Recorded::All(what) => {
                    out.pass(
                        &c,
                        format!("recorder {} in {region} records {what}", rec.name),
                    );
                }
                Recorded::Partial(gap) => {
                    out.fail(
                        &c,
                        format!("recorder {} in {region} does not record every supported resource type: {gap}", rec.name),
                    );
                }
            }
            if let Some(g) = &rec.recording_group {
                out.evidence("RecordingGroup.allSupported", g.all_supported);
                out.evidence(
                    "RecordingGroup.includeGlobalResourceTypes",
                    g.include_global_resource_types,
                );
                if let Some(s) = &g.strategy {
                    out.evidence("RecordingGroup.recordingStrategy.useOnly", s);
                }
            }
        }
        // Per account: the global IAM types in at least one region (accounts that could not
        // be entered, or whose regions could not be listed, were reported above).
        for a in ctx.accounts {
            if matches!(a.access, AccountAccess::Denied { .. }) || a.regions.error().is_some() {
                continue;
            }
            let acct = At::new(ctx.partition(), a, None, a);
            let global = global_in.get(a.account_id.as_str());
            let regions_in = |want: Global| -> Vec<&str> {
                global
                    .into_iter()
                    .flatten()
                    .filter(|(_, s)| *s == want)
                    .map(|(r, _)| *r)
                    .collect()
            };
            let recorded = regions_in(Global::Recorded);
            if !recorded.is_empty() {
                out.pass(
                    &acct,
                    format!(
                        "the account's global IAM resource types are recorded in {}",
                        recorded.join(", ")
                    ),
                );
                out.evidence("GlobalIamTypesRecordedIn", recorded.join(", "));
                continue;
            }
            let failed: Vec<(&String, &CollectionError)> = a
                .regional
                .iter()
                .filter_map(|(r, d)| {
                    d.config
                        .as_ref()
                        .err()
                        .or_else(|| {
                            // A recorder set to record them whose status is unknown.
                            let set = regions_in(Global::Unknown);
                            set.contains(&r.as_str())
                                .then(|| d.config.as_ref().ok()?.recorder_statuses.error())
                                .flatten()
                        })
                        .map(|e| (r, e))
                })
                .collect();
            if let Some((_, e)) = failed.first() {
                let names: Vec<&str> = failed.iter().map(|(r, _)| r.as_str()).collect();
                out.not_assessed(
                    &acct,
                    Reason::collection_as(
                        format!("the Config recorders of {} are unknown: ", names.join(", ")),
                        e,
                    ),
                );
                continue;
            }
            out.fail(
                &acct,
                "no scanned region's Config recorder records the global IAM resource types (users, groups, roles, policies)",
            );
            let scanned: Vec<&str> = a.regional.keys().map(String::as_str).collect();
            out.evidence("RegionsScanned", scanned.join(", "));
            let stopped = regions_in(Global::Stopped);
            if !stopped.is_empty() {
                out.evidence(
                    "GlobalIamTypesConfiguredButNotRecording",
                    stopped.join(", "),
                );
            }
            let unable: Vec<&str> = scanned
                .iter()
                .copied()
                .filter(|r| NO_GLOBAL_IAM_REGIONS.contains(r))
                .collect();
            if !unable.is_empty() {
                out.evidence("RegionsThatCannotRecordGlobalIamTypes", unable.join(", "));
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, RecordingGroup};

    fn by_resource(inv: &crate::inventory::Inventory) -> (Status, Status) {
        let r = results(inv, CHECK.id);
        let region = r.iter().find(|r| r.region.is_some()).map(|r| r.status);
        let account = r.iter().find(|r| r.region.is_none()).map(|r| r.status);
        (region.unwrap(), account.unwrap())
    }

    #[test]
    fn all_types_and_global() {
        let inv = base_inventory();
        assert_eq!(by_resource(&inv), (Status::Pass, Status::Pass));

        let mut inv = base_inventory();
        config_mut(&mut inv).recorders[0].recording_group = Some(RecordingGroup {
            all_supported: true,
            include_global_resource_types: false,
            ..Default::default()
        });
        assert_eq!(by_resource(&inv), (Status::Pass, Status::Fail));

        let mut inv = base_inventory();
        config_mut(&mut inv).recorders[0].recording_group = Some(RecordingGroup {
            exclusions: vec!["AWS::EC2::Instance".into()],
            strategy: Some("EXCLUSION_BY_RESOURCE_TYPES".into()),
            ..Default::default()
        });
        let r = results(&inv, CHECK.id);
        assert_result(&r[0], Status::Fail, &["AWS::EC2::Instance"]);
        // The exclusion strategy records the global IAM types unless they are excluded.
        assert_eq!(by_resource(&inv), (Status::Fail, Status::Pass));
    }

    /// A stopped recorder records nothing, global types included.
    #[test]
    fn stopped_recorder_records_no_global_types() {
        let mut inv = base_inventory();
        if let Collected::Ok(s) = &mut config_mut(&mut inv).recorder_statuses {
            s[0].recording = false;
        }
        assert_eq!(by_resource(&inv), (Status::Pass, Status::Fail));
        let r = results(&inv, CHECK.id);
        let account = r.iter().find(|r| r.region.is_none()).unwrap();
        assert_evidence_path(account, "GlobalIamTypesConfiguredButNotRecording");
        config_mut(&mut inv).recorder_statuses =
            Collected::Failed(denied("DescribeConfigurationRecorderStatus"));
        assert_eq!(by_resource(&inv), (Status::Pass, Status::NotAssessed));
    }

    #[test]
    fn no_recorder_or_unknown() {
        let mut inv = base_inventory();
        config_mut(&mut inv).recorders.clear();
        assert_eq!(by_resource(&inv), (Status::NotApplicable, Status::Fail));

        let mut inv = base_inventory();
        region_mut(&mut inv).config = Collected::Failed(denied("DescribeConfigurationRecorders"));
        assert_eq!(
            by_resource(&inv),
            (Status::NotAssessed, Status::NotAssessed)
        );
    }
}
