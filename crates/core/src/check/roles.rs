//! Which accounts play the SRA's dedicated security roles: the Security Tooling account (the
//! delegated administrator of the security services) and the Log Archive account (where the
//! organization's logs land).
//!
//! AWS has no API that names them. posture takes them from `--security-account` and
//! `--log-archive-account` when given, and otherwise recognises them in the organization: an
//! account directly in an OU whose name starts with "security", named as the SRA guide and
//! Control Tower name them ("Security Tooling", "Audit", "Log Archive", "Logging"). When
//! nothing or more than one account matches, the role is unknown, and every judgement that
//! needs it is "not assessed" with the flag to pass — never guessed.

use serde::{Deserialize, Serialize};

use crate::inventory::{Collected, Organization};

/// The accounts given on the command line.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Given {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_tooling: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_archive: Option<String>,
}

/// An account recognised in a role, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Designation {
    pub account_id: String,
    /// How it was recognised: "given with --security-account", "named 'Audit' in OU Root/Security".
    pub source: String,
}

/// The SRA role accounts of a scan. `None`: unknown, with the reason in `missing`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SraAccounts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_tooling: Option<Designation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_archive: Option<Designation>,
    /// Why a role is unknown, one clause per role: "no account of the Security OU is named
    /// like a Log Archive account (pass --log-archive-account)".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

/// One SRA role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    SecurityTooling,
    LogArchive,
}

impl Role {
    pub fn title(self) -> &'static str {
        match self {
            Role::SecurityTooling => "Security Tooling",
            Role::LogArchive => "Log Archive",
        }
    }

    pub fn flag(self) -> &'static str {
        match self {
            Role::SecurityTooling => "--security-account",
            Role::LogArchive => "--log-archive-account",
        }
    }

    /// Account names this role goes by (lower case, separators removed).
    fn names(self) -> &'static [&'static str] {
        match self {
            Role::SecurityTooling => &["securitytooling", "audit", "securityaudit", "security"],
            Role::LogArchive => &["logarchive", "logging", "log", "logs"],
        }
    }
}

/// `Security Tooling`, `security-tooling`, `SecurityTooling` → `securitytooling`.
fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl SraAccounts {
    /// The role accounts from the flags, else recognised in the organization.
    pub fn recognise(organization: Option<&Collected<Organization>>, given: &Given) -> SraAccounts {
        let org = match organization {
            Some(Collected::Ok(o)) => Some(o),
            _ => None,
        };
        let mut out = SraAccounts::default();
        for role in [Role::SecurityTooling, Role::LogArchive] {
            let flag = match role {
                Role::SecurityTooling => &given.security_tooling,
                Role::LogArchive => &given.log_archive,
            };
            let found = match flag {
                Some(id) => Ok(Designation {
                    account_id: id.clone(),
                    source: format!("given with {}", role.flag()),
                }),
                None => recognise_in(org, role),
            };
            match found {
                Ok(d) => match role {
                    Role::SecurityTooling => out.security_tooling = Some(d),
                    Role::LogArchive => out.log_archive = Some(d),
                },
                Err(why) => out.missing.push(why),
            }
        }
        out
    }

    pub fn get(&self, role: Role) -> Option<&Designation> {
        match role {
            Role::SecurityTooling => self.security_tooling.as_ref(),
            Role::LogArchive => self.log_archive.as_ref(),
        }
    }

    /// Why `role` is unknown, as a clause for a "not assessed" reason (empty when it is known).
    pub fn why_unknown(&self, role: Role) -> String {
        if self.get(role).is_some() {
            return String::new();
        }
        self.missing
            .iter()
            .find(|m| m.contains(role.flag()))
            .cloned()
            .unwrap_or_else(|| {
                format!(
                    "the {} account is not known (pass {})",
                    role.title(),
                    role.flag()
                )
            })
    }
}

fn recognise_in(org: Option<&Organization>, role: Role) -> Result<Designation, String> {
    let Some(org) = org else {
        return Err(format!(
            "the organization was not read, so the {} account cannot be recognised (pass {})",
            role.title(),
            role.flag()
        ));
    };
    if org.hierarchy().is_err() {
        return Err(format!(
            "the organization's OU tree could not be read, so the {} account cannot be recognised (pass {})",
            role.title(),
            role.flag()
        ));
    }
    // Accounts of an OU named Security… (at any depth), with their OU path.
    let in_security: Vec<(&crate::inventory::OrgAccount, String)> = org
        .accounts
        .iter()
        .filter(|a| a.id != org.management_account_id)
        .filter_map(|a| {
            let parent = a.parent_id.as_deref()?;
            let path = org.path_of(parent);
            let leaf = path.rsplit('/').next().unwrap_or_default();
            squash(leaf).starts_with("security").then_some((a, path))
        })
        .collect();
    if in_security.is_empty() {
        return Err(format!(
            "no account sits in an OU named Security, so the {} account cannot be recognised (pass {})",
            role.title(),
            role.flag()
        ));
    }
    // The most specific name wins: "securitytooling" before "security".
    for name in role.names() {
        let hits: Vec<&(&crate::inventory::OrgAccount, String)> = in_security
            .iter()
            .filter(|(a, _)| squash(&a.name) == *name)
            .collect();
        match hits.as_slice() {
            [] => continue,
            [(a, path)] => {
                return Ok(Designation {
                    account_id: a.id.clone(),
                    source: format!("the account named '{}' in OU {path}", a.name),
                });
            }
            many => {
                return Err(format!(
                    "{} accounts of the Security OU are named like the {} account ({}), so it is ambiguous (pass {})",
                    many.len(),
                    role.title(),
                    many.iter()
                        .map(|(a, _)| a.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    role.flag()
                ));
            }
        }
    }
    Err(format!(
        "no account of the Security OU is named like the {} account (pass {})",
        role.title(),
        role.flag()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{org_inventory, org_mut};
    use crate::inventory::OrgAccount;

    fn with_security_ou(names: &[(&str, &str)]) -> Collected<Organization> {
        let mut inv = org_inventory();
        let org = org_mut(&mut inv);
        assert!(org.organizational_units.iter().any(|o| o.id == "ou-sec"));
        for (id, name) in names {
            org.accounts.push(OrgAccount {
                id: id.to_string(),
                name: name.to_string(),
                email: None,
                state: "ACTIVE".into(),
                parent_id: Some("ou-sec".into()),
            });
        }
        inv.organization.unwrap()
    }

    #[test]
    fn recognised_by_name_in_the_security_ou() {
        let org = with_security_ou(&[
            ("222222222222", "Security Tooling"),
            ("333333333333", "log-archive"),
        ]);
        let r = SraAccounts::recognise(Some(&org), &Given::default());
        let st = r.security_tooling.as_ref().unwrap();
        assert_eq!(st.account_id, "222222222222");
        assert!(st.source.contains("Root/Security"), "{}", st.source);
        assert_eq!(r.log_archive.as_ref().unwrap().account_id, "333333333333");
        assert!(r.missing.is_empty());
    }

    #[test]
    fn control_tower_names_count() {
        let org = with_security_ou(&[("222222222222", "Audit"), ("333333333333", "Log Archive")]);
        let r = SraAccounts::recognise(Some(&org), &Given::default());
        assert_eq!(r.security_tooling.unwrap().account_id, "222222222222");
        assert_eq!(r.log_archive.unwrap().account_id, "333333333333");
    }

    #[test]
    fn flags_win_and_ambiguity_or_absence_is_unknown() {
        let org = with_security_ou(&[("222222222222", "Audit"), ("444444444444", "audit")]);
        let r = SraAccounts::recognise(Some(&org), &Given::default());
        assert!(r.security_tooling.is_none());
        assert!(
            r.why_unknown(Role::SecurityTooling).contains("ambiguous"),
            "{r:?}"
        );
        assert!(
            r.why_unknown(Role::LogArchive)
                .contains("--log-archive-account")
        );
        let given = Given {
            security_tooling: Some("999999999999".into()),
            log_archive: None,
        };
        let r = SraAccounts::recognise(Some(&org), &given);
        assert_eq!(
            r.security_tooling.as_ref().unwrap().account_id,
            "999999999999"
        );
        assert_eq!(
            r.security_tooling.unwrap().source,
            "given with --security-account"
        );
        // Without an organization nothing is recognised, but the flags still work.
        let r = SraAccounts::recognise(None, &given);
        assert!(r.security_tooling.is_some() && r.log_archive.is_none());
        assert!(r.why_unknown(Role::LogArchive).contains("not read"));
    }

    #[test]
    fn a_security_account_outside_the_security_ou_is_not_recognised() {
        let mut org = with_security_ou(&[]);
        if let Collected::Ok(o) = &mut org {
            o.accounts.push(OrgAccount {
                id: "222222222222".into(),
                name: "Security Tooling".into(),
                email: None,
                state: "ACTIVE".into(),
                parent_id: Some(o.roots[0].id.clone()),
            });
        }
        let r = SraAccounts::recognise(Some(&org), &Given::default());
        assert!(r.security_tooling.is_none(), "{r:?}");
    }
}
