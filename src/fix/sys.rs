//! Host primitives of the fix stage (used by `apply` and `journal` only): no-follow handles, `fchmod`/`fchown`
//! on an opened handle, exclusive temp files, `rename`, directory `fsync`.

use std::ffi::CString;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::capture::hostfs;
use crate::snapshot::FileKind;

/// What `fstat` says about an opened handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Meta {
    pub kind: FileKind,
    /// `st_mode & 0o7777`.
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub dev: u64,
    pub ino: u64,
}

fn meta_of(f: &File) -> io::Result<Meta> {
    let m = f.metadata()?;
    Ok(Meta {
        kind: hostfs::kind_of(&m),
        mode: m.mode() & 0o7777,
        uid: m.uid(),
        gid: m.gid(),
        dev: m.dev(),
        ino: m.ino(),
    })
}

/// An opened path that was not reached through a symlink in its last component.
pub struct Handle {
    file: File,
    /// Opened with `O_PATH` (no read permission): mode changes go through `/proc/self/fd`.
    path_only: bool,
    pub meta: Meta,
}

/// Open `path` without following a symlink at its last component (`ELOOP` if it is one). Devices and FIFOs are
/// opened non-blocking; when the owner cannot read the path, an `O_PATH` handle is used instead.
pub fn open_nofollow(path: &Path) -> io::Result<Handle> {
    let flags = libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC;
    match OpenOptions::new().read(true).custom_flags(flags).open(path) {
        Ok(file) => {
            let meta = meta_of(&file)?;
            Ok(Handle {
                file,
                path_only: false,
                meta,
            })
        }
        Err(e) if e.raw_os_error() == Some(libc::EACCES) => {
            let c = CString::new(path.as_os_str().as_bytes())
                .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
            // SAFETY: a valid NUL-terminated path; the returned fd is owned by the File below.
            let fd = unsafe {
                libc::open(
                    c.as_ptr(),
                    libc::O_PATH | libc::O_NOFOLLOW | libc::O_CLOEXEC,
                )
            };
            if fd < 0 {
                return Err(io::Error::last_os_error());
            }
            // SAFETY: fd was just opened and is not owned elsewhere.
            let file = unsafe { <File as std::os::fd::FromRawFd>::from_raw_fd(fd) };
            let meta = meta_of(&file)?;
            Ok(Handle {
                file,
                path_only: true,
                meta,
            })
        }
        Err(e) => Err(e),
    }
}

impl Handle {
    /// Set the permission bits of exactly the inode this handle holds.
    pub fn chmod(&self, mode: u32) -> io::Result<()> {
        if self.path_only {
            // fchmod does not take O_PATH handles; the /proc link names the same inode, never a new path.
            let p = CString::new(format!("/proc/self/fd/{}", self.file.as_raw_fd()))
                .expect("no NUL in a proc path");
            // SAFETY: valid NUL-terminated path.
            let r = unsafe { libc::chmod(p.as_ptr(), mode as libc::mode_t) };
            return if r == 0 {
                Ok(())
            } else {
                Err(io::Error::last_os_error())
            };
        }
        // SAFETY: the fd is open for the lifetime of self.
        let r = unsafe { libc::fchmod(self.file.as_raw_fd(), mode as libc::mode_t) };
        if r == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }

    /// Read the whole file (at most `limit` bytes) through the handle.
    pub fn read_all(&mut self, limit: u64) -> io::Result<Vec<u8>> {
        if self.path_only || self.meta.kind != FileKind::File {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a readable regular file",
            ));
        }
        let mut buf = Vec::new();
        (&self.file).take(limit + 1).read_to_end(&mut buf)?;
        if buf.len() as u64 > limit {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("larger than {limit} bytes"),
            ));
        }
        Ok(buf)
    }
}

/// Create a new file exclusively (never through a symlink), mode 600 until set otherwise.
pub fn create_exclusive(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
}

/// Write `bytes` to a new file created exclusively at `tmp`, give it `mode` and owner `uid:gid` (only when
/// they differ from the creator's), and fsync it.
pub fn write_temp(tmp: &Path, bytes: &[u8], mode: u32, uid: u32, gid: u32) -> io::Result<()> {
    let mut f = create_exclusive(tmp)?;
    f.write_all(bytes)?;
    let m = meta_of(&f)?;
    if m.uid != uid || m.gid != gid {
        // SAFETY: fd open for the duration of the call.
        if unsafe { libc::fchown(f.as_raw_fd(), uid, gid) } != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    // After fchown, which may clear setuid/setgid bits.
    // SAFETY: as above.
    if unsafe { libc::fchmod(f.as_raw_fd(), mode as libc::mode_t) } != 0 {
        return Err(io::Error::last_os_error());
    }
    f.sync_all()
}

pub fn rename(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::rename(from, to)
}

/// fsync a directory so a rename or a new entry in it is durable.
pub fn fsync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

pub fn parent(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

/// Create a directory with mode 700, or accept an existing one if it is a real directory (not a symlink) owned by
/// this user; then make sure it is 700.
pub fn mkdir_private(path: &Path) -> io::Result<()> {
    match std::fs::DirBuilder::new().mode(0o700).create(path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    let h = open_nofollow(path)?;
    if h.meta.kind != FileKind::Dir {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} exists and is not a directory", path.display()),
        ));
    }
    let (uid, _) = hostfs::current_uid_gid();
    if h.meta.uid != uid {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} is owned by uid {}, not by this user",
                path.display(),
                h.meta.uid
            ),
        ));
    }
    if h.meta.mode & 0o777 != 0o700 {
        h.chmod(0o700)?;
    }
    Ok(())
}

/// Write a small file of our own atomically (temp + fsync + rename + fsync dir), mode 600.
pub fn write_own_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = parent(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let (uid, gid) = hostfs::current_uid_gid();
    write_temp(&tmp, bytes, 0o600, uid, gid)?;
    rename(&tmp, path)?;
    fsync_dir(&dir)
}

/// Remove a file we created (a leftover temp file), never following a symlink.
pub fn remove_own_temp(path: &Path) -> io::Result<bool> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_file() => {
            std::fs::remove_file(path)?;
            Ok(true)
        }
        Ok(_) => Ok(false),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        // A name too long to create cannot exist (the temp name of a file whose own name is near NAME_MAX): a
        // rollback must not fail on it.
        Err(e) if e.raw_os_error() == Some(libc::ENAMETOOLONG) => Ok(false),
        Err(e) => Err(e),
    }
}

/// An exclusive advisory lock (`flock`) on a directory, held while the returned handle lives: two applies or
/// rollbacks on one state dir never interleave.
pub struct DirLock(#[allow(dead_code)] File);

pub fn lock_dir(dir: &Path) -> io::Result<Option<DirLock>> {
    let f = match OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_CLOEXEC)
        .open(dir)
    {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    // A lock can be held for a moment by a process that is not another clawprint: a thread of this process that
    // forks (to run a program) shares the descriptor with the child until its exec closes it (O_CLOEXEC). So
    // retry for up to a second before saying another fix is running.
    let mut tries = 0;
    loop {
        // SAFETY: the fd is open for the duration of the call.
        if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
            return Ok(Some(DirLock(f)));
        }
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EWOULDBLOCK) || tries == 50 {
            return Err(e);
        }
        tries += 1;
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
