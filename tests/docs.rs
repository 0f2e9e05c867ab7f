//! Generated documentation stays current: `docs/checks.md` equals what the registry generates.
//! Regenerate with `CLAWPRINT_BLESS=1 cargo test --test docs` (or `just docs`).

mod common;

#[test]
fn checks_md_is_generated_from_the_registry() {
    let path = common::repo().join("docs/checks.md");
    let generated = clawprint::audit::registry::markdown();
    if std::env::var_os("CLAWPRINT_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/checks.md is stale: run `just docs`"
    );
}
