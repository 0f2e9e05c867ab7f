//! Lay out a generated OpenClaw host (benches/support/hostgen.rs) for measuring the CLI by hand:
//!
//!     cargo run --release --example hostgen -- HOME [--entries N] [--db-mib N] [--include-depth N]
//!         [--channels N] [--accounts N] [--agents N] [--transcripts N] [--strict]
//!
//! Prints the number of state-tree entries. Used by bench/compare-reference.sh and docs/scaling.md.

#[path = "../benches/support/hostgen.rs"]
mod hostgen;

fn main() {
    let mut args = std::env::args().skip(1);
    let home = std::path::PathBuf::from(args.next().expect("usage: hostgen HOME [options]"));
    let mut shape = hostgen::Shape::typical();
    let mut entries = None;
    while let Some(flag) = args.next() {
        if flag == "--strict" {
            shape.insecure = false;
            continue;
        }
        let n: u64 = args
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{flag} needs a number"));
        match flag.as_str() {
            "--entries" => entries = Some(n as usize),
            "--db-mib" => shape.db_bytes = Some(n * 1024 * 1024),
            "--include-depth" => shape.include_depth = n as usize,
            "--channels" => shape.channels = n as usize,
            "--accounts" => shape.accounts = n as usize,
            "--agents" => shape.agents = n as usize,
            "--transcripts" => shape.transcripts = n as usize,
            "--extensions" => shape.extensions = n as usize,
            "--skills" => shape.skills = n as usize,
            _ => panic!("unknown option {flag}"),
        }
    }
    if let Some(e) = entries {
        shape = shape.grown_to(e);
    }
    std::fs::create_dir_all(&home).unwrap();
    hostgen::generate(&home, &shape);
    println!("{}", shape.entry_count());
}
