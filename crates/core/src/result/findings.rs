//! The findings of a scan result, held in memory (a result loaded from a file, tests) or spooled
//! to an unnamed temporary file as each account is evaluated (a scan), so that a scan's memory
//! does not grow with the organization: only the account being evaluated is in memory, and
//! renderers stream the findings back one account at a time.
//!
//! Order, either way: account, check, region, resource.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, anyhow, bail};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Finding;

/// The order of findings in every output.
pub fn report_order(a: &Finding, b: &Finding) -> Ordering {
    (&a.account_id, &a.check_id, &a.region, &a.resource).cmp(&(
        &b.account_id,
        &b.check_id,
        &b.region,
        &b.resource,
    ))
}

#[derive(Clone)]
pub enum Findings {
    Memory(Vec<Finding>),
    Spooled(Arc<Spool>),
}

impl Default for Findings {
    fn default() -> Self {
        Findings::Memory(Vec::new())
    }
}

impl fmt::Debug for Findings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Findings::Memory(v) => write!(f, "Findings::Memory({} findings)", v.len()),
            Findings::Spooled(s) => write!(f, "Findings::Spooled({} findings)", s.len),
        }
    }
}

impl Findings {
    pub fn len(&self) -> usize {
        match self {
            Findings::Memory(v) => v.len(),
            Findings::Spooled(s) => s.len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Visit every finding in report order; stops at the first error (the visitor's, or a read
    /// error of the spool file).
    pub fn for_each(
        &self,
        mut visit: impl FnMut(&Finding) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        match self {
            Findings::Memory(v) => v.iter().try_for_each(visit),
            Findings::Spooled(s) => s.for_each(&mut visit),
        }
    }

    /// Every finding, in memory (tests and small results).
    pub fn to_vec(&self) -> anyhow::Result<Vec<Finding>> {
        let mut out = Vec::with_capacity(self.len());
        self.for_each(|f| {
            out.push(f.clone());
            Ok(())
        })?;
        Ok(out)
    }

    /// The findings that match `keep`, in report order.
    pub fn filtered(&self, keep: impl Fn(&Finding) -> bool) -> anyhow::Result<Vec<Finding>> {
        let mut out = Vec::new();
        self.for_each(|f| {
            if keep(f) {
                out.push(f.clone());
            }
            Ok(())
        })?;
        Ok(out)
    }
}

impl Serialize for Findings {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        let mut failed = None;
        let read = self.for_each(|f| {
            seq.serialize_element(f).map_err(|e| {
                let error = anyhow!("{e}");
                failed = Some(e);
                error
            })
        });
        if let Some(e) = failed {
            return Err(e);
        }
        read.map_err(|e| S::Error::custom(format!("{e:#}")))?;
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Findings {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<Finding>::deserialize(d).map(Findings::Memory)
    }
}

/// Findings written to an unnamed temporary file (removed by the OS when closed, even if posture
/// is killed), one JSON line each, in one chunk per account plus a final chunk of the findings
/// of the organization-wide checks, kept in memory because they are few.
pub struct Spool {
    file: Mutex<std::fs::File>,
    /// Byte range of each account's chunk; its findings are sorted.
    chunks: BTreeMap<String, (u64, u64)>,
    /// Findings evaluated at the end over all accounts, sorted by report order.
    late: Vec<Finding>,
    end: u64,
    len: usize,
}

impl Spool {
    pub fn new() -> anyhow::Result<Spool> {
        let file = tempfile::tempfile().map_err(|e| {
            anyhow!(
                "could not create a temporary file for findings in {}: {e}\n  what to do: set TMPDIR to a writable directory",
                std::env::temp_dir().display()
            )
        })?;
        Ok(Spool {
            file: Mutex::new(file),
            chunks: BTreeMap::new(),
            late: Vec::new(),
            end: 0,
            len: 0,
        })
    }

    /// Append one account's findings (any order; they are sorted here).
    pub fn push_account(
        &mut self,
        account_id: &str,
        mut findings: Vec<Finding>,
    ) -> anyhow::Result<()> {
        if self.chunks.contains_key(account_id) {
            bail!("account {account_id} was evaluated twice");
        }
        findings.sort_by(report_order);
        let mut buf = Vec::new();
        for f in &findings {
            serde_json::to_writer(&mut buf, f).context("could not spool a finding")?;
            buf.push(b'\n');
        }
        let file = self
            .file
            .get_mut()
            .map_err(|_| anyhow!("the findings spool is unusable"))?;
        file.seek(SeekFrom::Start(self.end))
            .and_then(|_| file.write_all(&buf))
            .map_err(|e| anyhow!("could not write findings to the temporary file: {e}\n  what to do: free space in {}", std::env::temp_dir().display()))?;
        self.chunks
            .insert(account_id.to_string(), (self.end, buf.len() as u64));
        self.end += buf.len() as u64;
        self.len += findings.len();
        Ok(())
    }

    /// Add the findings of the organization-wide checks.
    pub fn push_late(&mut self, findings: Vec<Finding>) {
        self.len += findings.len();
        self.late.extend(findings);
        self.late.sort_by(report_order);
    }

    fn read_chunk(&self, (offset, len): (u64, u64)) -> anyhow::Result<Vec<Finding>> {
        let mut buf = vec![0u8; len as usize];
        {
            let mut file = self
                .file
                .lock()
                .map_err(|_| anyhow!("the findings spool is unusable"))?;
            file.seek(SeekFrom::Start(offset))
                .and_then(|_| file.read_exact(&mut buf))
                .context("could not read findings back from the temporary file")?;
        }
        buf.split(|b| *b == b'\n')
            .filter(|line| !line.is_empty())
            .map(|line| serde_json::from_slice(line).context("the findings spool is corrupt"))
            .collect()
    }

    /// Each account's chunk merged with that account's late findings, accounts in order.
    fn for_each(
        &self,
        visit: &mut dyn FnMut(&Finding) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let mut late = self.late.iter().peekable();
        for (account, range) in &self.chunks {
            // Late findings of accounts that sort before this one.
            while let Some(f) = late.next_if(|f| f.account_id < *account) {
                visit(f)?;
            }
            for f in self.read_chunk(*range)? {
                while let Some(l) = late.next_if(|l| report_order(l, &f) == Ordering::Less) {
                    visit(l)?;
                }
                visit(&f)?;
            }
            while let Some(f) = late.next_if(|f| f.account_id == *account) {
                visit(f)?;
            }
        }
        late.try_for_each(visit)
    }
}
