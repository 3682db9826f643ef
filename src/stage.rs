//! Outputs that appear all at once or not at all: a folder is written into
//! a staging folder beside its destination and renamed into place only when
//! everything succeeded, under a lock file that keeps two writers apart and
//! lets a later run clean up after a killed one. Used by runs, merges and
//! work units alike.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::msg::{Msg, OutputTrouble, SizeBasis, Warning};

/// Write a folder of outputs atomically: `write` fills a staging folder that
/// replaces `dest` only when it succeeded; the lock keeps other runs out.
pub fn staged(dest: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let _lock = Lock::acquire(dest)?;
    recover(dest)?;
    let staging = Staging::new(dest)?;
    write(&staging.path).map_err(|e| staging.explain(e))?;
    staging.commit()
}

/// `.NAME.sise-SUFFIX` beside the destination.
fn sibling(dest: &Path, suffix: &str) -> Result<PathBuf> {
    let name = dest.file_name().ok_or_else(|| Error::output(dest, OutputTrouble::NoFolderName))?;
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    Ok(parent.join(format!(".{}.sise-{suffix}", name.to_string_lossy())))
}

/// Clean up after a run that was killed: staging folders are removed, and if
/// it died between moving the old outputs aside and the new ones in, the old
/// ones are put back. Runs under the lock, so nothing else is writing.
pub fn recover(dest: &Path) -> Result<()> {
    let parent = sibling(dest, "x")?.parent().map(Path::to_owned).unwrap_or_default();
    let prefix = format!(".{}.sise-", dest.file_name().unwrap_or_default().to_string_lossy());
    let Ok(entries) = std::fs::read_dir(&parent) else { return Ok(()) };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&prefix) else { continue };
        let path = e.path();
        if rest.starts_with("tmp-") {
            tracing::warn!("{}", Warning::LeftoverRemoved { path: path.clone() });
            std::fs::remove_dir_all(&path).map_err(|e| Error::output(&path, e))?;
        } else if rest.starts_with("old-") {
            if dest.exists() {
                std::fs::remove_dir_all(&path).map_err(|e| Error::output(&path, e))?;
            } else {
                tracing::warn!("{}", Warning::Restoring { path: path.clone() });
                std::fs::rename(&path, dest).map_err(|e| Error::output(dest, e))?;
            }
        }
    }
    Ok(())
}

/// A lock file beside the destination, holding the owner's pid; removed on drop.
pub struct Lock {
    path: PathBuf,
}

impl Lock {
    pub fn acquire(dest: &Path) -> Result<Lock> {
        let path = sibling(dest, "lock")?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::output(parent, OutputTrouble::CannotCreate { detail: e.to_string() }))?;
        }
        for _ in 0..2 {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    use std::io::Write;
                    let _ = writeln!(f, "{}", std::process::id());
                    return Ok(Lock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let owner = std::fs::read_to_string(&path).ok().and_then(|s| s.trim().parse::<u32>().ok());
                    match owner {
                        // A live owner: another run is writing these outputs.
                        Some(pid) if Path::new(&format!("/proc/{pid}")).exists() => {
                            return Err(Error::Locked { path: dest.to_owned(), message: OutputTrouble::Locked { pid, lock: path.clone() }.into() })
                        }
                        // The owner died (killed run): take the lock over.
                        _ => {
                            tracing::warn!("{}", Warning::StaleLock { path: path.clone() });
                            let _ = std::fs::remove_file(&path);
                        }
                    }
                }
                Err(e) => return Err(Error::output(&path, OutputTrouble::CannotLock { detail: e.to_string() })),
            }
        }
        Err(Error::output(&path, OutputTrouble::LockTaken))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A temporary output folder beside the destination (same file system, so
/// the final rename is atomic), removed if the run fails before `commit`.
pub struct Staging {
    pub path: PathBuf,
    dest: PathBuf,
    committed: bool,
}

impl Staging {
    /// `e` as the user should read it: when the file system filled up while
    /// the staging folder was written, that, with the space the run needs.
    pub fn explain(&self, e: Error) -> Error {
        disk_full(&self.dest, Some(&self.path), e)
    }

    pub fn new(dest: &Path) -> Result<Staging> {
        let path = sibling(dest, &format!("tmp-{}", std::process::id()))?;
        if path.exists() {
            std::fs::remove_dir_all(&path).map_err(|e| Error::output(&path, e))?;
        }
        std::fs::create_dir(&path).map_err(|e| Error::output(&path, OutputTrouble::CannotCreate { detail: e.to_string() }))?;
        Ok(Staging { path, dest: dest.to_owned(), committed: false })
    }

    /// Swap the staged folder into place; an older result is removed only after the swap.
    pub fn commit(mut self) -> Result<()> {
        let old = sibling(&self.dest, &format!("old-{}", std::process::id()))?;
        let had_old = self.dest.exists();
        if had_old {
            std::fs::rename(&self.dest, &old).map_err(|e| Error::output(&self.dest, OutputTrouble::MoveAside { detail: e.to_string() }))?;
        }
        if let Err(e) = std::fs::rename(&self.path, &self.dest) {
            if had_old {
                let _ = std::fs::rename(&old, &self.dest);
            }
            return Err(Error::output(&self.dest, OutputTrouble::MoveIntoPlace { detail: e.to_string() }));
        }
        self.committed = true;
        if had_old {
            std::fs::remove_dir_all(&old).map_err(|e| Error::output(&old, OutputTrouble::RemoveOld { detail: e.to_string() }))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Below this much free space a failed write is a full disk, whatever the
/// writer said (SQLite through GDAL may say "Query returned no rows").
const FULL_BELOW: u64 = 1 << 20;

/// Texts in which a full disk or quota (ENOSPC, EDQUOT) reaches sise: from
/// the OS through std or GDAL, and from SQLite.
const FULL_SAID: [&str; 5] = ["No space left on device", "os error 28", "Disk quota exceeded", "os error 122", "database or disk is full"];

/// `e`, or — when it is an output error on a file system that is full (by
/// its text, or by the space left) — a disk-full error naming `dest`, the
/// file being written, the space free and about how much the run writes:
/// the outputs `dest` holds now, else another year's of the same cycle,
/// else at least what `staging` holds.
pub fn disk_full(dest: &Path, staging: Option<&Path>, e: Error) -> Error {
    let Error::Output { path, message } = &e else { return e };
    let free = free_bytes(staging.unwrap_or(dest));
    if !(FULL_SAID.iter().any(|s| message.contains(s)) || free.is_some_and(|f| f < FULL_BELOW)) {
        return e;
    }
    let mb = |b: u64| b as f64 / 1e6;
    let written = staging.map(dir_size).unwrap_or(0);
    let other_year = dest
        .parent()
        .and_then(|cycle| std::fs::read_dir(cycle).ok())
        .into_iter()
        .flatten()
        .flatten()
        .filter(|d| d.path() != dest && d.file_name().to_str().is_some_and(|n| n.parse::<i32>().is_ok()) && d.path().join("manifest.json").exists())
        .map(|d| (dir_size(&d.path()), d.file_name().to_string_lossy().into_owned()))
        .max();
    let (needs, basis) = match (dest.exists(), other_year) {
        (true, _) => (dir_size(dest), SizeBasis::Previous),
        (false, Some((size, year))) => (size, SizeBasis::OtherYear(year)),
        (false, None) => (written, SizeBasis::Partial),
    };
    // Named as it will be in `dest`, not by the staging folder's name.
    let file = staging.and_then(|st| path.strip_prefix(st).ok()).filter(|f| !f.as_os_str().is_empty()).map(Path::to_owned);
    let msg = Msg::DiskFull { file, free_mb: free.map(mb), needs_mb: mb(needs.max(written)), basis };
    Error::output(dest, msg)
}

/// The space an unprivileged writer may still use on the file system of
/// `path` (or of its nearest existing ancestor).
fn free_bytes(path: &Path) -> Option<u64> {
    let existing = path.ancestors().find(|p| p.exists())?;
    let s = rustix::fs::statvfs(existing).ok()?;
    Some(s.f_bavail.saturating_mul(s.f_frsize))
}

/// The bytes of every file under `dir`.
fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_size(&e.path()),
            _ => e.metadata().map(|m| m.len()).unwrap_or(0),
        })
        .sum()
}
