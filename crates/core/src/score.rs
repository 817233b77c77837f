//! Scoring against frameworks (the Well-Architected security pillar, posture's SRA rubric).
//!
//! The model (documented with a worked example in the README):
//! - A requirement's results are the results of its checks in the unit being scored (one
//!   account; or, for organization-scope requirements, the whole organization).
//! - Its status: `met` (assessed results, none failed), `not_met` (none passed),
//!   `partially_met`, `not_assessed` (its data could not be collected), `not_applicable`
//!   (nothing to check), `not_assessable` (no API can show it).
//! - Its score: the severity-weighted share of passing results (critical 10, high 5, medium 3,
//!   low 1), so many resources count more than one, and severe failures more than minor ones.
//! - Its weight in a section or account score: the highest severity among its assessed checks.
//! - Section and account scores: weighted means of requirement scores. Not-assessed
//!   requirements are left out of the score and lower the coverage, which is always shown.
//!   Coverage is assessed ÷ (assessed + not assessed + not assessable) requirements: what no
//!   API can show lowers it too, so no unit reads 100 % while most of a framework was never
//!   looked at.
//! - Organization score: the mean of the account scores, with the organization-scope
//!   requirements counted as one more unit, so a large account cannot hide the others.

use std::collections::BTreeMap;

use crate::catalog::{self, Scope, Severity};
use crate::checks::Status;
use crate::frameworks::{Framework, ReqScope, Requirement};
pub use crate::result::{
    AccountScore, FrameworkScore, ReqStatus, RequirementScore, SectionScore, Summary,
};
use crate::result::{AccountSummary, Finding};

pub fn severity_weight(s: Severity) -> f64 {
    match s {
        Severity::Critical => 10.0,
        Severity::High => 5.0,
        Severity::Medium => 3.0,
        Severity::Low => 1.0,
        Severity::Informational => 0.0,
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn score_requirement<'t>(
    r: &Requirement,
    results: impl Iterator<Item = &'t CheckTally>,
) -> RequirementScore {
    let mut out = RequirementScore {
        id: r.id.clone(),
        section: r.section.clone(),
        status: ReqStatus::NotAssessable,
        score: None,
        weight: 0.0,
        passed: 0,
        failed: 0,
        not_assessed: 0,
    };
    if !r.assessable {
        return out;
    }
    let (mut pass_w, mut total_w) = (0.0, 0.0);
    for t in results {
        // Informational checks still count, with a tiny weight, so they are not ignored.
        let w = severity_weight(t.severity).max(0.1);
        if t.pass + t.fail > 0 {
            out.weight = out.weight.max(w);
        }
        out.passed += t.pass;
        out.failed += t.fail;
        out.not_assessed += t.not_assessed;
        pass_w += w * t.pass as f64;
        total_w += w * (t.pass + t.fail) as f64;
    }
    out.status = match (out.passed, out.failed) {
        (0, 0) if out.not_assessed > 0 => ReqStatus::NotAssessed,
        (0, 0) => ReqStatus::NotApplicable,
        (_, 0) => ReqStatus::Met,
        (0, _) => ReqStatus::NotMet,
        _ => ReqStatus::PartiallyMet,
    };
    if total_w > 0.0 {
        out.score = Some(round1(100.0 * pass_w / total_w));
    }
    out
}

fn summarize(reqs: &[&RequirementScore]) -> Summary {
    let mut s = Summary::default();
    let (mut num, mut den) = (0.0, 0.0);
    for r in reqs {
        match r.status {
            ReqStatus::Met => s.met += 1,
            ReqStatus::PartiallyMet => s.partially_met += 1,
            ReqStatus::NotMet => s.not_met += 1,
            ReqStatus::NotAssessed => s.not_assessed += 1,
            ReqStatus::NotApplicable => s.not_applicable += 1,
            ReqStatus::NotAssessable => s.not_assessable += 1,
        }
        if let Some(score) = r.score {
            num += r.weight * score;
            den += r.weight;
        }
    }
    if den > 0.0 {
        s.score = Some(round1(num / den));
    }
    s.coverage = coverage_of(&s);
    s
}

/// Coverage counts what posture could not look at, whether its data was missing (not assessed)
/// or no API shows it (not assessable): a score over a sliver of a framework must read as such.
fn coverage_of(s: &Summary) -> Option<f64> {
    let assessed = s.met + s.partially_met + s.not_met;
    let applicable = assessed + s.not_assessed + s.not_assessable;
    (applicable > 0).then(|| round1(100.0 * assessed as f64 / applicable as f64))
}

fn sections_of(f: &Framework, reqs: &[RequirementScore]) -> Vec<SectionScore> {
    f.sections
        .iter()
        .map(|sec| {
            let in_sec: Vec<&RequirementScore> =
                reqs.iter().filter(|r| r.section == sec.id).collect();
            let s = summarize(&in_sec);
            SectionScore {
                id: sec.id.clone(),
                title: sec.title.clone(),
                score: s.score,
                coverage: s.coverage,
            }
        })
        .collect()
}

fn mean(xs: impl Iterator<Item = f64>) -> Option<f64> {
    let v: Vec<f64> = xs.collect();
    (!v.is_empty()).then(|| round1(v.iter().sum::<f64>() / v.len() as f64))
}

/// Results counted by account and check: all scoring needs, so findings can be counted as each
/// account is evaluated and then dropped.
#[derive(Debug, Default)]
pub struct Tally {
    by_account: BTreeMap<String, BTreeMap<String, CheckTally>>,
}

#[derive(Debug, Clone, Copy)]
pub struct CheckTally {
    severity: Severity,
    pass: usize,
    fail: usize,
    not_assessed: usize,
}

impl Tally {
    pub fn add(&mut self, f: &Finding) {
        let t = self
            .by_account
            .entry(f.account_id.clone())
            .or_default()
            .entry(f.check_id.clone())
            .or_insert(CheckTally {
                severity: f.severity,
                pass: 0,
                fail: 0,
                not_assessed: 0,
            });
        match f.status {
            Status::Pass => t.pass += 1,
            Status::Fail => t.fail += 1,
            Status::NotAssessed => t.not_assessed += 1,
            Status::NotApplicable => {}
        }
    }

    /// The tallies of `check` in `account`, or in every account when `None`.
    fn of<'t>(
        &'t self,
        check: &'t str,
        account: Option<&'t str>,
    ) -> impl Iterator<Item = &'t CheckTally> + 't {
        self.by_account
            .iter()
            .filter(move |(a, _)| account.is_none_or(|x| x == a.as_str()))
            .filter_map(move |(_, checks)| checks.get(check))
    }
}

/// Score every framework for every account and for the organization.
pub fn score(
    frameworks: &[Framework],
    tally: &Tally,
    accounts: &[AccountSummary],
) -> Vec<FrameworkScore> {
    let org_scope_check =
        |id: &str| catalog::find(id).is_some_and(|m| m.scope == Scope::Organization);
    let results_for = |r: &Requirement, account: Option<&str>| -> Vec<CheckTally> {
        r.checks
            .iter()
            .filter(|c| account.is_none() || !org_scope_check(c))
            .flat_map(|c| tally.of(c, account).copied().collect::<Vec<_>>())
            .collect()
    };
    frameworks
        .iter()
        .map(|fw| {
            let org_reqs: Vec<RequirementScore> = fw
                .requirements
                .iter()
                .filter(|r| r.scope == ReqScope::Organization)
                .map(|r| score_requirement(r, results_for(r, None).iter()))
                .collect();
            let account_scores: Vec<AccountScore> = accounts
                .iter()
                .map(|a| {
                    let reqs: Vec<RequirementScore> = fw
                        .requirements
                        .iter()
                        .filter(|r| r.scope != ReqScope::Organization)
                        .map(|r| score_requirement(r, results_for(r, Some(&a.account_id)).iter()))
                        .collect();
                    AccountScore {
                        account_id: a.account_id.clone(),
                        summary: summarize(&reqs.iter().collect::<Vec<_>>()),
                        sections: sections_of(fw, &reqs),
                        requirements: reqs,
                    }
                })
                .collect();
            let org_summary = summarize(&org_reqs.iter().collect::<Vec<_>>());
            let org_sections = sections_of(fw, &org_reqs);
            // Each account counts once, and the organization-scope requirements once more.
            let mut overall = Summary::default();
            for s in account_scores
                .iter()
                .map(|a| &a.summary)
                .chain(std::iter::once(&org_summary))
            {
                overall.met += s.met;
                overall.partially_met += s.partially_met;
                overall.not_met += s.not_met;
                overall.not_assessed += s.not_assessed;
                overall.not_applicable += s.not_applicable;
                overall.not_assessable += s.not_assessable;
            }
            overall.score = mean(
                account_scores
                    .iter()
                    .filter_map(|a| a.summary.score)
                    .chain(org_summary.score),
            );
            overall.coverage = coverage_of(&overall);
            let sections = fw
                .sections
                .iter()
                .enumerate()
                .map(|(i, sec)| {
                    let units = account_scores
                        .iter()
                        .map(|a| &a.sections[i])
                        .chain(std::iter::once(&org_sections[i]));
                    let units: Vec<&SectionScore> = units.collect();
                    SectionScore {
                        id: sec.id.clone(),
                        title: sec.title.clone(),
                        score: mean(units.iter().filter_map(|u| u.score)),
                        coverage: mean(units.iter().filter_map(|u| u.coverage)),
                    }
                })
                .collect();
            FrameworkScore {
                framework: fw.id.clone(),
                name: fw.name.clone(),
                version: fw.version.clone(),
                overall,
                sections,
                organization_requirements: org_reqs,
                accounts: account_scores,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frameworks::Section;
    use crate::result::Counts;

    fn finding(check: &str, account: &str, sev: Severity, status: Status) -> Finding {
        Finding {
            id: String::new(),
            check_id: check.into(),
            title: String::new(),
            severity: sev,
            service: String::new(),
            resource_type: String::new(),
            status,
            account_id: account.into(),
            account_name: None,
            region: None,
            resource: String::new(),
            message: String::new(),
            evidence: vec![],
            remediation: String::new(),
            remediation_url: String::new(),
            requirements: vec![],
            tags: None,
            not_assessed_reason: None,
            suppressed: None,
            first_seen: None,
            last_seen: None,
        }
    }

    fn req(id: &str, checks: &[&str]) -> Requirement {
        Requirement {
            id: id.into(),
            section: "S1".into(),
            title: id.into(),
            url: String::new(),
            scope: ReqScope::Workload,
            checks: checks.iter().map(|c| c.to_string()).collect(),
            assessable: true,
            reason: None,
        }
    }

    fn account(id: &str) -> AccountSummary {
        AccountSummary {
            account_id: id.into(),
            name: None,
            ou_path: None,
            access: "caller".into(),
            regions: vec![],
            skipped_regions: BTreeMap::new(),
            counts: Counts::default(),
            failed_by_severity: BTreeMap::new(),
        }
    }

    /// The worked example of the README.
    #[test]
    fn worked_example() {
        let fw = Framework {
            id: "f".into(),
            name: "F".into(),
            version: "1".into(),
            url: String::new(),
            sections: vec![Section {
                id: "S1".into(),
                title: "S1".into(),
            }],
            requirements: vec![req("R1", &["a"]), req("R2", &["b"]), req("R3", &["c"])],
        };
        let findings = [
            // R1: 3 high results, 2 pass, 1 fails → 66.7, weight 5
            finding("a", "111111111111", Severity::High, Status::Pass),
            finding("a", "111111111111", Severity::High, Status::Pass),
            finding("a", "111111111111", Severity::High, Status::Fail),
            // R2: one critical pass → 100, weight 10
            finding("b", "111111111111", Severity::Critical, Status::Pass),
            // R3: not assessed → out of the score, lowers coverage
            finding("c", "111111111111", Severity::Medium, Status::NotAssessed),
            // Second account: R2 fails → 0
            finding("b", "222222222222", Severity::Critical, Status::Fail),
        ];
        let mut tally = Tally::default();
        findings.iter().for_each(|f| tally.add(f));
        let scores = score(
            &[fw],
            &tally,
            &[account("111111111111"), account("222222222222")],
        );
        let a = &scores[0].accounts[0];
        assert_eq!(a.requirements[0].score, Some(66.7));
        assert_eq!(a.requirements[0].status, ReqStatus::PartiallyMet);
        assert_eq!(a.requirements[2].status, ReqStatus::NotAssessed);
        // (5 × 66.7 + 10 × 100) / 15 = 88.9; coverage 2 of 3 requirements.
        assert_eq!(a.summary.score, Some(88.9));
        assert_eq!(a.summary.coverage, Some(66.7));
        let b = &scores[0].accounts[1];
        assert_eq!(b.summary.score, Some(0.0));
        // Organization: mean of the two accounts (no organization-scope requirement scored).
        assert_eq!(scores[0].overall.score, Some(44.5));
    }

    /// A requirement no API can show lowers coverage like one whose data was missing: one
    /// met requirement out of three reads 100 % at coverage 33.3 %, never 100 % at 100 %.
    #[test]
    fn not_assessable_requirements_lower_coverage() {
        let mut hidden = req("R3", &[]);
        hidden.assessable = false;
        let fw = Framework {
            id: "f".into(),
            name: "F".into(),
            version: "1".into(),
            url: String::new(),
            sections: vec![Section {
                id: "S1".into(),
                title: "S1".into(),
            }],
            requirements: vec![req("R1", &["a"]), req("R2", &["b"]), hidden],
        };
        let findings = [
            finding("a", "111111111111", Severity::High, Status::Pass),
            finding("b", "111111111111", Severity::High, Status::NotAssessed),
        ];
        let mut tally = Tally::default();
        findings.iter().for_each(|f| tally.add(f));
        let scores = score(&[fw], &tally, &[account("111111111111")]);
        let a = &scores[0].accounts[0].summary;
        assert_eq!((a.met, a.not_assessed, a.not_assessable), (1, 1, 1));
        assert_eq!(a.score, Some(100.0));
        assert_eq!(a.coverage, Some(33.3));
    }
}
