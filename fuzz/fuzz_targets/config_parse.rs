//! Config parsing: JSON5 (parse, error rendering, redaction) and `$include` resolution with an in-memory include
//! source. The input is NUL-separated texts: the root config `/cfg/openclaw.json`, then the files named in
//! `NAMES` (a `$include` of `./a.json5` from the root finds the second chunk; enough names for a chain deeper
//! than the include limit). `/other/…` lies outside the allowed root, so the loader refuses it.
#![no_main]

use std::collections::BTreeMap;

use clawprint::config::{env, json5, load, redact::Redactor};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 13] = [
    "/cfg/openclaw.json",
    "/cfg/a.json5",
    "/cfg/b.json5",
    "/cfg/sub/c.json5",
    "/cfg/sub/d.json5",
    "/cfg/e.json",
    "/other/x.json5",
    "/cfg/f.json5",
    "/cfg/g.json5",
    "/cfg/h.json5",
    "/cfg/i.json5",
    "/cfg/j.json5",
    "/cfg/k.json5",
];

struct Mem(BTreeMap<&'static str, String>);

impl load::IncludeSource for Mem {
    fn text(&self, path: &str) -> Option<String> {
        self.0.get(path).cloned()
    }
    fn loader_error(&self, path: &str) -> Option<String> {
        if !load::is_inside("/cfg", path) {
            return Some("outside the allowed roots".into());
        }
        (!self.0.contains_key(path)).then(|| "does not exist".into())
    }
}

fuzz_target!(|data: &[u8]| {
    let mut files = BTreeMap::new();
    for (name, chunk) in NAMES.iter().zip(clawprint_fuzz::chunks(data)) {
        let text = String::from_utf8_lossy(chunk).into_owned();
        match json5::parse(&text) {
            Ok(node) => {
                let _ = node.to_json();
                // Redaction rewrites literals by span: the result must still parse, to the same shape.
                let redacted = Redactor::new()
                    .redact_json5(&text)
                    .expect("a parseable text redacts");
                let again = json5::parse(&redacted).expect("redacted text parses");
                assert_eq!(again.value.kind(), node.value.kind());
            }
            Err(e) => {
                let _ = e.render(&text, name);
                let _ = e.to_string();
                assert!(Redactor::new().redact_json5(&text).is_none());
            }
        }
        let _ = json5::parse_with(&text, &json5::ParseOptions { max_depth: 3 });
        let _ = env::env_references(&text);
        let _ = env::parse_dotenv(&text);
        files.insert(*name, text);
    }
    let Some(root) = files.remove(NAMES[0]) else {
        return;
    };
    let raw = match json5::parse(&root) {
        Ok(node) => node.to_json(),
        Err(_) => return,
    };
    let src = Mem(files);
    let _ = load::discover_includes(&raw, NAMES[0], &src);
    let process: BTreeMap<String, String> = [
        ("HOME".to_string(), "/home/u".to_string()),
        ("TOKEN".to_string(), "t0ken-value".to_string()),
        ("EMPTY".to_string(), String::new()),
    ]
    .into();
    let dotenv: BTreeMap<String, String> = [("DOT".to_string(), "${TOKEN}".to_string())].into();
    let loaded = load::load(raw, NAMES[0], &src, &process, &dotenv);
    let _ = env::config_env_vars(&loaded.source);
});
