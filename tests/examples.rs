//! The committed example snapshots in `snapshots/` are rebuilt from their host descriptions in `tests/conformance/hosts/`
//! and must match byte for byte: capture is reproducible, and the examples are what the code produces today.
//! After an intended format change, regenerate them with `CLAWPRINT_BLESS=1 cargo test --test examples`.

mod common;

use std::fs;

use clawprint::audit::audit;
use clawprint::snapshot::{archive::Limits, Snapshot};

#[test]
fn example_snapshots_rebuild_byte_for_byte() {
    let hosts = common::cases("conformance/hosts");
    assert!(hosts.len() >= 2);
    let bless = std::env::var_os("CLAWPRINT_BLESS").is_some();
    for host in hosts {
        let name = host.file_name().unwrap().to_string_lossy().into_owned();
        let home = common::lay_out(&host);
        let bytes = common::capture_home(home.path(), &name, true)
            .to_bytes()
            .unwrap();
        let path = common::repo()
            .join("snapshots")
            .join(format!("{name}.clawsnap"));
        if bless {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, &bytes).unwrap();
            continue;
        }
        let committed = fs::read(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run with CLAWPRINT_BLESS=1)", path.display()));
        assert!(
            committed == bytes,
            "{name}: rebuilt snapshot differs from {}",
            path.display()
        );
    }
}

#[test]
fn example_snapshots_decode_verify_and_audit() {
    if std::env::var_os("CLAWPRINT_BLESS").is_some() {
        return; // the other test is rewriting the files
    }
    for name in ["insecure", "hardened"] {
        let path = common::repo()
            .join("snapshots")
            .join(format!("{name}.clawsnap"));
        let snap = Snapshot::from_bytes(&fs::read(&path).unwrap(), &Limits::default()).unwrap();
        assert!(
            snap.to_bytes().unwrap() == fs::read(&path).unwrap(),
            "{name}: re-encoding changes bytes"
        );
        let report = audit(&snap);
        let golden = fs::read_to_string(
            common::repo()
                .join("tests/conformance/hosts")
                .join(name)
                .join("reference.txt"),
        )
        .unwrap();
        let ids: Vec<&str> = golden
            .lines()
            .filter_map(|l| l.split_once(' ').map(|x| x.1))
            .collect();
        // The example audits reproduce every reference finding clawprint implements.
        for f in &report.findings {
            assert!(
                ids.contains(&f.check_id.as_str()),
                "{name}: unexpected {}",
                f.check_id
            );
        }
        assert!(snap.manifest.host.home == common::HOME_ALIAS);
    }
}
