//! JSON Schemas (draft 2020-12) of the documents clawprint writes, generated from the Rust types that serialize
//! them (schemars reads the same serde attributes), so a schema cannot drift from the output. Committed under
//! docs/schemas/; `tests/schemas.rs` regenerates and compares them (`CLAWPRINT_BLESS=1` rewrites) and validates
//! real outputs against them.

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::{json, Value};

/// One schema: its file name under docs/schemas/, and the schema.
pub struct NamedSchema {
    pub file: &'static str,
    pub schema: Value,
}

fn generate<T: JsonSchema>(title: &str, description: &str) -> Value {
    // The serialize contract: what clawprint writes (fields it skips when empty are optional).
    let schema = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>();
    let mut v = schema.to_value();
    if let Some(o) = v.as_object_mut() {
        // Readable order: what it is first, then the generated body.
        let mut head = serde_json::Map::new();
        for k in ["$schema"] {
            if let Some(x) = o.remove(k) {
                head.insert(k.into(), x);
            }
        }
        head.insert("title".into(), json!(title));
        head.insert("description".into(), json!(description));
        head.insert(
            "$comment".into(),
            json!("Generated from clawprint's Rust types: do not edit. Regenerate with `CLAWPRINT_BLESS=1 cargo test --test schemas`."),
        );
        o.remove("title");
        o.remove("description");
        head.extend(std::mem::take(o));
        *o = head;
    }
    v
}

/// Every schema, in a fixed order.
pub fn all() -> Vec<NamedSchema> {
    vec![
        NamedSchema {
            file: "manifest.schema.json",
            schema: generate::<crate::snapshot::Manifest>(
                "clawprint snapshot manifest",
                "manifest.json inside a .clawsnap (also `show --json` .manifest): every captured fact; its BLAKE3 \
                 is the snapshot id. See docs/snapshot-format.md.",
            ),
        },
        NamedSchema {
            file: "change-set.schema.json",
            schema: generate::<crate::fix::ChangeSet>(
                "clawprint change set",
                "What `fix plan -o` writes and `fix apply` executes (also `fix plan --json`, `fix show --json`). \
                 See docs/change-set-format.md.",
            ),
        },
        NamedSchema {
            file: "report.schema.json",
            schema: generate::<crate::report::json::JsonReport<'static>>(
                "clawprint audit report",
                "`audit --json`: OpenClaw's `security audit --json` shape, key order included, plus a \
                 `fingerprint` per finding. See docs/json-output.md.",
            ),
        },
        NamedSchema {
            file: "diff.schema.json",
            schema: generate::<crate::diff::Diff>(
                "clawprint diff",
                "`diff --json`: new, resolved, changed and unchanged findings, and the host changes behind them. \
                 See docs/json-output.md.",
            ),
        },
    ]
}

/// The committed text of a schema: pretty JSON with a trailing newline.
pub fn text(schema: &Value) -> String {
    serde_json::to_string_pretty(schema).expect("schema serializes") + "\n"
}
