//! In-memory hosts for check tests: a config text and file entries, no disk.

use std::collections::BTreeMap;

use super::finding::Finding;
use crate::snapshot::*;

pub const HOME: &str = "/home/user";

fn expand(p: &str) -> String {
    match p.strip_prefix('~') {
        Some(rest) => format!("{HOME}{rest}"),
        None => p.to_string(),
    }
}

pub struct Host {
    config: String,
    state_dir: String,
    config_path: String,
    files: BTreeMap<String, FileEntry>,
    env: BTreeMap<String, String>,
    dotenv: BTreeMap<String, String>,
}

impl Host {
    pub fn new(config: &str) -> Host {
        let mut h = Host {
            config: config.to_string(),
            state_dir: expand("~/.openclaw"),
            config_path: expand("~/.openclaw/openclaw.json"),
            files: BTreeMap::new(),
            env: BTreeMap::new(),
            dotenv: BTreeMap::new(),
        };
        h = h
            .dir("~/.openclaw", 0o700)
            .file("~/.openclaw/openclaw.json", 0o600);
        h
    }

    fn entry(mut self, path: &str, kind: FileKind, mode: u32) -> Host {
        let path = expand(path);
        self.files.insert(
            path.clone(),
            FileEntry {
                path,
                kind,
                mode,
                uid: 1000,
                gid: 1000,
                ..FileEntry::default()
            },
        );
        self
    }

    pub fn dir(self, path: &str, mode: u32) -> Host {
        self.entry(path, FileKind::Dir, mode)
    }

    pub fn file(self, path: &str, mode: u32) -> Host {
        self.entry(path, FileKind::File, mode)
    }

    pub fn config_mode(self, mode: u32) -> Host {
        let p = self.config_path.clone();
        self.file(&p, mode)
    }

    /// The config path becomes a link to a file with `mode`.
    pub fn config_symlink_to(mut self, mode: u32) -> Host {
        let p = self.config_path.clone();
        self = self.entry(&p, FileKind::Symlink, 0o777);
        let e = self.files.get_mut(&p).unwrap();
        e.target = Some("real.json".into());
        e.resolved = Some(Resolved {
            kind: Some(FileKind::File),
            mode: Some(mode),
            realpath: Some(format!("{HOME}/.openclaw/real.json")),
        });
        self
    }

    pub fn state_dir(mut self, path: &str) -> Host {
        self.files.clear();
        self.state_dir = expand(path);
        self.config_path = format!("{}/openclaw.json", self.state_dir);
        let (s, c) = (self.state_dir.clone(), self.config_path.clone());
        self.dir(&s, 0o700).file(&c, 0o600)
    }

    pub fn env(mut self, k: &str, v: &str) -> Host {
        self.env.insert(k.into(), v.into());
        self
    }

    pub fn dotenv(mut self, k: &str, v: &str) -> Host {
        self.dotenv.insert(k.into(), v.into());
        self
    }

    pub fn snapshot(&self) -> Snapshot {
        let mut blobs = BTreeMap::new();
        let blob = Snapshot::add_blob(&mut blobs, self.config.clone().into_bytes());
        let manifest = Manifest {
            format: FORMAT_VERSION,
            host: HostFacts {
                platform: "linux".into(),
                home: HOME.into(),
                cwd: HOME.into(),
                uid: 1000,
                gid: 1000,
                state_dir: self.state_dir.clone(),
                config_path: self.config_path.clone(),
                credentials_dir: format!("{}/credentials", self.state_dir),
                env: self.env.clone(),
                dotenv: self.dotenv.clone(),
            },
            config: ConfigFacts {
                path: self.config_path.clone(),
                exists: true,
                blob: Some(blob),
                includes: vec![],
            },
            files: self.files.values().cloned().collect(),
            ..Manifest::default()
        };
        Snapshot {
            manifest,
            blobs,
            meta: Meta::default(),
        }
    }

    pub fn findings(&self) -> Vec<Finding> {
        super::audit(&self.snapshot()).findings
    }

    pub fn ids(&self) -> Vec<String> {
        self.findings().into_iter().map(|f| f.check_id).collect()
    }
}

// --- exec / policy ---

/// A [`Host`] with captured file contents and state-DB facts (exec approvals and the like).
pub struct HostWith {
    host: Host,
    contents: Vec<(String, String)>,
    state: Option<crate::capture::sqlite::StateFacts>,
}

impl Host {
    /// Adds a captured JSON file (mode 600) whose content the audit can read (`Ctx::json_file`).
    pub fn captured_json(self, path: &str, content: &str) -> HostWith {
        HostWith {
            host: self,
            contents: vec![],
            state: None,
        }
        .captured_json(path, content)
    }

    /// Attaches `<stateDir>/state/openclaw.sqlite` with these state facts.
    pub fn state_db(self, facts: crate::capture::sqlite::StateFacts) -> HostWith {
        HostWith {
            host: self,
            contents: vec![],
            state: None,
        }
        .state_db(facts)
    }
}

impl HostWith {
    pub fn captured_json(mut self, path: &str, content: &str) -> HostWith {
        let path = expand(path);
        self.host = self.host.file(&path, 0o600);
        self.contents.push((path, content.to_string()));
        self
    }

    pub fn state_db(mut self, facts: crate::capture::sqlite::StateFacts) -> HostWith {
        self.state = Some(facts);
        self
    }

    pub fn snapshot(&self) -> Snapshot {
        let mut snap = self.host.snapshot();
        for (path, content) in &self.contents {
            let hash = Snapshot::add_blob(&mut snap.blobs, content.clone().into_bytes());
            if let Some(e) = snap.manifest.files.iter_mut().find(|e| &e.path == path) {
                e.blob = Some(hash);
            }
        }
        if let Some(state) = &self.state {
            snap.manifest.databases.push(DatabaseEntry {
                path: format!("{}/state/openclaw.sqlite", self.host.state_dir),
                facts: crate::capture::sqlite::DatabaseFacts {
                    state: Some(state.clone()),
                    ..Default::default()
                },
            });
        }
        snap
    }

    pub fn findings(&self) -> Vec<Finding> {
        super::audit(&self.snapshot()).findings
    }

    pub fn ids(&self) -> Vec<String> {
        self.findings().into_iter().map(|f| f.check_id).collect()
    }
}
