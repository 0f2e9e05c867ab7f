//! Snapshot container: the bytes of a `*.clawsnap` file.
//!
//! A snapshot file is one zstd frame holding one ustar archive with exactly
//! `manifest.json`, optionally `meta.json`, and content blobs
//! `blobs/<64 lowercase hex BLAKE3 of the blob bytes>`.
//!
//! * [`encode`] is byte-for-byte deterministic: the tar layer is written here by
//!   hand (no `tar` crate), every header field has one fixed value, and the
//!   zstd frame is produced single-threaded at [`ZSTD_LEVEL`] with the content
//!   checksum and content size in the frame header.
//! * [`decode`] treats its input as hostile: every size is bounded by
//!   [`Limits`], every violation is a specific [`ArchiveError`], it never
//!   panics, and it accepts only the canonical form `encode` produces (apart
//!   from the zstd level/block choices, which are not checked).
//!
//! The format is specified in `docs/snapshot-container.md`.

use std::collections::BTreeMap;
use std::fmt;

use zstd::zstd_safe::{self, CCtx, CParameter, DCtx, DParameter, InBuffer, OutBuffer};

/// zstd compression level used by [`encode`]. Fixed: changing it changes the
/// snapshot file bytes (never the snapshot id, which is derived from the manifest).
/// Chosen by measurement, see `docs/snapshot-container.md`.
pub const ZSTD_LEVEL: i32 = 3;

/// Name of the manifest entry (required).
pub const MANIFEST_NAME: &str = "manifest.json";
/// Name of the meta entry (optional).
pub const META_NAME: &str = "meta.json";
/// Prefix of blob entries; followed by 64 lowercase hex digits.
pub const BLOB_PREFIX: &str = "blobs/";

const BLOCK: usize = 512;
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];
/// Largest size representable in the 11-digit octal ustar size field.
const TAR_MAX_SIZE: u64 = 0o777_7777_7777;

/// Resource limits for [`decode`]. All checks happen before the corresponding
/// memory is committed. The defaults fit a 200,000-file host with room to spare;
/// the CLI lets a user change any of them with [`LIMITS_ENV`] (see
/// [`Limits::with_overrides`] and `docs/snapshot-container.md`).
///
/// JSON nesting depth is bounded too, but not here: `manifest.json` and
/// `meta.json` are parsed by serde_json, which refuses nesting deeper than 128
/// levels, and config texts by `config::json5` (`DEFAULT_MAX_DEPTH`, 128).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Maximum size of the `.clawsnap` file itself.
    pub max_compressed: u64,
    /// Maximum size of the decompressed tar stream (headers, content, padding).
    pub max_decompressed: u64,
    /// Maximum number of entries in the archive.
    pub max_entries: usize,
    /// Maximum size of any single entry.
    pub max_entry_size: u64,
    /// Maximum size of `manifest.json`.
    pub max_manifest_size: u64,
    /// Largest zstd window (log2 bytes) the decoder will allocate.
    pub window_log_max: u32,
}

impl Default for Limits {
    fn default() -> Self {
        const MIB: u64 = 1024 * 1024;
        Limits {
            max_compressed: 64 * MIB,
            max_decompressed: 512 * MIB,
            max_entries: 250_000,
            max_entry_size: 64 * MIB,
            max_manifest_size: 64 * MIB,
            window_log_max: 27,
        }
    }
}

/// Environment variable the CLI reads limit overrides from, e.g.
/// `CLAWPRINT_LIMITS=max_manifest_size=256MiB,max_decompressed=2GiB`.
pub const LIMITS_ENV: &str = "CLAWPRINT_LIMITS";

/// Range of `window_log_max` that zstd accepts (`ZSTD_WINDOWLOG_ABSOLUTEMIN` ..= `ZSTD_WINDOWLOG_MAX_64`).
pub const WINDOW_LOG_RANGE: std::ops::RangeInclusive<u32> = 10..=31;

impl Limits {
    /// The default limits with `spec`'s overrides applied: comma-separated
    /// `name=value` pairs, names as the fields of [`Limits`], sizes in bytes with an
    /// optional `KiB`, `MiB` or `GiB` suffix (`window_log_max` and `max_entries` are
    /// plain numbers). Whitespace around items is ignored; an empty spec changes
    /// nothing. The error says which item is wrong and why.
    pub fn with_overrides(spec: &str) -> Result<Limits, String> {
        let mut l = Limits::default();
        for item in spec.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (name, value) = item
                .split_once('=')
                .map(|(n, v)| (n.trim(), v.trim()))
                .ok_or_else(|| format!("`{item}`: expected name=value"))?;
            let bad = |why: &str| format!("`{item}`: {why}");
            match name {
                "max_compressed" => l.max_compressed = parse_size(value).map_err(bad)?,
                "max_decompressed" => l.max_decompressed = parse_size(value).map_err(bad)?,
                "max_entry_size" => l.max_entry_size = parse_size(value).map_err(bad)?,
                "max_manifest_size" => l.max_manifest_size = parse_size(value).map_err(bad)?,
                "max_entries" => {
                    l.max_entries = value
                        .parse()
                        .map_err(|_| bad("not a whole number of entries"))?
                }
                "window_log_max" => {
                    let v: u32 = value.parse().map_err(|_| bad("not a whole number"))?;
                    if !WINDOW_LOG_RANGE.contains(&v) {
                        return Err(bad(&format!(
                            "zstd supports {} to {}",
                            WINDOW_LOG_RANGE.start(),
                            WINDOW_LOG_RANGE.end()
                        )));
                    }
                    l.window_log_max = v;
                }
                _ => {
                    return Err(bad(
                        "unknown limit; known are max_compressed, max_decompressed, max_entries, \
                         max_entry_size, max_manifest_size, window_log_max",
                    ))
                }
            }
        }
        Ok(l)
    }
}

/// `123`, `64KiB`, `512MiB`, `2GiB` (also `K`/`M`/`G`, `KB`/`MB`/`GB`: all binary).
fn parse_size(value: &str) -> Result<u64, &'static str> {
    let digits = value.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = value[digits.len()..].to_ascii_lowercase();
    let shift = match unit.as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err("unknown unit; use KiB, MiB or GiB"),
    };
    let n: u64 = digits
        .trim()
        .parse()
        .map_err(|_| "not a size (e.g. 512MiB)")?;
    n.checked_mul(1 << shift).ok_or("too large")
}

/// Archive contents: entry name → entry bytes, in canonical (byte) order.
pub type Entries = BTreeMap<String, Vec<u8>>;

/// The kind of a rejected (non-regular-file) tar entry, from its typeflag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    HardLink,
    Symlink,
    CharDevice,
    BlockDevice,
    Directory,
    Fifo,
    Contiguous,
    PaxHeader,
    PaxGlobalHeader,
    GnuLongName,
    GnuLongLink,
    /// Any other typeflag byte (vendor extensions, garbage).
    Other,
}

impl EntryKind {
    fn from_typeflag(t: u8) -> EntryKind {
        match t {
            b'1' => EntryKind::HardLink,
            b'2' => EntryKind::Symlink,
            b'3' => EntryKind::CharDevice,
            b'4' => EntryKind::BlockDevice,
            b'5' => EntryKind::Directory,
            b'6' => EntryKind::Fifo,
            b'7' => EntryKind::Contiguous,
            b'x' => EntryKind::PaxHeader,
            b'g' => EntryKind::PaxGlobalHeader,
            b'L' => EntryKind::GnuLongName,
            b'K' => EntryKind::GnuLongLink,
            _ => EntryKind::Other,
        }
    }
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EntryKind::HardLink => "hard link",
            EntryKind::Symlink => "symbolic link",
            EntryKind::CharDevice => "character device",
            EntryKind::BlockDevice => "block device",
            EntryKind::Directory => "directory",
            EntryKind::Fifo => "FIFO",
            EntryKind::Contiguous => "contiguous file",
            EntryKind::PaxHeader => "PAX extended header",
            EntryKind::PaxGlobalHeader => "PAX global header",
            EntryKind::GnuLongName => "GNU long-name header",
            EntryKind::GnuLongLink => "GNU long-link header",
            EntryKind::Other => "unknown entry type",
        })
    }
}

/// Everything that can go wrong encoding or decoding a snapshot container.
/// `entry` fields hold the entry name as found (lossy UTF-8) and are printed
/// quoted and escaped.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    // ---- file / zstd layer ----
    #[error("snapshot file is {size} bytes, over the max_compressed limit of {limit} bytes")]
    CompressedTooLarge { size: u64, limit: u64 },
    #[error("snapshot file is empty")]
    Empty,
    #[error(
        "not a zstd-compressed snapshot: starts with {found}, expected zstd magic 28 b5 2f fd"
    )]
    NotZstd { found: String },
    #[error("zstd frame is truncated (file ends before the frame does)")]
    ZstdTruncated,
    #[error("zstd frame is corrupt: {detail}")]
    ZstdCorrupt { detail: &'static str },
    #[error("zstd frame has no content checksum; snapshot frames must carry one")]
    ZstdNoChecksum,
    #[error("zstd frame header does not declare the content size; snapshot frames must")]
    ZstdNoContentSize,
    #[error(
        "zstd frame needs a window larger than the window_log_max limit of 2^{limit_log} bytes"
    )]
    ZstdWindowTooLarge { limit_log: u32 },
    #[error("zstd content checksum mismatch: the decompressed data is corrupt")]
    ZstdChecksumMismatch,
    #[error("{extra} bytes of trailing data after the zstd frame, which ends at byte {frame_len}")]
    TrailingData { frame_len: u64, extra: u64 },
    #[error("decompressed size exceeds the max_decompressed limit of {limit} bytes: {what}")]
    DecompressedTooLarge { limit: u64, what: String },

    // ---- tar layer ----
    #[error("tar header at offset {offset} (entry {entry:?}): header checksum field is {found}, computed {computed:o} (octal)")]
    HeaderChecksum {
        entry: String,
        offset: u64,
        found: String,
        computed: u32,
    },
    #[error("tar header at offset {offset} (entry {entry:?}): not a ustar header (magic+version is {found}, expected \"ustar\\0\" \"00\")")]
    NotUstar {
        entry: String,
        offset: u64,
        found: String,
    },
    #[error(
        "entry {entry:?}: {kind} (typeflag {typeflag:#04x}) is not allowed; only regular files"
    )]
    UnsupportedEntryType {
        entry: String,
        kind: EntryKind,
        typeflag: u8,
    },
    #[error("entry {entry:?}: invalid name: {reason}")]
    InvalidName { entry: String, reason: &'static str },
    #[error("entry {entry:?}: unknown name; allowed are \"manifest.json\", \"meta.json\" and \"blobs/\" + 64 lowercase hex digits")]
    UnknownName { entry: String },
    #[error("entry {entry:?} appears more than once")]
    DuplicateEntry { entry: String },
    #[error("entry {entry:?} is out of order: it follows {previous:?}; entries must be sorted by name (byte order)")]
    UnsortedEntry { entry: String, previous: String },
    #[error("entry {entry:?}: archive has more than {limit} entries (max_entries)")]
    TooManyEntries { entry: String, limit: usize },
    #[error(
        "entry {entry:?}: size {size} bytes exceeds the max_entry_size limit of {limit} bytes"
    )]
    EntryTooLarge {
        entry: String,
        size: u64,
        limit: u64,
    },
    #[error("entry \"manifest.json\": size {size} bytes exceeds the max_manifest_size limit of {limit} bytes")]
    ManifestTooLarge { size: u64, limit: u64 },
    #[error("entry {entry:?}: invalid size field {found}: {reason}")]
    InvalidSizeField {
        entry: String,
        found: String,
        reason: &'static str,
    },
    #[error("entry {entry:?}: header field `{field}` is not canonical (found {found})")]
    NonCanonicalHeader {
        entry: String,
        field: &'static str,
        found: String,
    },
    #[error("entry {entry:?}: content truncated: header says {size} bytes (+ padding to 512), the tar stream ends after {available}")]
    TruncatedEntry {
        entry: String,
        size: u64,
        available: u64,
    },
    #[error("entry {entry:?}: padding after the content is not zero")]
    NonZeroPadding { entry: String },
    #[error("tar stream ends inside a header block at offset {offset}")]
    TruncatedHeader { offset: u64 },
    #[error(
        "tar stream ends at offset {offset} without the end-of-archive marker (two zero blocks)"
    )]
    MissingEndOfArchive { offset: u64 },
    #[error(
        "tar stream: the zero block at offset {offset} is not followed by a second zero block"
    )]
    IncompleteEndOfArchive { offset: u64 },
    #[error("tar stream: data after the end-of-archive marker, at offset {offset}")]
    DataAfterEndOfArchive { offset: u64 },

    // ---- content layer ----
    #[error("archive has no \"manifest.json\" entry")]
    MissingManifest,
    #[error("blob {entry}: content hash is {actual}")]
    BlobHashMismatch { entry: String, actual: String },

    // ---- encoder ----
    #[error("zstd compression failed: {detail}")]
    Compress { detail: &'static str },

    // ---- caller ----
    #[error("invalid limits: window_log_max {value} is outside zstd's supported range")]
    InvalidWindowLogMax { value: u32 },
}

impl ArchiveError {
    /// The [`Limits`] field this error enforces, for errors that are a limit being hit (a file that may be fine
    /// but is larger than the reader allows), `None` for every other error.
    pub fn limit_name(&self) -> Option<&'static str> {
        Some(match self {
            ArchiveError::CompressedTooLarge { .. } => "max_compressed",
            ArchiveError::DecompressedTooLarge { .. } => "max_decompressed",
            ArchiveError::TooManyEntries { .. } => "max_entries",
            ArchiveError::EntryTooLarge { .. } => "max_entry_size",
            ArchiveError::ManifestTooLarge { .. } => "max_manifest_size",
            ArchiveError::ZstdWindowTooLarge { .. } => "window_log_max",
            _ => return None,
        })
    }

    /// Errors that come from the zstd layer (as opposed to the tar/content layer).
    fn is_zstd_layer(&self) -> bool {
        matches!(
            self,
            ArchiveError::ZstdTruncated
                | ArchiveError::ZstdCorrupt { .. }
                | ArchiveError::ZstdWindowTooLarge { .. }
                | ArchiveError::ZstdChecksumMismatch
                | ArchiveError::DecompressedTooLarge { .. }
        )
    }
}

/// `"blobs/"` + lowercase hex BLAKE3 of `bytes`: the only valid name for a blob.
pub fn blob_name(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(BLOB_PREFIX.len() + 64);
    s.push_str(BLOB_PREFIX);
    s.push_str(blake3::hash(bytes).to_hex().as_str());
    s
}

// ---------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum NameKind {
    Manifest,
    Meta,
    Blob,
}

/// Validates an entry name (shared by encode and decode).
fn check_name(name: &[u8]) -> Result<NameKind, ArchiveError> {
    let bad = |reason: &'static str| ArchiveError::InvalidName {
        entry: String::from_utf8_lossy(name).into_owned(),
        reason,
    };
    if name.is_empty() {
        return Err(bad("empty name"));
    }
    if name.contains(&0) {
        return Err(bad("contains a NUL byte"));
    }
    let Ok(s) = std::str::from_utf8(name) else {
        return Err(bad("not valid UTF-8"));
    };
    if s.starts_with('/') {
        return Err(bad("absolute path"));
    }
    if s.contains('\\') {
        return Err(bad("contains a backslash"));
    }
    for component in s.split('/') {
        match component {
            ".." => return Err(bad("contains a `..` component")),
            "." => return Err(bad("contains a `.` component (e.g. `./`)")),
            "" => return Err(bad("contains an empty component (`//` or trailing `/`)")),
            _ => {}
        }
    }
    if s == MANIFEST_NAME {
        return Ok(NameKind::Manifest);
    }
    if s == META_NAME {
        return Ok(NameKind::Meta);
    }
    if let Some(hex) = s.strip_prefix(BLOB_PREFIX) {
        if hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Ok(NameKind::Blob);
        }
    }
    Err(ArchiveError::UnknownName {
        entry: s.to_owned(),
    })
}

fn check_blob_hash(name: &str, bytes: &[u8]) -> Result<(), ArchiveError> {
    let actual = blake3::hash(bytes).to_hex();
    if &name[BLOB_PREFIX.len()..] != actual.as_str() {
        return Err(ArchiveError::BlobHashMismatch {
            entry: name.to_owned(),
            actual: actual.as_str().to_owned(),
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Tar layer (ustar, written and parsed by hand)
// ---------------------------------------------------------------------------

// Header field ranges (POSIX ustar).
const F_NAME: std::ops::Range<usize> = 0..100;
const F_MODE: std::ops::Range<usize> = 100..108;
const F_UID: std::ops::Range<usize> = 108..116;
const F_GID: std::ops::Range<usize> = 116..124;
const F_SIZE: std::ops::Range<usize> = 124..136;
const F_MTIME: std::ops::Range<usize> = 136..148;
const F_CHKSUM: std::ops::Range<usize> = 148..156;
const F_TYPEFLAG: usize = 156;
const F_LINKNAME: std::ops::Range<usize> = 157..257;
const F_MAGIC: std::ops::Range<usize> = 257..263;
const F_VERSION: std::ops::Range<usize> = 263..265;
const F_UNAME: std::ops::Range<usize> = 265..297;
const F_GNAME: std::ops::Range<usize> = 297..329;
const F_DEVMAJOR: std::ops::Range<usize> = 329..337;
const F_DEVMINOR: std::ops::Range<usize> = 337..345;
const F_PREFIX: std::ops::Range<usize> = 345..500;
const F_PAD: std::ops::Range<usize> = 500..512;

const MODE: &[u8; 8] = b"0000644\0";
const ZERO_ID: &[u8; 8] = b"0000000\0";
const MTIME: &[u8; 12] = b"00000000000\0";

/// Writes `value` as zero-padded octal of `field.len() - 1` digits plus a NUL.
fn put_octal(field: &mut [u8], value: u64) {
    let digits = field.len() - 1;
    let mut v = value;
    for i in (0..digits).rev() {
        field[i] = b'0' + (v & 7) as u8;
        v >>= 3;
    }
    field[digits] = 0;
}

/// Header checksum: unsigned sum of all bytes, the checksum field counted as spaces.
fn header_checksum(h: &[u8; BLOCK]) -> u32 {
    h.iter()
        .enumerate()
        .map(|(i, &b)| {
            if F_CHKSUM.contains(&i) {
                u32::from(b' ')
            } else {
                u32::from(b)
            }
        })
        .sum()
}

/// The canonical header for a regular file `name` (≤ 100 bytes) of `size` bytes.
fn canonical_header(name: &[u8], size: u64) -> [u8; BLOCK] {
    debug_assert!(name.len() <= F_NAME.len() && size <= TAR_MAX_SIZE);
    let mut h = [0u8; BLOCK];
    h[..name.len()].copy_from_slice(name);
    h[F_MODE].copy_from_slice(MODE);
    h[F_UID].copy_from_slice(ZERO_ID);
    h[F_GID].copy_from_slice(ZERO_ID);
    put_octal(&mut h[F_SIZE], size);
    h[F_MTIME].copy_from_slice(MTIME);
    h[F_TYPEFLAG] = b'0';
    h[F_MAGIC].copy_from_slice(b"ustar\0");
    h[F_VERSION].copy_from_slice(b"00");
    // linkname, uname, gname, devmajor, devminor, prefix, pad: all NUL.
    let sum = header_checksum(&h);
    put_octal(&mut h[148..155], u64::from(sum)); // 6 digits + NUL
    h[155] = b' ';
    h
}

fn padding(size: u64) -> usize {
    ((BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64) as usize
}

/// The tar stream for already-validated entries.
fn write_tar(entries: &Entries) -> Vec<u8> {
    let total: u64 = entries
        .values()
        .map(|v| BLOCK as u64 + v.len() as u64 + padding(v.len() as u64) as u64)
        .sum::<u64>()
        + 2 * BLOCK as u64;
    let mut out = Vec::with_capacity(total as usize);
    for (name, bytes) in entries {
        out.extend_from_slice(&canonical_header(name.as_bytes(), bytes.len() as u64));
        out.extend_from_slice(bytes);
        out.resize(out.len() + padding(bytes.len() as u64), 0);
    }
    out.resize(out.len() + 2 * BLOCK, 0);
    debug_assert_eq!(out.len() as u64, total);
    out
}

/// Human-readable rendering of raw header bytes for error messages.
fn show(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

/// Parses an octal numeric field: optional leading spaces, ≥1 octal digit,
/// then only NUL/space terminators (at least one). Base-256 is rejected.
fn parse_octal(field: &[u8]) -> Result<u64, &'static str> {
    if field.first().is_some_and(|b| b & 0x80 != 0) {
        return Err("base-256 (binary) encoding is not allowed");
    }
    let start = field.iter().position(|&b| b != b' ').unwrap_or(field.len());
    let digits_end = field[start..]
        .iter()
        .position(|b| !(b'0'..=b'7').contains(b))
        .map_or(field.len(), |p| start + p);
    if digits_end == start {
        return Err("no octal digits");
    }
    if digits_end == field.len() {
        return Err("not terminated by NUL or space");
    }
    if !field[digits_end..].iter().all(|&b| b == 0 || b == b' ') {
        return Err("not an octal number");
    }
    let mut v: u64 = 0;
    for &b in &field[start..digits_end] {
        v = v.checked_mul(8).ok_or("value overflows")? + u64::from(b - b'0');
    }
    Ok(v)
}

// ---------------------------------------------------------------------------
// Encode
// ---------------------------------------------------------------------------

/// Encodes `entries` into a `.clawsnap` byte string. Deterministic: the same
/// entries always give the same bytes (for the zstd version pinned in Cargo.lock).
///
/// Rejects everything [`decode`] would reject regardless of [`Limits`]:
/// invalid or unknown names, a missing `manifest.json`, blobs whose name is not
/// the BLAKE3 of their bytes, entries too large for the ustar size field.
/// (Whether the result fits a given `Limits` is the decoder's business.)
pub fn encode(entries: &Entries) -> Result<Vec<u8>, ArchiveError> {
    check_entries(entries)?;
    let tar = write_tar(entries);
    compress(&tar)
}

/// [`encode`], freeing the entries once the tar stream is written (before compression), so a big manifest is
/// not held twice while zstd runs.
pub fn encode_owned(entries: Entries) -> Result<Vec<u8>, ArchiveError> {
    check_entries(&entries)?;
    let tar = write_tar(&entries);
    drop(entries);
    compress(&tar)
}

fn check_entries(entries: &Entries) -> Result<(), ArchiveError> {
    if !entries.contains_key(MANIFEST_NAME) {
        return Err(ArchiveError::MissingManifest);
    }
    for (name, bytes) in entries {
        let kind = check_name(name.as_bytes())?;
        if bytes.len() as u64 > TAR_MAX_SIZE {
            return Err(ArchiveError::EntryTooLarge {
                entry: name.clone(),
                size: bytes.len() as u64,
                limit: TAR_MAX_SIZE,
            });
        }
        if kind == NameKind::Blob {
            check_blob_hash(name, bytes)?;
        }
    }
    Ok(())
}

fn compress(src: &[u8]) -> Result<Vec<u8>, ArchiveError> {
    let err = |code| ArchiveError::Compress {
        detail: zstd_safe::get_error_name(code),
    };
    let mut cctx = CCtx::create();
    cctx.set_parameter(CParameter::CompressionLevel(ZSTD_LEVEL))
        .map_err(err)?;
    cctx.set_parameter(CParameter::ChecksumFlag(true))
        .map_err(err)?;
    cctx.set_parameter(CParameter::ContentSizeFlag(true))
        .map_err(err)?;
    cctx.set_parameter(CParameter::DictIdFlag(false))
        .map_err(err)?;
    cctx.set_parameter(CParameter::NbWorkers(0)).map_err(err)?;
    let mut out = Vec::with_capacity(zstd_safe::compress_bound(src.len()));
    // One-shot ZSTD_compress2: the source size is known, so it is written into
    // the frame header; output depends only on (zstd version, parameters, src).
    cctx.compress2(&mut out, src).map_err(err)?;
    Ok(out)
}

// ---------------------------------------------------------------------------
// Decode
// ---------------------------------------------------------------------------

/// Decodes a `.clawsnap` byte string, enforcing `limits` and the canonical form.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Entries, ArchiveError> {
    let frame = check_frame(bytes, limits)?;
    let mut reader = FrameReader::new(frame, limits)?;
    match parse_tar(&mut reader, limits) {
        Ok(entries) => Ok(entries),
        // A tar/content error may be the symptom of a corrupted frame whose
        // checksum zstd only verifies at the end: report the root cause.
        Err(e) if !e.is_zstd_layer() => match reader.drain() {
            Err(z)
                if matches!(
                    z,
                    ArchiveError::ZstdChecksumMismatch | ArchiveError::ZstdCorrupt { .. }
                ) =>
            {
                Err(z)
            }
            _ => Err(e),
        },
        Err(e) => Err(e),
    }
}

/// File-level checks that need no decompression. Returns the frame bytes.
fn check_frame<'a>(bytes: &'a [u8], limits: &Limits) -> Result<&'a [u8], ArchiveError> {
    if bytes.len() as u64 > limits.max_compressed {
        return Err(ArchiveError::CompressedTooLarge {
            size: bytes.len() as u64,
            limit: limits.max_compressed,
        });
    }
    if bytes.is_empty() {
        return Err(ArchiveError::Empty);
    }
    let head = &bytes[..bytes.len().min(4)];
    if head != &ZSTD_MAGIC[..head.len()] {
        return Err(ArchiveError::NotZstd {
            found: head
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" "),
        });
    }
    if bytes.len() < 4 {
        return Err(ArchiveError::ZstdTruncated);
    }
    // Walks the block headers without decompressing.
    let frame_len = match zstd_safe::find_frame_compressed_size(bytes) {
        Ok(n) => n,
        Err(code) => return Err(map_zstd_error(code, limits.window_log_max)),
    };
    if frame_len < bytes.len() {
        return Err(ArchiveError::TrailingData {
            frame_len: frame_len as u64,
            extra: (bytes.len() - frame_len) as u64,
        });
    }
    let frame = &bytes[..frame_len];
    match zstd_safe::get_frame_content_size(frame) {
        Ok(Some(n)) if n > limits.max_decompressed => {
            return Err(ArchiveError::DecompressedTooLarge {
                limit: limits.max_decompressed,
                what: format!("zstd frame header declares {n} bytes"),
            })
        }
        Ok(Some(_)) => {}
        Ok(None) => return Err(ArchiveError::ZstdNoContentSize),
        Err(_) => {
            return Err(ArchiveError::ZstdCorrupt {
                detail: "invalid frame header",
            })
        }
    }
    // Frame_Header_Descriptor (RFC 8878 §3.1.1.1.1): bit 2 = Content_Checksum_flag.
    if frame[4] & 0b100 == 0 {
        return Err(ArchiveError::ZstdNoChecksum);
    }
    Ok(frame)
}

fn map_zstd_error(code: usize, window_log_max: u32) -> ArchiveError {
    match zstd_safe::get_error_name(code) {
        "Restored data doesn't match checksum" => ArchiveError::ZstdChecksumMismatch,
        "Src size is incorrect" => ArchiveError::ZstdTruncated,
        // Only the window limit can trigger this (we set no other memory limit).
        "Frame requires too much memory for decoding" => ArchiveError::ZstdWindowTooLarge {
            limit_log: window_log_max,
        },
        other => ArchiveError::ZstdCorrupt { detail: other },
    }
}

/// Streaming single-frame decompressor that never yields more than
/// `max_decompressed + 1` bytes in total (the extra byte proves the excess).
struct FrameReader<'a> {
    dctx: DCtx<'static>,
    src: &'a [u8],
    pos: usize,
    finished: bool,
    produced: u64,
    limit: u64,
    window_log_max: u32,
}

impl<'a> FrameReader<'a> {
    fn new(src: &'a [u8], limits: &Limits) -> Result<Self, ArchiveError> {
        let mut dctx = DCtx::create();
        dctx.set_parameter(DParameter::WindowLogMax(limits.window_log_max))
            .map_err(|_| ArchiveError::InvalidWindowLogMax {
                value: limits.window_log_max,
            })?;
        Ok(FrameReader {
            dctx,
            src,
            pos: 0,
            finished: false,
            produced: 0,
            limit: limits.max_decompressed,
            window_log_max: limits.window_log_max,
        })
    }

    fn too_large(&self) -> ArchiveError {
        ArchiveError::DecompressedTooLarge {
            limit: self.limit,
            what: "the zstd stream produced more".to_owned(),
        }
    }

    /// Decompressed bytes delivered so far (= current tar offset).
    fn offset(&self) -> u64 {
        self.produced
    }

    /// Reads up to `buf.len()` bytes; `Ok(0)` only at the (verified) end of the frame.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ArchiveError> {
        if buf.is_empty() || self.finished {
            return Ok(0);
        }
        if self.produced > self.limit {
            return Err(self.too_large());
        }
        // Never produce more than limit + 1 bytes in total.
        let allowed = self.limit.saturating_add(1) - self.produced;
        let n = (buf.len() as u64).min(allowed) as usize;
        let buf = &mut buf[..n];
        loop {
            let mut input = InBuffer::around(&self.src[self.pos..]);
            let mut output = OutBuffer::around(&mut *buf);
            let res = self.dctx.decompress_stream(&mut output, &mut input);
            let (consumed, written) = (input.pos(), output.pos());
            self.pos += consumed;
            let hint = res.map_err(|code| map_zstd_error(code, self.window_log_max))?;
            if hint == 0 {
                self.finished = true;
            }
            if written > 0 {
                self.produced += written as u64;
                if self.produced > self.limit {
                    return Err(self.too_large());
                }
                return Ok(written);
            }
            if self.finished {
                return Ok(0);
            }
            if consumed == 0 {
                // No progress with output space available: out of input.
                return Err(if self.pos >= self.src.len() {
                    ArchiveError::ZstdTruncated
                } else {
                    ArchiveError::ZstdCorrupt {
                        detail: "decoder made no progress",
                    }
                });
            }
        }
    }

    /// Fills `buf` as far as possible; returns the number of bytes read
    /// (less than `buf.len()` only at the end of the frame).
    fn fill(&mut self, buf: &mut [u8]) -> Result<usize, ArchiveError> {
        let mut done = 0;
        while done < buf.len() {
            let n = self.read(&mut buf[done..])?;
            if n == 0 {
                break;
            }
            done += n;
        }
        Ok(done)
    }

    /// Decompresses the rest of the frame (bounded by the limit) to surface a
    /// checksum/corruption error. Used only on error paths.
    fn drain(&mut self) -> Result<(), ArchiveError> {
        let mut scratch = [0u8; 16 * 1024];
        while self.read(&mut scratch)? > 0 {}
        Ok(())
    }
}

/// Strict parser for the canonical tar stream.
fn parse_tar(r: &mut FrameReader<'_>, limits: &Limits) -> Result<Entries, ArchiveError> {
    let mut entries = Entries::new();
    let mut previous: Option<String> = None;
    let mut block = [0u8; BLOCK];
    loop {
        let offset = r.offset();
        let got = r.fill(&mut block)?;
        if got == 0 {
            return Err(ArchiveError::MissingEndOfArchive { offset });
        }
        if got < BLOCK {
            return Err(ArchiveError::TruncatedHeader { offset });
        }
        if block.iter().all(|&b| b == 0) {
            // End-of-archive: exactly one more zero block, then nothing.
            let second = r.offset();
            let got = r.fill(&mut block)?;
            if got < BLOCK {
                return Err(ArchiveError::MissingEndOfArchive { offset: second });
            }
            if block.iter().any(|&b| b != 0) {
                return Err(ArchiveError::IncompleteEndOfArchive { offset });
            }
            let end = r.offset();
            if r.read(&mut block[..1])? != 0 {
                return Err(ArchiveError::DataAfterEndOfArchive { offset: end });
            }
            break;
        }
        let (name, size) = parse_header(
            &block,
            offset,
            entries.len(),
            &entries,
            previous.as_deref(),
            limits,
        )?;

        // Total budget: content + padding must fit max_decompressed.
        let padded = size + padding(size) as u64;
        if r.offset() + padded > limits.max_decompressed {
            return Err(ArchiveError::DecompressedTooLarge {
                limit: limits.max_decompressed,
                what: format!("entry {name:?} of {size} bytes does not fit"),
            });
        }
        // `size` ≤ max_entry_size and ≤ max_decompressed: bounded allocation.
        let mut content = vec![0u8; size as usize];
        let got = r.fill(&mut content)?;
        if got < content.len() {
            return Err(ArchiveError::TruncatedEntry {
                entry: name,
                size,
                available: got as u64,
            });
        }
        let pad = padding(size);
        let got = r.fill(&mut block[..pad])?;
        if got < pad {
            return Err(ArchiveError::TruncatedEntry {
                entry: name,
                size,
                available: size + got as u64,
            });
        }
        if block[..pad].iter().any(|&b| b != 0) {
            return Err(ArchiveError::NonZeroPadding { entry: name });
        }
        if name.starts_with(BLOB_PREFIX) {
            check_blob_hash(&name, &content)?;
        }
        previous = Some(name.clone());
        entries.insert(name, content);
    }
    if !entries.contains_key(MANIFEST_NAME) {
        return Err(ArchiveError::MissingManifest);
    }
    Ok(entries)
}

/// Validates one (non-zero) header block; returns the entry name and size.
fn parse_header(
    h: &[u8; BLOCK],
    offset: u64,
    count: usize,
    entries: &Entries,
    previous: Option<&str>,
    limits: &Limits,
) -> Result<(String, u64), ArchiveError> {
    let name_field = &h[F_NAME];
    let name_len = name_field
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(name_field.len());
    let raw_name = &name_field[..name_len];
    let entry = String::from_utf8_lossy(raw_name).into_owned();

    // 1. Header integrity.
    let computed = header_checksum(h);
    match parse_octal(&h[F_CHKSUM]) {
        Ok(stored) if stored == u64::from(computed) => {}
        _ => {
            return Err(ArchiveError::HeaderChecksum {
                entry,
                offset,
                found: show(&h[F_CHKSUM]),
                computed,
            })
        }
    }
    if &h[F_MAGIC] != b"ustar\0" || &h[F_VERSION] != b"00" {
        return Err(ArchiveError::NotUstar {
            entry,
            offset,
            found: show(&h[F_MAGIC.start..F_VERSION.end]),
        });
    }
    // 2. Entry count.
    if count >= limits.max_entries {
        return Err(ArchiveError::TooManyEntries {
            entry,
            limit: limits.max_entries,
        });
    }
    // 3. Type: regular files only.
    let typeflag = h[F_TYPEFLAG];
    if typeflag != b'0' && typeflag != 0 {
        return Err(ArchiveError::UnsupportedEntryType {
            entry,
            kind: EntryKind::from_typeflag(typeflag),
            typeflag,
        });
    }
    // 4. Name.
    if name_field[name_len..].iter().any(|&b| b != 0) {
        return Err(ArchiveError::InvalidName {
            entry,
            reason: "contains a NUL byte",
        });
    }
    if h[F_PREFIX].iter().any(|&b| b != 0) {
        let mut full = String::from_utf8_lossy(&h[F_PREFIX])
            .trim_end_matches('\0')
            .to_owned();
        full.push('/');
        full.push_str(&entry);
        return Err(ArchiveError::InvalidName {
            entry: full,
            reason: "uses the ustar prefix field",
        });
    }
    let kind = check_name(raw_name)?;
    if entries.contains_key(&entry) {
        return Err(ArchiveError::DuplicateEntry { entry });
    }
    if let Some(prev) = previous {
        if entry.as_str() < prev {
            return Err(ArchiveError::UnsortedEntry {
                entry,
                previous: prev.to_owned(),
            });
        }
    }
    // 5. Size, checked before any content is read.
    let size = parse_octal(&h[F_SIZE]).map_err(|reason| ArchiveError::InvalidSizeField {
        entry: entry.clone(),
        found: show(&h[F_SIZE]),
        reason,
    })?;
    if kind == NameKind::Manifest && size > limits.max_manifest_size {
        return Err(ArchiveError::ManifestTooLarge {
            size,
            limit: limits.max_manifest_size,
        });
    }
    if size > limits.max_entry_size {
        return Err(ArchiveError::EntryTooLarge {
            entry,
            size,
            limit: limits.max_entry_size,
        });
    }
    // 6. Every other byte must be exactly what `encode` writes.
    if size <= TAR_MAX_SIZE {
        let mut canon = canonical_header(raw_name, size);
        if typeflag == 0 {
            // Old-style regular file; accepted, everything else stays canonical.
            canon[F_TYPEFLAG] = 0;
            let sum = header_checksum(&canon);
            put_octal(&mut canon[148..155], u64::from(sum));
        }
        const FIELDS: [(&str, std::ops::Range<usize>); 13] = [
            ("mode", F_MODE),
            ("uid", F_UID),
            ("gid", F_GID),
            ("size", F_SIZE),
            ("mtime", F_MTIME),
            ("typeflag", F_TYPEFLAG..F_TYPEFLAG + 1),
            ("linkname", F_LINKNAME),
            ("uname", F_UNAME),
            ("gname", F_GNAME),
            ("devmajor", F_DEVMAJOR),
            ("devminor", F_DEVMINOR),
            ("prefix", F_PREFIX),
            ("pad", F_PAD),
        ];
        for (field, range) in FIELDS {
            if h[range.clone()] != canon[range.clone()] {
                return Err(ArchiveError::NonCanonicalHeader {
                    entry,
                    field,
                    found: show(&h[range]),
                });
            }
        }
        // The checksum value was verified above; its format must be canonical too.
        let mut chk = [0u8; 8];
        put_octal(&mut chk[..7], u64::from(computed));
        chk[7] = b' ';
        if h[F_CHKSUM] != chk {
            return Err(ArchiveError::NonCanonicalHeader {
                entry,
                field: "chksum",
                found: show(&h[F_CHKSUM]),
            });
        }
    } else {
        return Err(ArchiveError::InvalidSizeField {
            entry,
            found: show(&h[F_SIZE]),
            reason: "larger than the 11-digit octal field allows",
        });
    }
    Ok((entry, size))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // ---- helpers -----------------------------------------------------------

    fn lim() -> Limits {
        Limits::default()
    }

    fn dec(bytes: &[u8]) -> Result<Entries, ArchiveError> {
        decode(bytes, &lim())
    }

    /// Deterministic pseudo-random (incompressible) bytes.
    fn noise(len: usize, seed: u64) -> Vec<u8> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    }

    fn with_blobs(manifest: &[u8], meta: Option<&[u8]>, blobs: &[Vec<u8>]) -> Entries {
        let mut e = Entries::new();
        e.insert(MANIFEST_NAME.into(), manifest.to_vec());
        if let Some(m) = meta {
            e.insert(META_NAME.into(), m.to_vec());
        }
        for b in blobs {
            e.insert(blob_name(b), b.clone());
        }
        e
    }

    fn sample() -> Entries {
        with_blobs(
            br#"{"format":1,"files":[{"path":"/home/u/.openclaw/openclaw.json","blob":"x"}]}"#,
            Some(br#"{"tool":"clawprint 0.1.0","label":"test","time":"2025-01-01T00:00:00Z"}"#),
            &[b"hello world\n".to_vec(), Vec::new(), noise(1500, 7)],
        )
    }

    /// A header that is canonical except for whatever the test changes next.
    fn hdr(name: &[u8], size: u64) -> [u8; BLOCK] {
        let mut h = [0u8; BLOCK];
        h[..name.len()].copy_from_slice(name);
        let c = canonical_header(b"x", size);
        h[F_NAME.end..].copy_from_slice(&c[F_NAME.end..]);
        fix(&mut h);
        h
    }

    fn fix(h: &mut [u8; BLOCK]) {
        let sum = header_checksum(h);
        put_octal(&mut h[148..155], u64::from(sum));
        h[155] = b' ';
    }

    fn with_type(name: &[u8], typeflag: u8) -> [u8; BLOCK] {
        let mut h = hdr(name, 0);
        h[F_TYPEFLAG] = typeflag;
        fix(&mut h);
        h
    }

    /// Test-only tar builder: (header, content) pairs, content padded, then
    /// the end-of-archive marker.
    fn tar(parts: &[([u8; BLOCK], &[u8])]) -> Vec<u8> {
        let mut t = tar_no_end(parts);
        t.extend_from_slice(&[0u8; 2 * BLOCK]);
        t
    }

    fn tar_no_end(parts: &[([u8; BLOCK], &[u8])]) -> Vec<u8> {
        let mut t = Vec::new();
        for (h, c) in parts {
            t.extend_from_slice(h);
            t.extend_from_slice(c);
            t.resize(t.len() + padding(c.len() as u64), 0);
        }
        t
    }

    const MANIFEST: &[u8] = b"{}";

    fn manifest_part() -> ([u8; BLOCK], &'static [u8]) {
        (hdr(b"manifest.json", MANIFEST.len() as u64), MANIFEST)
    }

    /// Compress a (possibly malformed) tar into a valid snapshot frame.
    fn z(t: &[u8]) -> Vec<u8> {
        compress(t).unwrap()
    }

    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }

    /// A hand-made zstd frame of RLE blocks (128 KiB each) of byte `b`.
    fn rle_frame(blocks: usize, b: u8, fcs: Option<u64>, checksum: bool) -> Vec<u8> {
        let mut f = ZSTD_MAGIC.to_vec();
        let fcs_flag: u8 = if fcs.is_some() { 0b11 << 6 } else { 0 };
        f.push(fcs_flag | if checksum { 0b100 } else { 0 });
        f.push(7 << 3); // window descriptor: 2^(10+7) = 128 KiB
        if let Some(n) = fcs {
            f.extend_from_slice(&n.to_le_bytes());
        }
        for i in 0..blocks {
            let last = u32::from(i + 1 == blocks);
            let bh = last | (1 << 1) | ((128 * 1024) << 3); // RLE block
            f.extend_from_slice(&bh.to_le_bytes()[..3]);
            f.push(b);
        }
        if checksum {
            f.extend_from_slice(&[0, 0, 0, 0]);
        }
        f
    }

    // ---- round trip, determinism, golden -----------------------------------

    #[test]
    fn round_trip() {
        let e = sample();
        assert_eq!(dec(&encode(&e).unwrap()).unwrap(), e);
        let only_manifest = with_blobs(b"", None, &[]);
        assert_eq!(
            dec(&encode(&only_manifest).unwrap()).unwrap(),
            only_manifest
        );
    }

    #[test]
    fn encode_is_deterministic() {
        let e = sample();
        let a = encode(&e).unwrap();
        let b = encode(&e.clone()).unwrap();
        assert_eq!(a, b);
        assert_eq!(encode(&dec(&a).unwrap()).unwrap(), a);
    }

    #[test]
    fn golden_header() {
        let h = canonical_header(b"manifest.json", 5);
        let mut expected = Vec::new();
        expected.extend_from_slice(b"manifest.json");
        expected.resize(100, 0);
        expected.extend_from_slice(b"0000644\0"); // mode
        expected.extend_from_slice(b"0000000\0"); // uid
        expected.extend_from_slice(b"0000000\0"); // gid
        expected.extend_from_slice(b"00000000005\0"); // size
        expected.extend_from_slice(b"00000000000\0"); // mtime
        expected.extend_from_slice(b"010441\0 "); // chksum
        expected.push(b'0'); // typeflag
        expected.resize(257, 0); // linkname
        expected.extend_from_slice(b"ustar\0");
        expected.extend_from_slice(b"00");
        expected.resize(512, 0); // uname, gname, devmajor, devminor, prefix, pad
        assert_eq!(&h[..], &expected[..]);
        // Independent checksum computation.
        let sum: u32 = expected
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                if (148..156).contains(&i) {
                    32
                } else {
                    u32::from(b)
                }
            })
            .sum();
        assert_eq!(format!("{sum:06o}\0 ").as_bytes(), &h[148..156]);
    }

    #[test]
    fn golden_tar_layer() {
        let mut e = Entries::new();
        e.insert(MANIFEST_NAME.into(), b"hello".to_vec());
        let t = write_tar(&e);
        assert_eq!(t.len(), 512 + 512 + 1024);
        assert_eq!(&t[..512], &canonical_header(b"manifest.json", 5)[..]);
        assert_eq!(&t[512..517], b"hello");
        assert!(t[517..].iter().all(|&b| b == 0));
        // Layout of a full sample: sorted names, each header at a 512 boundary.
        let t = write_tar(&sample());
        let names: Vec<String> = sample().keys().cloned().collect();
        let mut off = 0;
        for n in &names {
            assert_eq!(&t[off..off + n.len()], n.as_bytes());
            let size = sample()[n].len();
            off += 512 + size + padding(size as u64);
        }
        assert_eq!(t.len(), off + 1024);
    }

    #[test]
    fn golden_frame_parameters() {
        let bytes = encode(&sample()).unwrap();
        assert_eq!(&bytes[..4], &ZSTD_MAGIC);
        assert_ne!(bytes[4] & 0b100, 0, "content checksum flag");
        assert_eq!(bytes[4] & 0b11, 0, "no dictionary id");
        let tar_len = write_tar(&sample()).len() as u64;
        assert_eq!(
            zstd_safe::get_frame_content_size(&bytes).unwrap(),
            Some(tar_len)
        );
        assert_eq!(
            zstd_safe::find_frame_compressed_size(&bytes).unwrap(),
            bytes.len()
        );
        // Standard zstd decoders read it.
        assert_eq!(zstd::decode_all(&bytes[..]).unwrap(), write_tar(&sample()));
    }

    #[test]
    fn typeflag_nul_is_a_regular_file() {
        let mut h = hdr(b"manifest.json", 2);
        h[F_TYPEFLAG] = 0;
        fix(&mut h);
        let e = dec(&z(&tar(&[(h, b"{}")]))).unwrap();
        assert_eq!(e[MANIFEST_NAME], b"{}");
    }

    // ---- zstd layer ----------------------------------------------------------

    #[test]
    fn rejects_oversized_file_before_anything() {
        let l = Limits {
            max_compressed: 10,
            ..lim()
        };
        assert!(matches!(
            decode(&[0u8; 11], &l),
            Err(ArchiveError::CompressedTooLarge {
                size: 11,
                limit: 10
            })
        ));
    }

    #[test]
    fn rejects_empty_and_non_zstd() {
        assert!(matches!(dec(b""), Err(ArchiveError::Empty)));
        assert!(matches!(
            dec(b"PK\x03\x04zipzip"),
            Err(ArchiveError::NotZstd { .. })
        ));
        let plain_tar = write_tar(&sample());
        let err = dec(&plain_tar).unwrap_err();
        assert!(matches!(err, ArchiveError::NotZstd { .. }), "{err}");
        // Skippable frames and legacy zstd magics are not the snapshot format.
        assert!(matches!(
            dec(&[0x50, 0x2A, 0x4D, 0x18, 0, 0, 0, 0]),
            Err(ArchiveError::NotZstd { .. })
        ));
        assert!(matches!(
            dec(&[0x27, 0xB5, 0x2F, 0xFD, 0, 0]),
            Err(ArchiveError::NotZstd { .. })
        ));
    }

    #[test]
    fn rejects_bomb_by_declared_size() {
        // 1 GiB of zeros in 8192 RLE blocks: ~33 KB on disk.
        let bomb = rle_frame(8192, 0, Some(1 << 30), true);
        assert!(bomb.len() < 40_000);
        let err = dec(&bomb).unwrap_err();
        assert!(
            matches!(err, ArchiveError::DecompressedTooLarge { limit, .. } if limit == 512 << 20),
            "{err}"
        );
        assert!(err.to_string().contains("decompressed size exceeds"));
        // A genuinely compressed bomb (64 MiB of zeros) against a small limit.
        let real = zstd::bulk::compress(&vec![0u8; 64 << 20], 3).unwrap();
        let l = Limits {
            max_decompressed: 1 << 20,
            ..lim()
        };
        assert!(matches!(
            decode(&real, &l),
            Err(ArchiveError::DecompressedTooLarge { .. })
        ));
    }

    #[test]
    fn streaming_guard_stops_bomb_without_declared_size() {
        // The whole-file decoder rejects a frame without content size...
        let bomb = rle_frame(8192, b'A', None, false);
        assert!(matches!(dec(&bomb), Err(ArchiveError::ZstdNoContentSize)));
        // ...and the stream reader itself never yields more than limit + 1 bytes.
        let l = Limits {
            max_decompressed: 1 << 20,
            ..lim()
        };
        let mut r = FrameReader::new(&bomb, &l).unwrap();
        assert!(matches!(
            r.drain(),
            Err(ArchiveError::DecompressedTooLarge { .. })
        ));
        assert_eq!(r.offset(), (1 << 20) + 1);
    }

    #[test]
    fn rejects_frame_without_checksum() {
        let t = write_tar(&sample());
        let mut c = CCtx::create();
        c.set_parameter(CParameter::ChecksumFlag(false)).unwrap();
        let mut out = Vec::with_capacity(zstd_safe::compress_bound(t.len()));
        c.compress2(&mut out, &t).unwrap();
        assert!(matches!(dec(&out), Err(ArchiveError::ZstdNoChecksum)));
    }

    #[test]
    fn rejects_window_over_limit() {
        let big = with_blobs(
            &noise(3 << 20, 1)
                .iter()
                .map(|b| b'a' + b % 16)
                .collect::<Vec<_>>(),
            None,
            &[],
        );
        let bytes = encode(&big).unwrap();
        assert_eq!(dec(&bytes).unwrap(), big);
        let l = Limits {
            window_log_max: 12,
            ..lim()
        };
        let err = decode(&bytes, &l).unwrap_err();
        assert!(
            matches!(err, ArchiveError::ZstdWindowTooLarge { limit_log: 12 }),
            "{err}"
        );
        let l = Limits {
            window_log_max: 99,
            ..lim()
        };
        assert!(matches!(
            decode(&bytes, &l),
            Err(ArchiveError::InvalidWindowLogMax { value: 99 })
        ));
    }

    #[test]
    fn rejects_truncation_at_any_point() {
        let bytes = encode(&sample()).unwrap();
        let n = bytes.len();
        for cut in [
            1,
            2,
            3,
            4,
            5,
            6,
            10,
            13,
            20,
            n / 3,
            n / 2,
            n - 9,
            n - 5,
            n - 4,
            n - 3,
            n - 1,
        ] {
            let err = dec(&bytes[..cut]).unwrap_err();
            assert!(
                matches!(err, ArchiveError::ZstdTruncated),
                "cut {cut}: {err}"
            );
        }
    }

    #[test]
    fn rejects_trailing_garbage() {
        let mut bytes = encode(&sample()).unwrap();
        let n = bytes.len();
        bytes.push(0);
        let err = dec(&bytes).unwrap_err();
        assert!(
            matches!(err, ArchiveError::TrailingData { frame_len, extra: 1 } if frame_len == n as u64),
            "{err}"
        );
        // A second, valid frame is trailing data too.
        let mut two = encode(&sample()).unwrap();
        two.extend_from_slice(&encode(&sample()).unwrap());
        assert!(matches!(dec(&two), Err(ArchiveError::TrailingData { .. })));
    }

    #[test]
    fn every_flipped_byte_errors_or_is_harmless() {
        let e = sample();
        let bytes = encode(&e).unwrap();
        let mut errors = 0;
        for i in 0..bytes.len() {
            for mask in [0x01u8, 0x80, 0xFF] {
                let mut b = bytes.clone();
                b[i] ^= mask;
                match dec(&b) {
                    Err(_) => errors += 1,
                    Ok(got) => assert_eq!(
                        got, e,
                        "byte {i} mask {mask:#x} changed the content silently"
                    ),
                }
            }
        }
        assert!(errors > bytes.len() * 2);
    }

    #[test]
    fn flipped_byte_in_blob_is_a_checksum_error() {
        let blob = noise(4096, 3);
        let e = with_blobs(MANIFEST, None, std::slice::from_ref(&blob));
        let mut bytes = encode(&e).unwrap();
        let at = find(&bytes, &blob[1000..1064]).expect("incompressible blob stored verbatim") + 10;
        bytes[at] ^= 0x20;
        let err = dec(&bytes).unwrap_err();
        assert!(matches!(err, ArchiveError::ZstdChecksumMismatch), "{err}");
    }

    #[test]
    fn flipped_byte_in_manifest_is_a_checksum_error() {
        let manifest = noise(2048, 5);
        let e = with_blobs(&manifest, None, &[]);
        let mut bytes = encode(&e).unwrap();
        let at = find(&bytes, &manifest[500..564]).expect("manifest stored verbatim") + 3;
        bytes[at] ^= 0x01;
        let err = dec(&bytes).unwrap_err();
        assert!(matches!(err, ArchiveError::ZstdChecksumMismatch), "{err}");
    }

    #[test]
    fn blob_hash_mismatch_names_blob_and_actual_hash() {
        let claimed = blob_name(b"good");
        let t = tar(&[(hdr(claimed.as_bytes(), 3), b"bad"), manifest_part()]);
        let err = dec(&z(&t)).unwrap_err();
        let actual = blake3::hash(b"bad").to_hex().to_string();
        assert!(
            matches!(&err, ArchiveError::BlobHashMismatch { entry, actual: a } if *entry == claimed && *a == actual)
        );
        assert_eq!(
            err.to_string(),
            format!("blob {claimed}: content hash is {actual}")
        );
    }

    // ---- tar layer -----------------------------------------------------------

    fn tar_err(parts: &[([u8; BLOCK], &[u8])]) -> ArchiveError {
        dec(&z(&tar(parts))).unwrap_err()
    }

    fn assert_invalid_name(name: &[u8]) {
        let err = tar_err(&[(hdr(name, 1), b"x"), manifest_part()]);
        assert!(
            matches!(err, ArchiveError::InvalidName { .. }),
            "{name:?}: {err}"
        );
    }

    #[test]
    fn rejects_path_traversal_and_odd_names() {
        assert_invalid_name(b"../x");
        assert_invalid_name(b"blobs/../../etc/passwd");
        assert_invalid_name(b"/etc/passwd");
        assert_invalid_name(b"./manifest.json");
        assert_invalid_name(b"blobs//x");
        assert_invalid_name(b"blobs\\x");
        assert_invalid_name(b"\xff\xfe");
        let err = tar_err(&[(hdr(b"../x", 1), b"x")]);
        assert!(err.to_string().contains("\"../x\""), "{err}");
    }

    #[test]
    fn rejects_nul_inside_name() {
        let mut h = hdr(b"manifest.json", 2);
        h[14] = b'x'; // "manifest.json\0x"
        fix(&mut h);
        let err = tar_err(&[(h, b"{}")]);
        assert!(
            matches!(
                err,
                ArchiveError::InvalidName {
                    reason: "contains a NUL byte",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn rejects_prefix_field() {
        let mut h = hdr(b"manifest.json", 2);
        h[F_PREFIX.start..F_PREFIX.start + 3].copy_from_slice(b"etc");
        fix(&mut h);
        let err = tar_err(&[(h, b"{}")]);
        assert!(
            matches!(&err, ArchiveError::InvalidName { entry, .. } if entry == "etc/manifest.json"),
            "{err}"
        );
    }

    #[test]
    fn rejects_unknown_names() {
        for name in [&b"evil.sh"[..], b"blobs/abc", b"META.json", b"blobs/"] {
            let err = tar_err(&[(hdr(name, 1), b"x"), manifest_part()]);
            assert!(
                matches!(
                    err,
                    ArchiveError::UnknownName { .. } | ArchiveError::InvalidName { .. }
                ),
                "{err}"
            );
        }
        let upper = format!("blobs/{}", "A".repeat(64));
        let err = tar_err(&[(hdr(upper.as_bytes(), 1), b"x"), manifest_part()]);
        assert!(
            matches!(&err, ArchiveError::UnknownName { entry } if *entry == upper),
            "{err}"
        );
        let err = tar_err(&[(hdr(b"evil.sh", 1), b"x")]);
        assert!(matches!(err, ArchiveError::UnknownName { .. }), "{err}");
    }

    #[test]
    fn rejects_non_regular_entries() {
        let cases = [
            (b'2', EntryKind::Symlink),
            (b'1', EntryKind::HardLink),
            (b'5', EntryKind::Directory),
            (b'3', EntryKind::CharDevice),
            (b'4', EntryKind::BlockDevice),
            (b'6', EntryKind::Fifo),
            (b'x', EntryKind::PaxHeader),
            (b'g', EntryKind::PaxGlobalHeader),
            (b'L', EntryKind::GnuLongName),
            (b'K', EntryKind::GnuLongLink),
            (b'S', EntryKind::Other),
        ];
        for (flag, want) in cases {
            let mut h = with_type(b"manifest.json", flag);
            if flag == b'1' || flag == b'2' {
                h[F_LINKNAME.start..F_LINKNAME.start + 11].copy_from_slice(b"/etc/shadow");
                fix(&mut h);
            }
            let err = tar_err(&[(h, b""), manifest_part()]);
            assert!(
                matches!(&err, ArchiveError::UnsupportedEntryType { entry, kind, typeflag } if entry == "manifest.json" && *kind == want && *typeflag == flag),
                "{err}"
            );
        }
        // PAX header carrying a path, as real tools write it.
        let pax = b"30 path=blobs/../../etc/passwd\n";
        let mut h = hdr(b"./PaxHeaders/manifest.json", pax.len() as u64);
        h[F_TYPEFLAG] = b'x';
        fix(&mut h);
        let err = tar_err(&[(h, pax), manifest_part()]);
        assert!(
            matches!(
                err,
                ArchiveError::UnsupportedEntryType {
                    kind: EntryKind::PaxHeader,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("PAX extended header"));
        // Directory named like the blob dir.
        let err = tar_err(&[(with_type(b"blobs/", b'5'), b""), manifest_part()]);
        assert!(err.to_string().contains("directory"), "{err}");
    }

    #[test]
    fn rejects_duplicates_and_unsorted() {
        let err = tar_err(&[manifest_part(), manifest_part()]);
        assert!(
            matches!(&err, ArchiveError::DuplicateEntry { entry } if entry == "manifest.json"),
            "{err}"
        );
        let meta = (hdr(b"meta.json", 2), &b"{}"[..]);
        let err = tar_err(&[meta, manifest_part()]);
        assert!(
            matches!(&err, ArchiveError::UnsortedEntry { entry, previous } if entry == "manifest.json" && previous == "meta.json"),
            "{err}"
        );
        let b = blob_name(b"x");
        let err = tar_err(&[manifest_part(), (hdr(b.as_bytes(), 1), b"x")]);
        assert!(matches!(err, ArchiveError::UnsortedEntry { .. }), "{err}");
    }

    #[test]
    fn rejects_oversized_entries_from_header() {
        // Header claims 100 MiB; no content follows. Must fail on the header.
        let b = blob_name(b"x");
        let err = tar_err(&[(hdr(b.as_bytes(), 100 << 20), b"")]);
        assert!(
            matches!(&err, ArchiveError::EntryTooLarge { entry, size, limit } if *entry == b && *size == 100 << 20 && *limit == 64 << 20),
            "{err}"
        );
        assert!(err.to_string().contains("max_entry_size"));
        let l = Limits {
            max_manifest_size: 1,
            ..lim()
        };
        let err = decode(&z(&tar(&[manifest_part()])), &l).unwrap_err();
        assert!(
            matches!(err, ArchiveError::ManifestTooLarge { size: 2, limit: 1 }),
            "{err}"
        );
        // Sum of entries bounded by max_decompressed.
        let l = Limits {
            max_decompressed: 4096,
            ..lim()
        };
        let blob = noise(3000, 9);
        let bytes = encode(&with_blobs(MANIFEST, None, &[blob])).unwrap();
        assert!(matches!(
            decode(&bytes, &l),
            Err(ArchiveError::DecompressedTooLarge { .. })
        ));
    }

    #[test]
    fn rejects_too_many_entries() {
        let e = with_blobs(MANIFEST, None, &[b"a".to_vec(), b"b".to_vec()]);
        let bytes = encode(&e).unwrap();
        let l = Limits {
            max_entries: 2,
            ..lim()
        };
        assert!(matches!(
            decode(&bytes, &l),
            Err(ArchiveError::TooManyEntries { limit: 2, .. })
        ));
        let l = Limits {
            max_entries: 3,
            ..lim()
        };
        assert_eq!(decode(&bytes, &l).unwrap(), e);
    }

    #[test]
    fn rejects_bad_size_fields() {
        let mut h = hdr(b"manifest.json", 2);
        h[F_SIZE].copy_from_slice(&[0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
        fix(&mut h);
        let err = tar_err(&[(h, b"{}")]);
        assert!(
            matches!(err, ArchiveError::InvalidSizeField { reason, .. } if reason.contains("base-256")),
            "{err}"
        );
        for field in [
            b"0000000000x\0",
            b"00000000009\0",
            b"000000000022",
            b"\0\0\0\0\0\0\0\0\0\0\0\0",
        ] {
            let mut h = hdr(b"manifest.json", 2);
            h[F_SIZE].copy_from_slice(field);
            fix(&mut h);
            let err = tar_err(&[(h, b"{}")]);
            assert!(
                matches!(err, ArchiveError::InvalidSizeField { .. }),
                "{err}"
            );
        }
        // Parseable but not canonical (space-terminated, short).
        let mut h = hdr(b"manifest.json", 2);
        h[F_SIZE].copy_from_slice(b"         2 \0");
        fix(&mut h);
        let err = tar_err(&[(h, b"{}")]);
        assert!(
            matches!(err, ArchiveError::NonCanonicalHeader { field: "size", .. }),
            "{err}"
        );
    }

    #[test]
    fn rejects_bad_header_checksum_and_magic() {
        let mut h = hdr(b"manifest.json", 2);
        h[0] = b'M';
        let err = tar_err(&[(h, b"{}")]);
        assert!(
            matches!(&err, ArchiveError::HeaderChecksum { entry, offset: 0, .. } if entry == "Manifest.json"),
            "{err}"
        );
        let mut h = hdr(b"manifest.json", 2);
        h[F_MAGIC.start..F_VERSION.end].copy_from_slice(b"ustar  \0"); // old GNU
        fix(&mut h);
        assert!(matches!(
            tar_err(&[(h, b"{}")]),
            ArchiveError::NotUstar { .. }
        ));
    }

    #[test]
    fn rejects_non_canonical_fields() {
        let cases: [(&str, std::ops::Range<usize>, &[u8]); 6] = [
            ("mode", F_MODE, b"0000755\0"),
            ("uid", F_UID, b"0001750\0"),
            ("mtime", F_MTIME, b"14707646440\0"),
            ("uname", F_UNAME.start..F_UNAME.start + 4, b"root"),
            ("devmajor", F_DEVMAJOR, b"0000000\0"),
            ("pad", F_PAD.start..F_PAD.start + 1, b"x"),
        ];
        for (field, range, value) in cases {
            let mut h = hdr(b"manifest.json", 2);
            h[range].copy_from_slice(value);
            fix(&mut h);
            let err = tar_err(&[(h, b"{}")]);
            assert!(
                matches!(&err, ArchiveError::NonCanonicalHeader { field: f, entry, .. } if *f == field && entry == "manifest.json"),
                "{field}: {err}"
            );
        }
    }

    #[test]
    fn rejects_non_canonical_checksum_format() {
        // Correct value, GNU-style 7 digits + NUL instead of 6 digits + NUL + space.
        let mut h = hdr(b"manifest.json", 2);
        let sum = header_checksum(&h);
        h[F_CHKSUM].copy_from_slice(format!("{sum:07o}\0").as_bytes());
        let err = tar_err(&[(h, b"{}")]);
        assert!(
            matches!(
                err,
                ArchiveError::NonCanonicalHeader {
                    field: "chksum",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn rejects_truncated_tar() {
        let full = tar(&[manifest_part()]);
        // Inside the content.
        let err = dec(&z(&full[..513])).unwrap_err();
        assert!(
            matches!(&err, ArchiveError::TruncatedEntry { entry, size: 2, available: 1 } if entry == "manifest.json"),
            "{err}"
        );
        // Inside the padding.
        let err = dec(&z(&full[..600])).unwrap_err();
        assert!(matches!(err, ArchiveError::TruncatedEntry { .. }), "{err}");
        // Inside a header.
        assert!(matches!(
            dec(&z(&full[..100])),
            Err(ArchiveError::TruncatedHeader { offset: 0 })
        ));
        // No end-of-archive marker, or only half of it.
        assert!(matches!(
            dec(&z(&full[..1024])),
            Err(ArchiveError::MissingEndOfArchive { offset: 1024 })
        ));
        assert!(matches!(
            dec(&z(&full[..1536])),
            Err(ArchiveError::MissingEndOfArchive { offset: 1536 })
        ));
        assert!(matches!(
            dec(&z(&[])),
            Err(ArchiveError::MissingEndOfArchive { offset: 0 })
        ));
    }

    #[test]
    fn rejects_nonzero_padding() {
        let mut t = tar(&[manifest_part()]);
        t[600] = 1;
        let err = dec(&z(&t)).unwrap_err();
        assert!(
            matches!(&err, ArchiveError::NonZeroPadding { entry } if entry == "manifest.json"),
            "{err}"
        );
    }

    #[test]
    fn rejects_data_after_end_of_archive() {
        let mut t = tar(&[manifest_part()]);
        t.push(7);
        assert!(matches!(
            dec(&z(&t)),
            Err(ArchiveError::DataAfterEndOfArchive { offset: 2048 })
        ));
        // Even zero padding (as GNU tar writes up to 10240 bytes) is not canonical.
        let mut t = tar(&[manifest_part()]);
        t.resize(10240, 0);
        assert!(matches!(
            dec(&z(&t)),
            Err(ArchiveError::DataAfterEndOfArchive { .. })
        ));
        // A zero block followed by a header (hidden entry after the marker).
        let mut t = tar_no_end(&[manifest_part()]);
        t.extend_from_slice(&[0u8; BLOCK]);
        let meta = hdr(b"meta.json", 0);
        t.extend_from_slice(&meta);
        t.extend_from_slice(&[0u8; 2 * BLOCK]);
        assert!(matches!(
            dec(&z(&t)),
            Err(ArchiveError::IncompleteEndOfArchive { offset: 1024 })
        ));
    }

    #[test]
    fn requires_manifest() {
        let t = tar(&[(hdr(b"meta.json", 2), b"{}")]);
        assert!(matches!(dec(&z(&t)), Err(ArchiveError::MissingManifest)));
    }

    // ---- encode-side validation --------------------------------------------

    #[test]
    fn encode_rejects_what_decode_rejects() {
        let mut e = sample();
        e.insert("../x".into(), vec![]);
        assert!(matches!(encode(&e), Err(ArchiveError::InvalidName { .. })));
        let mut e = sample();
        e.insert("notes.txt".into(), vec![]);
        assert!(matches!(encode(&e), Err(ArchiveError::UnknownName { .. })));
        let mut e = sample();
        e.insert("manifest.json\0".into(), vec![]);
        assert!(matches!(encode(&e), Err(ArchiveError::InvalidName { .. })));
        let mut e = sample();
        e.insert(blob_name(b"a"), b"b".to_vec());
        assert!(matches!(
            encode(&e),
            Err(ArchiveError::BlobHashMismatch { .. })
        ));
        let mut e = sample();
        e.remove(MANIFEST_NAME);
        assert!(matches!(encode(&e), Err(ArchiveError::MissingManifest)));
    }

    #[test]
    fn blob_name_format() {
        let n = blob_name(b"");
        assert_eq!(
            n,
            "blobs/af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
        );
        assert!(check_name(n.as_bytes()).is_ok());
    }

    // ---- limit overrides ---------------------------------------------------------

    #[test]
    fn overrides_parse_sizes_and_names() {
        assert_eq!(Limits::with_overrides("").unwrap(), lim());
        assert_eq!(Limits::with_overrides(" , ").unwrap(), lim());
        let l = Limits::with_overrides(
            "max_compressed=1GiB, max_decompressed=2g,max_entry_size=10KB,max_manifest_size=123,\
             max_entries=7,window_log_max=31",
        )
        .unwrap();
        assert_eq!(
            l,
            Limits {
                max_compressed: 1 << 30,
                max_decompressed: 2 << 30,
                max_entries: 7,
                max_entry_size: 10 << 10,
                max_manifest_size: 123,
                window_log_max: 31,
            }
        );
        for (bad, why) in [
            ("max_entries", "expected name=value"),
            ("max_things=1", "unknown limit"),
            ("max_compressed=1TiB", "unknown unit"),
            ("max_compressed=-1", "not a size"),
            ("max_compressed=99999999999999GiB", "too large"),
            ("max_entries=1k", "not a whole number"),
            ("window_log_max=9", "zstd supports 10 to 31"),
            ("window_log_max=32", "zstd supports 10 to 31"),
        ] {
            let err = Limits::with_overrides(bad).unwrap_err();
            assert!(err.contains(why) && err.contains(bad), "{bad}: {err}");
        }
        // Every accepted window_log_max is one zstd takes (a small one may be too small for the frame).
        let bytes = encode(&sample()).unwrap();
        for w in WINDOW_LOG_RANGE {
            let l = Limits {
                window_log_max: w,
                ..lim()
            };
            match decode(&bytes, &l) {
                Ok(_) | Err(ArchiveError::ZstdWindowTooLarge { .. }) => {}
                Err(e) => panic!("window_log_max {w}: {e}"),
            }
        }
        assert!(decode(&bytes, &lim()).is_ok());
    }

    // ---- properties ------------------------------------------------------------

    fn entries_strategy() -> impl Strategy<Value = Entries> {
        (
            proptest::collection::vec(any::<u8>(), 0..600),
            proptest::option::of(proptest::collection::vec(any::<u8>(), 0..100)),
            proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..1100), 0..5),
        )
            .prop_map(|(m, meta, blobs)| with_blobs(&m, meta.as_deref(), &blobs))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn prop_round_trip(e in entries_strategy()) {
            let bytes = encode(&e).unwrap();
            prop_assert_eq!(encode(&e).unwrap(), bytes.clone());
            prop_assert_eq!(dec(&bytes).unwrap(), e);
        }

        #[test]
        fn prop_arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let _ = dec(&bytes);
            let mut framed = ZSTD_MAGIC.to_vec();
            framed.extend_from_slice(&bytes);
            let _ = dec(&framed);
        }

        #[test]
        fn prop_arbitrary_tar_never_panics(body in proptest::collection::vec(any::<u8>(), 0..3000)) {
            let _ = dec(&z(&body));
            // Arbitrary bytes behind a valid header.
            let mut t = hdr(b"manifest.json", body.len() as u64).to_vec();
            t.extend_from_slice(&body);
            let _ = dec(&z(&t));
        }

        #[test]
        fn prop_corrupted_archive_errors_or_is_identical(
            e in entries_strategy(), pos in any::<prop::sample::Index>(), mask in 1u8..=255,
        ) {
            let mut bytes = encode(&e).unwrap();
            let i = pos.index(bytes.len());
            bytes[i] ^= mask;
            if let Ok(got) = dec(&bytes) {
                prop_assert_eq!(got, e);
            }
        }

        #[test]
        fn prop_corrupted_tar_never_panics(
            e in entries_strategy(), pos in any::<prop::sample::Index>(), value in any::<u8>(),
        ) {
            let mut t = write_tar(&e);
            let i = pos.index(t.len());
            t[i] = value;
            let _ = dec(&z(&t));
        }
    }
}
