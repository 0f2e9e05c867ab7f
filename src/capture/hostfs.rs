//! The only code that reads the host's filesystem. Every call is read-only: `lstat`, `stat`, `realpath`,
//! `readdir`, and reads of regular files opened with `O_NOFOLLOW | O_NONBLOCK` and checked with `fstat` before a
//! byte is read, so a FIFO, socket or device never blocks the capture and a swapped-in symlink is not followed.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::snapshot::FileKind;

pub fn kind_of(meta: &Metadata) -> FileKind {
    let t = meta.file_type();
    if t.is_symlink() {
        FileKind::Symlink
    } else if t.is_dir() {
        FileKind::Dir
    } else if t.is_file() {
        FileKind::File
    } else if t.is_fifo() {
        FileKind::Fifo
    } else if t.is_socket() {
        FileKind::Socket
    } else if t.is_char_device() {
        FileKind::Char
    } else if t.is_block_device() {
        FileKind::Block
    } else {
        FileKind::Unknown
    }
}

pub struct Stat {
    pub kind: FileKind,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
    pub nlink: u64,
}

impl From<&Metadata> for Stat {
    fn from(m: &Metadata) -> Stat {
        Stat {
            kind: kind_of(m),
            mode: m.mode() & 0o7777,
            uid: m.uid(),
            gid: m.gid(),
            size: m.size(),
            nlink: m.nlink(),
        }
    }
}

pub fn lstat(path: &Path) -> io::Result<Stat> {
    fs::symlink_metadata(path).map(|m| Stat::from(&m))
}

/// `stat` following links (metadata only, never content).
pub fn stat(path: &Path) -> io::Result<Stat> {
    fs::metadata(path).map(|m| Stat::from(&m))
}

pub fn read_link(path: &Path) -> io::Result<PathBuf> {
    fs::read_link(path)
}

pub fn realpath(path: &Path) -> io::Result<PathBuf> {
    fs::canonicalize(path)
}

pub fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Directory entries' names (not sorted; the caller sorts).
pub fn read_dir_names(path: &Path) -> io::Result<Vec<std::ffi::OsString>> {
    fs::read_dir(path)?
        .map(|e| e.map(|e| e.file_name()))
        .collect()
}

/// Directory entries' names with each one's `lstat`, taken relative to the open directory (`fstatat(dirfd,
/// name, AT_SYMLINK_NOFOLLOW)`, as `find` does): no path walk from `/` per entry. Not sorted.
pub fn read_dir_lstat(path: &Path) -> io::Result<Vec<(std::ffi::OsString, io::Result<Stat>)>> {
    fs::read_dir(path)?
        .map(|e| {
            e.map(|e| {
                // `DirEntry::metadata` does not follow a symlink (lstat semantics).
                let st = e.metadata().map(|m| Stat::from(&m));
                (e.file_name(), st)
            })
        })
        .collect()
}

#[derive(Debug)]
pub enum ReadError {
    Io(io::Error),
    NotRegular(FileKind),
    TooLarge { size: u64, limit: u64 },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::NotRegular(k) => write!(f, "not a regular file ({})", k.as_str()),
            ReadError::TooLarge { size, limit } => {
                write!(f, "{size} bytes, over the {limit}-byte limit")
            }
        }
    }
}

/// Read a regular file of at most `limit` bytes. With `follow` false a symlink at `path` is refused (`ELOOP`);
/// with it true the link is followed (used for the config file, which OpenClaw itself reads through a link).
pub fn read_regular(path: &Path, limit: u64, follow: bool) -> Result<Vec<u8>, ReadError> {
    let mut flags = libc::O_NONBLOCK | libc::O_CLOEXEC | libc::O_NOCTTY;
    if !follow {
        flags |= libc::O_NOFOLLOW;
    }
    let file: File = OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
        .map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    let kind = kind_of(&meta);
    if kind != FileKind::File {
        return Err(ReadError::NotRegular(kind));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let mut buf = Vec::with_capacity(meta.len() as usize);
    // The file may grow between fstat and read: never read more than the limit.
    file.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(ReadError::Io)?;
    if buf.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: buf.len() as u64,
            limit,
        });
    }
    Ok(buf)
}

/// A path as a snapshot records it. A UTF-8 path is its text. In any other path, every byte that is not part of
/// valid UTF-8 is written as U+FFFD (the replacement character) followed by the byte's two lowercase hex digits:
/// `bad\xff.json` → `bad\u{FFFD}ff.json`. Two distinct names therefore stay distinct and the exact bytes can be
/// read back, where a lossy conversion would merge them. The flag says whether anything was escaped (the capture
/// then records a `path.not_utf8` diagnostic, so escaped paths are marked).
pub fn path_text(path: &Path) -> (std::borrow::Cow<'_, str>, bool) {
    use std::fmt::Write;
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (s.into(), false);
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push('\u{FFFD}');
            let _ = write!(out, "{b:02x}");
        }
    }
    (out.into(), true)
}

pub fn current_uid_gid() -> (u32, u32) {
    // SAFETY: getuid/getgid cannot fail and touch no memory.
    unsafe { (libc::getuid(), libc::getgid()) }
}
