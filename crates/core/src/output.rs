//! Writing files and standard output: atomically (a killed scan never leaves a truncated file),
//! streamed (a report or inventory is never held whole in memory), and quiet about closed pipes.

use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};

use crate::inventory::{
    AccountInventory, Collected, INVENTORY_FORMAT_VERSION, Organization, ScanInfo,
};

/// A file being written next to its final path; it appears at the path, complete, only on
/// [`commit`](AtomicFile::commit). Dropped without commit (an error, a kill), it disappears.
pub struct AtomicFile {
    path: PathBuf,
    out: BufWriter<tempfile::NamedTempFile>,
}

impl AtomicFile {
    pub fn create(path: &Path) -> anyhow::Result<AtomicFile> {
        let dir = existing_dir_of(path)?;
        let tmp = tempfile::NamedTempFile::new_in(&dir).with_context(|| {
            format!(
                "cannot write {}: cannot create a file in {}",
                path.display(),
                dir.display()
            )
        })?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            out: BufWriter::with_capacity(256 * 1024, tmp),
        })
    }

    pub fn writer(&mut self) -> &mut dyn Write {
        &mut self.out
    }

    /// The temporary file's path (complete once flushed).
    pub fn flush(&mut self) -> anyhow::Result<&Path> {
        self.out
            .flush()
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        Ok(self.out.get_ref().path())
    }

    pub fn commit(self) -> anyhow::Result<()> {
        let path = self.path;
        let tmp = self
            .out
            .into_inner()
            .map_err(|e| anyhow!("cannot write {}: {}", path.display(), e.error()))?;
        tmp.as_file()
            .sync_all()
            .with_context(|| format!("cannot write {}", path.display()))?;
        tmp.persist(&path)
            .map_err(|e| anyhow!("cannot write {}: {}", path.display(), e.error))?;
        Ok(())
    }
}

/// The directory `path` will be written in, which must exist.
fn existing_dir_of(path: &Path) -> anyhow::Result<PathBuf> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        bail!(
            "cannot write {}: directory {} does not exist\n  what to do: create it or choose another path",
            path.display(),
            dir.display()
        );
    }
    Ok(dir)
}

/// Write a whole file atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.writer()
        .write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    f.commit()
}

/// `--save-inventory` during a scan: each account is appended as it finishes to an unnamed
/// temporary file (the OS removes it if posture is killed), and the scan information and
/// organization at the end, when the file is copied to its path atomically. The document is the
/// one `serde_json` writes for [`Inventory`](crate::inventory::Inventory), keys in another order.
pub struct InventoryWriter {
    path: PathBuf,
    spool: BufWriter<std::fs::File>,
    accounts: usize,
}

impl InventoryWriter {
    pub fn create(path: &Path) -> anyhow::Result<InventoryWriter> {
        existing_dir_of(path)?;
        let file = tempfile::tempfile().with_context(|| {
            format!(
                "cannot create a temporary file in {} for the inventory\n  what to do: set TMPDIR to a writable directory",
                std::env::temp_dir().display()
            )
        })?;
        let mut spool = BufWriter::with_capacity(256 * 1024, file);
        write!(
            spool,
            "{{\n  \"format_version\": {INVENTORY_FORMAT_VERSION},\n  \"accounts\": ["
        )
        .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(InventoryWriter {
            path: path.to_path_buf(),
            spool,
            accounts: 0,
        })
    }

    pub fn account(&mut self, a: &AccountInventory) -> anyhow::Result<()> {
        let w = &mut self.spool;
        let sep: &[u8] = if self.accounts == 0 { b"\n" } else { b",\n" };
        (|| -> anyhow::Result<()> {
            w.write_all(sep)?;
            serde_json::to_writer(&mut *w, a)?;
            Ok(())
        })()
        .context("cannot write the inventory")?;
        self.accounts += 1;
        Ok(())
    }

    pub fn finish(
        mut self,
        scan: &ScanInfo,
        organization: Option<&Collected<Organization>>,
    ) -> anyhow::Result<()> {
        let w = &mut self.spool;
        (|| -> anyhow::Result<()> {
            w.write_all(b"\n  ],\n  \"scan\": ")?;
            serde_json::to_writer(&mut *w, scan)?;
            if let Some(org) = organization {
                w.write_all(b",\n  \"organization\": ")?;
                serde_json::to_writer(&mut *w, org)?;
            }
            w.write_all(b"\n}\n")?;
            Ok(())
        })()
        .context("cannot write the inventory")?;
        let mut spool = self
            .spool
            .into_inner()
            .map_err(|e| anyhow!("cannot write the inventory: {}", e.error()))?;
        let mut file = AtomicFile::create(&self.path)?;
        spool
            .seek(SeekFrom::Start(0))
            .and_then(|_| std::io::copy(&mut spool, file.writer()))
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        file.commit()
    }
}

/// Standard output for streamed documents: buffered, and a closed pipe (`posture … | head`)
/// ends the output quietly instead of failing or panicking.
pub struct Stdout {
    out: BufWriter<std::io::Stdout>,
    closed: bool,
}

impl Stdout {
    pub fn new() -> Stdout {
        Stdout {
            out: BufWriter::new(std::io::stdout()),
            closed: false,
        }
    }
}

impl Default for Stdout {
    fn default() -> Self {
        Stdout::new()
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.out.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.out.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::base_inventory;
    use crate::inventory::Inventory;

    #[test]
    fn streamed_inventory_reads_back_as_the_same_inventory() {
        let inv = base_inventory();
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("inv.json");
        let mut w = InventoryWriter::create(&path).expect("create");
        for a in &inv.accounts {
            w.account(a).expect("account");
        }
        assert!(!path.exists(), "nothing at the path before finish");
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
        w.finish(&inv.scan, inv.organization.as_ref())
            .expect("finish");
        let back: Inventory =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("parse");
        assert_eq!(
            serde_json::to_value(&back).expect("json"),
            serde_json::to_value(&inv).expect("json")
        );
    }

    #[test]
    fn an_uncommitted_file_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("report.json");
        {
            let mut f = AtomicFile::create(&path).expect("create");
            f.writer().write_all(b"partial").expect("write");
        }
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
    }
}
