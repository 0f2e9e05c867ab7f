//! Snapshot stage: the canonical, content-addressed container of one capture.
//!
//! A snapshot is `manifest.json` (canonical JSON of [`model::Manifest`]), the content blobs it names by BLAKE3 hash,
//! and `meta.json` (tool version, label, time: not content, not hashed). The snapshot id is the BLAKE3 hash of the
//! canonical manifest bytes, which list every blob's hash: a Merkle root over the captured content only.

pub mod archive;
pub mod canonical;
pub mod model;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

pub use model::*;

/// Facts about the capture that are not content: kept beside the manifest, outside the id.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub tool: String,
    pub tool_version: String,
    pub zstd_version: String,
    /// Free-form label (defaults to the host's name); shown by `show` and used for default file names.
    pub label: String,
    /// Capture time in seconds since the epoch, from `SOURCE_DATE_EPOCH` when set; absent when not recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<u64>,
}

impl Meta {
    pub fn new(label: impl Into<String>, captured_at: Option<u64>) -> Meta {
        Meta {
            tool: "clawprint".into(),
            tool_version: env!("CARGO_PKG_VERSION").into(),
            zstd_version: zstd::zstd_safe::version_string().to_string(),
            label: label.into(),
            captured_at,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub manifest: Manifest,
    /// Blob hash (hex) → bytes.
    pub blobs: BTreeMap<String, Vec<u8>>,
    pub meta: Meta,
}

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error(transparent)]
    Archive(#[from] archive::ArchiveError),
    #[error("manifest.json is not a valid manifest: {0}")]
    Manifest(serde_json::Error),
    #[error("meta.json is not valid: {0}")]
    Meta(serde_json::Error),
    #[error("manifest.json has format version {found}; this clawprint reads version {expected} (upgrade clawprint to read newer snapshots)")]
    Version { found: u32, expected: u32 },
    #[error("manifest.json is not in canonical form (keys sorted, compact): it was not written by clawprint or was altered")]
    NotCanonical,
    #[error("manifest names blob {0}, which the snapshot does not contain")]
    MissingBlob(String),
    #[error("snapshot contains blob {0}, which the manifest does not name")]
    UnreferencedBlob(String),
    #[error("manifest lists path {0} more than once or out of order")]
    FilesNotSorted(String),
    #[error("blob {0} is not valid UTF-8 text")]
    BlobNotText(String),
}

impl Snapshot {
    /// Canonical manifest bytes: what the id is computed over.
    pub fn manifest_bytes(&self) -> Vec<u8> {
        canonical::to_vec(&self.manifest)
    }

    /// The snapshot id: BLAKE3 of the canonical manifest, hex.
    pub fn id(&self) -> String {
        blake3::hash(&self.manifest_bytes()).to_hex().to_string()
    }

    /// Add a blob, returning its hash.
    pub fn add_blob(blobs: &mut BTreeMap<String, Vec<u8>>, bytes: Vec<u8>) -> String {
        let hash = blake3::hash(&bytes).to_hex().to_string();
        blobs.entry(hash.clone()).or_insert(bytes);
        hash
    }

    pub fn blob_text(&self, hash: &str) -> Result<&str, SnapshotError> {
        let bytes = self
            .blobs
            .get(hash)
            .ok_or_else(|| SnapshotError::MissingBlob(hash.to_string()))?;
        std::str::from_utf8(bytes).map_err(|_| SnapshotError::BlobNotText(hash.to_string()))
    }

    /// Every blob hash the manifest names.
    pub fn referenced_blobs(manifest: &Manifest) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        out.extend(manifest.config.blob.iter().cloned());
        for inc in &manifest.config.includes {
            out.extend(inc.blob.iter().cloned());
        }
        for f in &manifest.files {
            out.extend(f.blob.iter().cloned());
        }
        out
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>, SnapshotError> {
        self.encode().map(|(_, bytes)| bytes)
    }

    /// The id and the file bytes, from one serialization of the manifest (a big manifest costs as much to
    /// serialize as the rest of the encoding).
    pub fn encode(&self) -> Result<(String, Vec<u8>), SnapshotError> {
        let manifest = self.manifest_bytes();
        let blobs = self.blobs.iter().map(|(h, b)| (h.clone(), b.clone()));
        Snapshot::encode_parts(manifest, &self.meta, blobs)
    }

    /// [`Snapshot::encode`], giving the snapshot up as soon as its manifest is serialized: the file list of a
    /// big host is then freed before the archive is built (what `clawprint capture` does, to bound its memory).
    pub fn into_encoded(self) -> Result<(String, Vec<u8>), SnapshotError> {
        let manifest = self.manifest_bytes();
        let Snapshot {
            manifest: parsed,
            blobs,
            meta,
        } = self;
        drop(parsed);
        Snapshot::encode_parts(manifest, &meta, blobs.into_iter())
    }

    fn encode_parts(
        manifest: Vec<u8>,
        meta: &Meta,
        blobs: impl Iterator<Item = (String, Vec<u8>)>,
    ) -> Result<(String, Vec<u8>), SnapshotError> {
        let id = blake3::hash(&manifest).to_hex().to_string();
        let mut entries = archive::Entries::new();
        entries.insert("manifest.json".into(), manifest);
        entries.insert("meta.json".into(), canonical::to_vec(meta));
        for (hash, bytes) in blobs {
            entries.insert(format!("blobs/{hash}"), bytes);
        }
        Ok((id, archive::encode_owned(entries)?))
    }

    /// Decode and verify an untrusted snapshot: container limits, blob hashes, manifest schema and canonical
    /// form, format version, and that blobs and manifest references match exactly.
    pub fn from_bytes(bytes: &[u8], limits: &archive::Limits) -> Result<Snapshot, SnapshotError> {
        let mut entries = archive::decode(bytes, limits)?;
        let manifest_bytes = entries
            .remove("manifest.json")
            .ok_or(SnapshotError::Archive(
                archive::ArchiveError::MissingManifest,
            ))?;
        // Check the version before the schema, so a newer snapshot gets the helpful error. The probe skips
        // everything but `format` without building it; the manifest is then parsed straight into its types
        // (through a `serde_json::Value` it cost a map and an allocation per key: 4x the time on big hosts).
        #[derive(Deserialize)]
        struct FormatProbe {
            #[serde(default)]
            format: Option<serde_json::Value>,
        }
        let probe: FormatProbe =
            serde_json::from_slice(&manifest_bytes).map_err(SnapshotError::Manifest)?;
        if let Some(v) = probe.format.as_ref().and_then(|v| v.as_u64()) {
            if v != FORMAT_VERSION as u64 {
                return Err(SnapshotError::Version {
                    found: v.min(u32::MAX as u64) as u32,
                    expected: FORMAT_VERSION,
                });
            }
        }
        let manifest: Manifest =
            serde_json::from_slice(&manifest_bytes).map_err(SnapshotError::Manifest)?;
        if manifest.format != FORMAT_VERSION {
            return Err(SnapshotError::Version {
                found: manifest.format,
                expected: FORMAT_VERSION,
            });
        }
        if canonical::to_vec(&manifest) != manifest_bytes {
            return Err(SnapshotError::NotCanonical);
        }
        for pair in manifest.files.windows(2) {
            if pair[0].path >= pair[1].path {
                return Err(SnapshotError::FilesNotSorted(pair[1].path.clone()));
            }
        }
        let meta = match entries.remove("meta.json") {
            Some(b) => serde_json::from_slice(&b).map_err(SnapshotError::Meta)?,
            None => Meta::default(),
        };
        let mut blobs = BTreeMap::new();
        for (name, bytes) in entries {
            let hash = name.strip_prefix("blobs/").unwrap_or(&name).to_string();
            blobs.insert(hash, bytes);
        }
        let referenced = Snapshot::referenced_blobs(&manifest);
        for r in &referenced {
            if !blobs.contains_key(r) {
                return Err(SnapshotError::MissingBlob(r.clone()));
            }
        }
        for b in blobs.keys() {
            if !referenced.contains(b) {
                return Err(SnapshotError::UnreferencedBlob(b.clone()));
            }
        }
        Ok(Snapshot {
            manifest,
            blobs,
            meta,
        })
    }

    /// Look up a file entry by exact path.
    pub fn file(&self, path: &str) -> Option<&FileEntry> {
        self.manifest
            .files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.manifest.files[i])
    }
}
