//! docs/schemas/*.schema.json are generated from the Rust types and current, and real outputs validate against
//! them: manifests, audit reports and change sets of every conformance case and both example snapshots, diffs,
//! and the JSON the binary prints. Regenerate with `CLAWPRINT_BLESS=1 cargo test --test schemas`.

mod common;

use std::path::Path;
use std::process::Command;

use clawprint::cli::schemas;
use clawprint::snapshot::{archive, Snapshot};
use clawprint::{audit, diff, fix, report};
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_clawprint");

fn schema(file: &str) -> Value {
    schemas::all()
        .into_iter()
        .find(|s| s.file == file)
        .unwrap_or_else(|| panic!("no schema {file}"))
        .schema
}

fn validator(file: &str) -> jsonschema::Validator {
    jsonschema::validator_for(&schema(file))
        .unwrap_or_else(|e| panic!("{file} does not compile: {e}"))
}

fn assert_valid(v: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .take(10)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match its schema:\n{}",
        errors.join("\n")
    );
}

fn example(name: &str) -> Snapshot {
    let bytes = std::fs::read(common::repo().join("snapshots").join(name)).unwrap();
    Snapshot::from_bytes(&bytes, &archive::Limits::default()).unwrap()
}

#[test]
fn committed_schemas_are_generated_from_the_types() {
    let dir = common::repo().join("docs/schemas");
    let bless = std::env::var_os("CLAWPRINT_BLESS").is_some();
    if bless {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let all = schemas::all();
    assert_eq!(all.len(), 4);
    for s in &all {
        let path = dir.join(s.file);
        let generated = schemas::text(&s.schema);
        if bless {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "docs/schemas/{} is stale: run `CLAWPRINT_BLESS=1 cargo test --test schemas`",
            s.file
        );
        // Every schema is itself a valid draft 2020-12 schema and says what it describes.
        jsonschema::validator_for(&s.schema).unwrap();
        assert_eq!(
            s.schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert!(s.schema["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("clawprint")));
    }
    // No stray schema files.
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut want: Vec<String> = all.iter().map(|s| s.file.to_string()).collect();
    want.sort();
    assert_eq!(files, want);
}

/// Manifest, report and change set of a snapshot, validated.
fn validate_snapshot(snap: &Snapshot, what: &str, v: &[jsonschema::Validator; 3]) {
    let manifest = serde_json::to_value(&snap.manifest).unwrap();
    assert_valid(&v[0], &manifest, &format!("{what}: manifest"));
    let r = audit::audit(snap);
    assert_valid(
        &v[1],
        &report::json::value(&r, 1_700_000_000_000),
        &format!("{what}: report"),
    );
    let cs = fix::plan(snap);
    let cs_json: Value = serde_json::from_slice(&cs.to_bytes()).unwrap();
    assert_valid(&v[2], &cs_json, &format!("{what}: change set"));
}

#[test]
fn examples_and_every_conformance_case_validate() {
    let v = [
        validator("manifest.schema.json"),
        validator("report.schema.json"),
        validator("change-set.schema.json"),
    ];
    for name in ["insecure.clawsnap", "hardened.clawsnap"] {
        validate_snapshot(&example(name), name, &v);
    }
    let mut n = 0;
    let (mut with_ops, mut with_suppressed) = (0, 0);
    for dir in ["conformance/cases", "conformance/hosts"] {
        for case in common::cases(dir) {
            let home = common::lay_out(&case);
            let snap = common::capture_home(home.path(), "case", true);
            let r = audit::audit(&snap);
            with_suppressed += usize::from(!r.suppressed.is_empty());
            with_ops += usize::from(!fix::plan(&snap).ops.is_empty());
            validate_snapshot(&snap, &case.display().to_string(), &v);
            n += 1;
        }
    }
    // The cases exercise the optional parts of the schemas, not just the minimal documents.
    assert!(n > 400, "{n} cases");
    assert!(with_ops > 50, "{with_ops} cases with fix ops");
    assert!(with_suppressed > 0, "no case with suppressed findings");
}

#[test]
fn diffs_validate() {
    let v = validator("diff.schema.json");
    let (a, b) = (example("hardened.clawsnap"), example("insecure.clawsnap"));
    let d = diff::diff(
        &diff::Input::from_snapshot(a.clone(), "hardened"),
        &diff::Input::from_snapshot(b.clone(), "insecure"),
    );
    let doc = serde_json::to_value(&d).unwrap();
    assert!(doc["hostChanges"].is_object() && !doc["new"].as_array().unwrap().is_empty());
    assert_valid(&v, &doc, "snapshot diff");
    // A saved report against a snapshot: no host changes, other matching.
    let saved = report::json::render(&audit::audit(&a), 1);
    let old = diff::Input::from_bytes(saved.as_bytes(), "old.json").unwrap();
    let d = diff::diff(&old, &diff::Input::from_snapshot(b, "insecure"));
    assert_valid(&v, &serde_json::to_value(&d).unwrap(), "report diff");
}

fn run(args: &[&str], cwd: &Path) -> Value {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: not JSON: {e}"))
}

#[test]
fn what_the_binary_prints_validates() {
    let tmp = tempfile::tempdir().unwrap();
    let snaps = common::repo().join("snapshots");
    let (insecure, hardened) = (
        snaps
            .join("insecure.clawsnap")
            .to_string_lossy()
            .into_owned(),
        snaps
            .join("hardened.clawsnap")
            .to_string_lossy()
            .into_owned(),
    );
    let report = validator("report.schema.json");
    for s in [&insecure, &hardened] {
        assert_valid(
            &report,
            &run(&["audit", s, "--json"], tmp.path()),
            "audit --json",
        );
    }
    assert_valid(
        &validator("diff.schema.json"),
        &run(&["diff", &hardened, &insecure, "--json"], tmp.path()),
        "diff --json",
    );
    let cs = validator("change-set.schema.json");
    assert_valid(
        &cs,
        &run(&["fix", "plan", &insecure, "--json"], tmp.path()),
        "fix plan --json",
    );
    run(
        &["fix", "plan", &insecure, "-o", "changes.json", "--json"],
        tmp.path(),
    );
    let written: Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("changes.json")).unwrap()).unwrap();
    assert_valid(&cs, &written, "fix plan -o");
    assert_valid(
        &cs,
        &run(&["fix", "show", "changes.json", "--json"], tmp.path()),
        "fix show --json",
    );
    let show = run(&["show", &insecure, "--json"], tmp.path());
    assert_valid(
        &validator("manifest.schema.json"),
        &show["manifest"],
        "show --json .manifest",
    );
}

#[test]
fn schemas_reject_what_clawprint_never_writes() {
    let report = validator("report.schema.json");
    let good = report::json::value(&audit::audit(&example("insecure.clawsnap")), 1);
    assert!(report.is_valid(&good));
    let mut bad = good.clone();
    bad["findings"][0]["severity"] = json!("severe");
    assert!(!report.is_valid(&bad), "an unknown severity passed");
    let mut bad = good.clone();
    bad["findings"][0]
        .as_object_mut()
        .unwrap()
        .remove("checkId");
    assert!(!report.is_valid(&bad), "a finding without checkId passed");

    let manifest = validator("manifest.schema.json");
    let mut m = serde_json::to_value(&example("insecure.clawsnap").manifest).unwrap();
    assert!(manifest.is_valid(&m));
    m["host"]["unexpected"] = json!(1);
    assert!(
        !manifest.is_valid(&m),
        "deny_unknown_fields is not in the schema"
    );

    let cs = validator("change-set.schema.json");
    let mut plan: Value =
        serde_json::from_slice(&fix::plan(&example("insecure.clawsnap")).to_bytes()).unwrap();
    assert!(cs.is_valid(&plan));
    plan["ops"][0]["op"] = json!("rm");
    assert!(!cs.is_valid(&plan), "an unknown op passed");
}
