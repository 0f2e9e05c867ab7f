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
    /// Edits applied to the finished snapshot (blobs, databases, Docker facts, …).
    edits: Vec<Edit>,
    /// Content of files added with [`Host::json`] (and other content builders), by hash.
    blobs: BTreeMap<String, Vec<u8>>,
    workspaces: Vec<WorkspaceFacts>,
}

type Edit = Box<dyn Fn(&mut Snapshot)>;

impl Host {
    pub fn new(config: &str) -> Host {
        let mut h = Host {
            config: config.to_string(),
            state_dir: expand("~/.openclaw"),
            config_path: expand("~/.openclaw/openclaw.json"),
            files: BTreeMap::new(),
            env: BTreeMap::new(),
            dotenv: BTreeMap::new(),
            edits: Vec::new(),
            blobs: BTreeMap::new(),
            workspaces: Vec::new(),
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
        e.resolved = Some(Box::new(Resolved {
            kind: Some(FileKind::File),
            mode: Some(mode),
            realpath: Some(format!("{HOME}/.openclaw/real.json")),
        }));
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
        let mut blobs = self.blobs.clone();
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
            workspaces: {
                let mut w = self.workspaces.clone();
                w.sort_by(|a, b| a.path.cmp(&b.path));
                w
            },
            ..Manifest::default()
        };
        let mut snap = Snapshot {
            manifest,
            blobs,
            meta: Meta::default(),
        };
        for edit in &self.edits {
            edit(&mut snap);
        }
        snap
    }

    pub fn findings(&self) -> Vec<Finding> {
        super::audit(&self.snapshot()).findings
    }

    pub fn ids(&self) -> Vec<String> {
        self.findings().into_iter().map(|f| f.check_id).collect()
    }

    // --- hooks and sandbox ---

    /// A 600 file whose content (as captured, e.g. a `package.json`) the audit can read.
    pub fn json_file(mut self, path: &str, content: &str) -> Host {
        self = self.file(path, 0o600);
        let (path, content) = (expand(path), content.to_string());
        self.edits.push(Box::new(move |snap: &mut Snapshot| {
            let hash = Snapshot::add_blob(&mut snap.blobs, content.clone().into_bytes());
            let e = snap.manifest.files.iter_mut().find(|e| e.path == path);
            e.expect("json_file entry").blob = Some(hash);
        }));
        self
    }

    /// The host has a state DB (`<stateDir>/state/openclaw.sqlite`) with these facts.
    pub fn state_db(mut self, facts: crate::capture::sqlite::StateFacts) -> Host {
        let path = format!("{}/state/openclaw.sqlite", self.state_dir);
        self.edits.push(Box::new(move |snap: &mut Snapshot| {
            snap.manifest.databases.push(DatabaseEntry {
                path: path.clone(),
                facts: crate::capture::sqlite::DatabaseFacts {
                    state: Some(facts.clone()),
                    ..Default::default()
                },
            });
        }));
        self
    }

    /// What `capture --docker` recorded.
    pub fn docker(mut self, facts: DockerFacts) -> Host {
        self.edits.push(Box::new(move |snap: &mut Snapshot| {
            snap.manifest.docker = Some(facts.clone());
        }));
        self
    }

    /// How `path` resolves through its deepest existing ancestor (`~` expanded in all three).
    pub fn ancestor_realpath(mut self, path: &str, ancestor: &str, realpath: &str) -> Host {
        let fact = AncestorRealpath {
            path: expand(path),
            ancestor: Some(expand(ancestor)),
            realpath: Some(expand(realpath)),
        };
        self.edits.push(Box::new(move |snap: &mut Snapshot| {
            let list = &mut snap.manifest.ancestor_realpaths;
            list.retain(|f| f.path != fact.path);
            list.push(fact.clone());
            list.sort_by(|a, b| a.path.cmp(&b.path));
        }));
        self
    }

    // --- plugins and workspace skills ---

    /// A regular file (mode 600) whose captured content is `text`.
    pub fn json(mut self, path: &str, text: &str) -> Host {
        self = self.file(path, 0o600);
        let hash = Snapshot::add_blob(&mut self.blobs, text.as_bytes().to_vec());
        let e = self.files.get_mut(&expand(path)).unwrap();
        e.size = text.len() as u64;
        e.blob = Some(hash);
        self
    }

    /// A symlink at `path` to something of `kind` (`None`: dangling) whose realpath is `realpath`.
    pub fn symlink_to(
        mut self,
        path: &str,
        kind: impl Into<Option<FileKind>>,
        realpath: &str,
    ) -> Host {
        let kind = kind.into();
        self = self.entry(path, FileKind::Symlink, 0o777);
        let e = self.files.get_mut(&expand(path)).unwrap();
        e.target = Some(expand(realpath));
        e.resolved = Some(Box::new(Resolved {
            kind,
            mode: kind.map(|k| if k == FileKind::Dir { 0o700 } else { 0o600 }),
            realpath: kind.map(|_| expand(realpath)),
        }));
        self
    }

    /// Workspace facts: `path` and its realpath, as capture records them for a workspace with `skills/`.
    pub fn workspace(mut self, path: &str, realpath: &str) -> Host {
        self.workspaces.push(WorkspaceFacts {
            path: expand(path),
            realpath: Some(expand(realpath)),
        });
        self
    }
}

// --- exec / policy ---

impl Host {
    /// A captured JSON file (mode 600) whose content the audit can read (`Ctx::json_file`).
    pub fn captured_json(self, path: &str, content: &str) -> Host {
        self.json_file(path, content)
    }
}
