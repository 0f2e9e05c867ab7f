//! Packaging files stay in step with the crate: the justfile has the recipes the project promises, CHANGELOG.md
//! has an entry for the crate's version, flake.nix builds with the lock file and installs completions and man
//! pages, and the README says how to install. (`just` and `nix` need not be installed: the files are read.)

mod common;

use std::collections::BTreeSet;

fn read(name: &str) -> String {
    std::fs::read_to_string(common::repo().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Recipe names of a justfile: unindented lines `name ARGS…:` (not `:=` assignments, not comments or attributes).
fn recipes(justfile: &str) -> BTreeSet<String> {
    justfile
        .lines()
        .filter(|l| !l.starts_with([' ', '\t', '#', '[']) && !l.contains(":="))
        .filter_map(|l| l.split_once(':'))
        .map(|(head, _)| {
            head.split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .filter(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .collect()
}

#[test]
fn justfile_has_the_promised_recipes() {
    let have = recipes(&read("justfile"));
    for want in [
        "build", "test", "lint", "fmt", "bench", "fuzz", "demo", "golden", "release", "bless",
        "schemas",
    ] {
        assert!(
            have.contains(want),
            "justfile has no `{want}` recipe (has {have:?})"
        );
    }
    // The parser is not fooled by recipe bodies or assignments.
    let parsed =
        recipes("x := \"1\"\n# c\nbuild:\n    cargo build\nbench *ARGS:\n    a: b\n[private]\n");
    assert_eq!(
        parsed,
        BTreeSet::from(["build".to_string(), "bench".to_string()])
    );
}

#[test]
fn release_recipe_packs_what_users_need() {
    let just = read("justfile");
    let dist = just.split("\ndist:").nth(1).expect("a dist recipe");
    for part in [
        "--locked",
        "completions bash",
        "completions zsh",
        "completions fish",
        "man --dir",
        "README.md",
        "CHANGELOG.md",
        "sha256sum",
        "target/dist",
    ] {
        assert!(dist.contains(part), "dist recipe lacks {part}");
    }
    let check = just
        .split("\nrelease-check:")
        .nth(1)
        .expect("a release-check recipe");
    assert!(check.contains("CHANGELOG.md") && check.contains("refs/tags/v"));
}

fn crate_version() -> String {
    let toml = read("Cargo.toml");
    toml.lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("version in Cargo.toml")
        .to_string()
}

#[test]
fn changelog_has_an_entry_for_the_crate_version() {
    let changelog = read("CHANGELOG.md");
    assert!(changelog.starts_with("# Changelog\n"));
    assert!(changelog.contains("Keep a Changelog"));
    let version = crate_version();
    let heading = format!("## [{version}] - ");
    let entry = changelog
        .split(&heading)
        .nth(1)
        .unwrap_or_else(|| panic!("CHANGELOG.md has no `{heading}…` entry"));
    let entry = entry.split("\n## ").next().unwrap();
    assert!(
        entry.contains("### Added"),
        "the {version} entry has no Added section"
    );
}

#[test]
fn flake_builds_from_the_lock_file_and_installs_docs() {
    let flake = read("flake.nix");
    for part in [
        "buildRustPackage",
        "cargoLock.lockFile = ./Cargo.lock",
        "installShellCompletion",
        "installManPage",
        "completions bash",
        "man --dir",
        "checks",
        "doCheck = true",
        "devShells.default",
    ] {
        assert!(flake.contains(part), "flake.nix lacks {part}");
    }
    for tool in [
        "cargo",
        "clippy",
        "rustfmt",
        "just",
        "hyperfine",
        "cargo-fuzz",
    ] {
        let shell = flake.split("devShells.default").nth(1).unwrap();
        assert!(
            shell.split_whitespace().any(|w| w == tool),
            "dev shell lacks {tool}"
        );
    }
    // The version comes from Cargo.toml, not a second copy.
    assert!(flake.contains("builtins.fromTOML (builtins.readFile ./Cargo.toml)"));
}

#[test]
fn readme_says_how_to_install_and_where_the_json_is_documented() {
    let readme = read("README.md");
    let install = readme
        .split("\n## Install\n")
        .nth(1)
        .expect("an Install section");
    let install = install.split("\n## ").next().unwrap();
    assert!(install.contains("cargo install --path ."));
    assert!(install.contains("clawprint completions") && install.contains("clawprint man"));
    assert!(readme.contains("docs/json-output.md") && readme.contains("docs/schemas/"));
}
