//! Command line: argument parsing, output, exit codes. Nothing below this module knows about any of them.

mod error;
pub mod fix;
pub mod fleet;
pub mod man;
pub mod schemas;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};

pub use error::{CliError, ExitCode, JsonMode};

use crate::audit::{self, registry, Severity};
use crate::capture::{self, CaptureOptions, HostSpec};
use crate::report;
use crate::snapshot::{archive, Snapshot};

#[derive(Parser, Debug)]
#[command(
    name = "clawprint",
    version,
    about = "Reproducible, offline security audit of OpenClaw hosts",
    long_about = "clawprint captures an OpenClaw host (config, includes, file metadata, state databases; secrets \
                  redacted) into a canonical, content-addressed snapshot, and audits it offline with the checks \
                  of `openclaw security audit`.",
    after_help = "Examples:\n  \
                  clawprint audit                       # audit this host (capture in memory)\n  \
                  clawprint capture -o host.clawsnap    # write a snapshot to send or keep\n  \
                  clawprint audit host.clawsnap --json  # audit a snapshot, reference JSON shape\n\n\
                  Exit codes: 0 ok; 1 findings at or above --fail-on; 2 usage error; 3 integrity or format error \
                  in a snapshot or change set; 4 host changed since the plan; 5 apply failed and was rolled back; \
                  6 other failure. With --json, errors are also printed on stdout as {\"error\": {...}}."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Capture this host into a snapshot file (reads only; secrets never enter the snapshot)
    #[command(
        after_help = "Examples:\n  clawprint capture\n  clawprint capture -o /tmp/host.clawsnap --label acme-prod --home-alias /home/user\n  clawprint capture -o host.clawsnap --json | jq -r .id"
    )]
    Capture(CaptureArgs),
    /// Audit a snapshot, or this host when no snapshot is given
    #[command(
        after_help = "Examples:\n  clawprint audit snapshots/insecure.clawsnap\n  clawprint audit --json | jq '.findings[] | select(.severity==\"critical\")'\n  clawprint audit --fail-on warn   # exit 1 on any warn or critical finding\n  clawprint audit fleet/ --summary  # every *.clawsnap under fleet/, on all cores"
    )]
    Audit(AuditArgs),
    /// Recompute every hash of a snapshot and check its structure
    #[command(
        after_help = "Examples:\n  clawprint verify host.clawsnap\n  clawprint verify host.clawsnap --json | jq .ok"
    )]
    Verify {
        snapshot: PathBuf,
        /// Print `{ok, id, format, files, blobs}` as JSON (a failure prints an error object, exit 3)
        #[arg(long)]
        json: bool,
    },
    /// Show what a snapshot holds: id, files and modes, databases, redactions
    #[command(
        after_help = "Examples:\n  clawprint show host.clawsnap\n  clawprint show host.clawsnap --json | jq .manifest.host"
    )]
    Show {
        snapshot: PathBuf,
        /// Print `{id, meta, manifest}` as JSON
        #[arg(long)]
        json: bool,
    },
    /// Compare the findings of two snapshots or saved reports: new, resolved, changed, and the host changes behind them
    #[command(
        after_help = "Examples:\n  clawprint diff march.clawsnap april.clawsnap\n  clawprint diff old.json new.clawsnap --fail-on new-critical\n  clawprint diff a.clawsnap b.clawsnap --sarif > diff.sarif"
    )]
    Diff(DiffArgs),
    /// Plan, review, apply and roll back fixes: a reviewable change set, replayed on this host, verified and reversible
    #[command(
        after_help = "Examples:\n  clawprint fix plan host.clawsnap -o changes.json\n  clawprint fix show changes.json\n  clawprint fix apply changes.json --expect 1a2b3c…\n  clawprint fix rollback ~/.openclaw/.clawprint/fix/20260520T101500Z-1a2b3c4d5e6f"
    )]
    Fix(fix::FixArgs),
    /// List every check: id, area, severity rule, fixable, documentation
    #[command(
        after_help = "Examples:\n  clawprint checks\n  clawprint checks --json | jq -r '.[].id'\n  clawprint checks --markdown > checks.md"
    )]
    Checks {
        /// Print the checks as a JSON array
        #[arg(long)]
        json: bool,
        /// Print docs/checks.md (generated documentation)
        #[arg(long, conflicts_with = "json")]
        markdown: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) on stdout
    #[command(
        after_help = "Examples:\n  clawprint completions bash > ~/.local/share/bash-completion/completions/clawprint\n  clawprint completions zsh > ~/.zfunc/_clawprint\n  clawprint completions fish > ~/.config/fish/completions/clawprint.fish"
    )]
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on stdout, or write one page per subcommand into a directory
    #[command(
        after_help = "Examples:\n  clawprint man | man -l -\n  clawprint man > clawprint.1\n  clawprint man --dir /usr/local/share/man/man1"
    )]
    Man {
        /// Write clawprint.1 and one clawprint-<subcommand>.1 per subcommand into this directory
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFailOn {
    /// Any new finding
    New,
    /// A new critical finding, or one that became critical
    NewCritical,
    /// Any critical finding in NEW
    AnyCritical,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The earlier snapshot or saved report (`audit --json` of clawprint or of OpenClaw)
    pub old: PathBuf,
    /// The later snapshot or saved report
    pub new: PathBuf,
    /// Print the diff as JSON
    #[arg(long, conflicts_with = "sarif")]
    pub json: bool,
    /// Print SARIF 2.1.0 with baselineState per result
    #[arg(long)]
    pub sarif: bool,
    /// Exit 1 when this holds (for CI gates)
    #[arg(long, value_enum)]
    pub fail_on: Option<DiffFailOn>,
}

#[derive(Args, Debug, Clone)]
pub struct HostArgs {
    /// State dir (default: $OPENCLAW_STATE_DIR, else ~/.openclaw, else ~/.clawdbot)
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// Config file (default: $OPENCLAW_CONFIG_PATH, else <state dir>/openclaw.json)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Stop walking the state tree after this many entries (the snapshot records that it was cut)
    #[arg(long, value_name = "N", default_value_t = capture::DEFAULT_ENTRY_LIMIT)]
    pub entry_limit: u64,
}

#[derive(Args, Debug)]
pub struct CaptureArgs {
    #[command(flatten)]
    pub host: HostArgs,
    /// Output file (default: ./<label>-<id12>.clawsnap)
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Label stored beside the snapshot (not part of its id)
    #[arg(long, default_value = "host")]
    pub label: String,
    /// Record paths under the home dir with this prefix instead (e.g. /home/user), so the snapshot does not
    /// reveal the real home path and is the same wherever the host is laid out
    #[arg(long, value_name = "PATH")]
    pub home_alias: Option<String>,
    /// Also ask Docker about sandbox-browser containers (`docker ps`, `docker port`; 5 s in all). Runs `docker`
    /// from PATH, or the program named by $CLAWPRINT_DOCKER
    #[arg(long)]
    pub docker: bool,
    /// Print `{path, id, bytes, files, truncated, secrets, classes, notes}` as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Never,
    Info,
    Warn,
    Critical,
}

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// Snapshot file(s) or a directory of them (default: capture this host in memory). More than one, or a
    /// directory, audits them as a fleet: in parallel, one JSON line per snapshot
    pub snapshots: Vec<PathBuf>,
    /// Print the reference's JSON report shape
    #[arg(long, conflicts_with_all = ["sarif", "jsonl"])]
    pub json: bool,
    /// Print SARIF 2.1.0 (for code-scanning tools)
    #[arg(long, conflicts_with = "jsonl")]
    pub sarif: bool,
    /// Fleet: one JSON line per snapshot (the default output for a fleet)
    #[arg(long)]
    pub jsonl: bool,
    /// Fleet: how many snapshots have each checkId (a table; with --jsonl, a last JSON line)
    #[arg(long)]
    pub summary: bool,
    /// Exit 1 when a finding at or above this severity is reported
    #[arg(long, value_enum, default_value_t = FailOn::Never)]
    pub fail_on: FailOn,
    /// Fix this host like `openclaw security audit --fix` (plan + apply in one step, journaled and verified;
    /// with --json, the reference's `{fix, report, secretDiagnostics}` shape)
    #[arg(long, conflicts_with_all = ["sarif", "jsonl", "summary"])]
    pub fix: bool,
    #[command(flatten)]
    pub host: HostArgs,
}

/// Run the CLI; returns the process exit code.
pub fn main() -> i32 {
    // Die quietly on a closed pipe (`clawprint audit --json | head`), like other Unix tools, instead of
    // panicking in println!.
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(c) => c,
        Err(e) => {
            if !e.use_stderr() {
                // --help, --version
                let _ = e.print();
                return ExitCode::Ok as i32;
            }
            let _ = e.print();
            let mode = JsonMode::of_args(&args);
            if mode != JsonMode::Off {
                // clap has printed the text; the JSON object goes to stdout only.
                let err = CliError::new(ExitCode::Usage, usage_message(&e))
                    .hint("see `clawprint --help` or `clawprint <command> --help`");
                let v = err.to_json();
                match mode {
                    JsonMode::Lines => println!("{v}"),
                    _ => println!("{}", serde_json::to_string_pretty(&v).expect("serializes")),
                }
            }
            return ExitCode::Usage as i32;
        }
    };
    let mode = JsonMode::of_args(&args);
    match run(cli) {
        Ok(code) => code as i32,
        Err(e) => {
            e.report(mode);
            e.code as i32
        }
    }
}

/// clap's error as one line without its `error: ` prefix, usage and tips (those stay in the text on stderr).
fn usage_message(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let first = text.lines().next().unwrap_or_default();
    first.strip_prefix("error: ").unwrap_or(first).to_string()
}

pub fn run(cli: Cli) -> Result<ExitCode, CliError> {
    match cli.command {
        Command::Capture(a) => cmd_capture(a),
        Command::Audit(a) => cmd_audit(a),
        Command::Verify { snapshot, json } => cmd_verify(&snapshot, json),
        Command::Show { snapshot, json } => cmd_show(&snapshot, json),
        Command::Checks { json, markdown } => cmd_checks(json, markdown),
        Command::Diff(a) => cmd_diff(a),
        Command::Fix(a) => fix::run(a),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "clawprint", &mut std::io::stdout());
            Ok(ExitCode::Ok)
        }
        Command::Man { dir } => man::run(dir.as_deref()),
    }
}

fn host_spec(h: &HostArgs) -> Result<HostSpec, CliError> {
    let mut spec = HostSpec::from_process().context("cannot read the working directory")?;
    spec.state_dir = h.state_dir.clone();
    spec.config_path = h.config.clone();
    Ok(spec)
}

fn source_date_epoch() -> Option<u64> {
    std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()
}

fn capture_live(
    h: &HostArgs,
    label: &str,
    home_alias: Option<String>,
    docker: bool,
) -> Result<Snapshot, CliError> {
    let spec = host_spec(h)?;
    let opts = CaptureOptions {
        entry_limit: h.entry_limit,
        label: label.to_string(),
        captured_at: source_date_epoch(),
        home_alias,
        docker,
        // The Docker CLI `--docker` runs: `docker` from PATH unless CLAWPRINT_DOCKER names another.
        docker_program: std::env::var_os("CLAWPRINT_DOCKER")
            .filter(|p| !p.is_empty())
            .map(std::path::PathBuf::from),
        ..CaptureOptions::default()
    };
    Ok(capture::capture(&spec, &opts).context("capture failed")?)
}

fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn cmd_capture(a: CaptureArgs) -> Result<ExitCode, CliError> {
    let snap = capture_live(&a.host, &a.label, a.home_alias.clone(), a.docker)?;
    let m = &snap.manifest;
    let (files, truncated) = (m.files.len(), m.walk.truncated);
    let (secrets, classes) = (m.redaction.secrets, m.redaction.classes);
    let notes = m.diagnostics.len();
    // Consumes the snapshot: a big host's file list is freed before the archive is built.
    let (id, bytes) = snap.into_encoded().context("cannot encode the snapshot")?;
    let out = a
        .output
        .unwrap_or_else(|| PathBuf::from(format!("{}-{}.clawsnap", a.label, &id[..12])));
    write_atomic(&out, &bytes)?;
    if a.json {
        let v = serde_json::json!({
            "path": out.display().to_string(),
            "id": id,
            "bytes": bytes.len(),
            "files": files,
            "truncated": truncated,
            "secrets": secrets,
            "classes": classes,
            "notes": notes,
        });
        println!("{}", serde_json::to_string_pretty(&v).expect("serializes"));
        return Ok(ExitCode::Ok);
    }
    println!("captured {} ({} bytes)", out.display(), bytes.len());
    println!("id        {id}");
    println!(
        "files     {files}{}",
        if truncated {
            " (state tree truncated at the entry limit)"
        } else {
            ""
        }
    );
    println!("secrets   {secrets} redacted in {classes} classes");
    if notes > 0 {
        println!("notes     {notes} (see `clawprint show {}`)", out.display());
    }
    Ok(ExitCode::Ok)
}

/// Snapshot limits: the defaults, with the overrides of `CLAWPRINT_LIMITS` (a bad value is a usage error).
pub fn limits() -> Result<archive::Limits, CliError> {
    let name = archive::LIMITS_ENV;
    match std::env::var(name) {
        Ok(spec) => archive::Limits::with_overrides(&spec)
            .map_err(|e| CliError::new(ExitCode::Usage, format!("{name}: {e}"))),
        Err(std::env::VarError::NotPresent) => Ok(archive::Limits::default()),
        Err(std::env::VarError::NotUnicode(_)) => Err(CliError::new(
            ExitCode::Usage,
            format!("{name} is not valid UTF-8"),
        )),
    }
}

/// Read `path`, but never more than `limit` bytes: a larger file, or an endless input (`/dev/zero`, a pipe), is
/// refused at the limit instead of filling memory.
pub(crate) fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, CliError> {
    use std::io::Read;
    let cannot = |e: std::io::Error| {
        CliError::new(
            ExitCode::Usage,
            format!("cannot read {}: {e}", path.display()),
        )
    };
    let file = std::fs::File::open(path).map_err(cannot)?;
    let too_large = |size: String| {
        CliError::new(
            ExitCode::Integrity,
            format!(
                "{}: snapshot file is {size} bytes, over the max_compressed limit of {limit} bytes",
                path.display()
            ),
        )
        .hint(limit_hint("max_compressed"))
    };
    let meta = file.metadata().map_err(cannot)?;
    if meta.is_file() && meta.len() > limit {
        return Err(too_large(meta.len().to_string()));
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(format!("more than {limit}")));
    }
    Ok(bytes)
}

fn limit_hint(name: &str) -> String {
    format!(
        "if you trust this file, raise the limit, e.g. {}={name}=<size> (see docs/snapshot-container.md)",
        archive::LIMITS_ENV
    )
}

/// The exit-3 error for a snapshot that failed verification.
fn integrity_error(path: &Path, e: &crate::snapshot::SnapshotError) -> CliError {
    let err = CliError::new(ExitCode::Integrity, format!("{}: {e}", path.display()));
    match e {
        crate::snapshot::SnapshotError::Archive(a) if a.limit_name().is_some() => {
            err.hint(limit_hint(a.limit_name().unwrap_or_default()))
        }
        _ => {
            err.hint("the file is damaged or was not written by clawprint; capture the host again")
        }
    }
}

/// Read and verify a snapshot file, mapping problems to exit code 3.
pub fn read_snapshot(path: &Path) -> Result<Snapshot, CliError> {
    let limits = limits()?;
    let bytes = read_bounded(path, limits.max_compressed)?;
    Snapshot::from_bytes(&bytes, &limits).map_err(|e| integrity_error(path, &e))
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn cmd_audit(a: AuditArgs) -> Result<ExitCode, CliError> {
    if a.fix {
        return fix::audit_fix(&a);
    }
    let fleet_mode = a.snapshots.len() > 1
        || a.jsonl
        || a.summary
        || a.snapshots.first().is_some_and(|p| p.is_dir());
    if fleet_mode {
        if a.json || a.sarif {
            return Err(CliError::new(
                ExitCode::Usage,
                "--json and --sarif take one snapshot; a fleet prints JSON lines (--jsonl) and --summary",
            ));
        }
        return fleet::run(
            &a.snapshots,
            a.jsonl || !a.summary,
            a.summary,
            fail_threshold(a.fail_on),
        );
    }
    let snap = match a.snapshots.first() {
        Some(p) => read_snapshot(p)?,
        None => capture_live(&a.host, "live", None, false)?,
    };
    let report = audit::audit(&snap);
    if a.sarif {
        println!("{}", report::sarif::audit(&report, &snap));
    } else if a.json {
        println!("{}", report::json::render(&report, now_ms()));
    } else {
        let id = snap.id();
        let label = if snap.meta.label.is_empty() {
            "snapshot"
        } else {
            &snap.meta.label
        };
        print!(
            "{}",
            report::text::render(
                &report,
                &report::text::Header {
                    label,
                    id: &id,
                    home: &snap.manifest.host.home
                }
            )
        );
    }
    let threshold = fail_threshold(a.fail_on);
    let failed = threshold.is_some_and(|t| report.findings.iter().any(|f| f.severity >= t));
    Ok(if failed {
        ExitCode::Findings
    } else {
        ExitCode::Ok
    })
}

fn fail_threshold(f: FailOn) -> Option<Severity> {
    match f {
        FailOn::Never => None,
        FailOn::Info => Some(Severity::Info),
        FailOn::Warn => Some(Severity::Warn),
        FailOn::Critical => Some(Severity::Critical),
    }
}

fn read_input(path: &Path) -> Result<crate::diff::Input, CliError> {
    let limits = limits()?;
    let bytes = read_bounded(path, limits.max_compressed)?;
    let label = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    crate::diff::Input::from_bytes_limited(&bytes, &label, &limits).map_err(|e| match e {
        crate::diff::InputError::Snapshot(e) => integrity_error(path, &e),
        e => CliError::new(ExitCode::Integrity, format!("{}: {e}", path.display()))
            .hint("give a snapshot written by `clawprint capture` or a report from `audit --json`"),
    })
}

fn cmd_diff(a: DiffArgs) -> Result<ExitCode, CliError> {
    let (old, new) = (read_input(&a.old)?, read_input(&a.new)?);
    let d = crate::diff::diff(&old, &new);
    if a.sarif {
        println!("{}", report::sarif::diff(&d, &old, &new));
    } else if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&d).expect("diff serializes")
        );
    } else {
        print!("{}", report::diff::render(&d));
    }
    let gate = a.fail_on.map(|g| match g {
        DiffFailOn::New => crate::diff::Gate::New,
        DiffFailOn::NewCritical => crate::diff::Gate::NewCritical,
        DiffFailOn::AnyCritical => crate::diff::Gate::AnyCritical,
    });
    Ok(if gate.is_some_and(|g| d.fails(g)) {
        ExitCode::Findings
    } else {
        ExitCode::Ok
    })
}

fn cmd_verify(path: &Path, json: bool) -> Result<ExitCode, CliError> {
    let snap = read_snapshot(path)?;
    let m = &snap.manifest;
    if json {
        let v = serde_json::json!({
            "ok": true,
            "id": snap.id(),
            "format": m.format,
            "files": m.files.len(),
            "blobs": snap.blobs.len(),
        });
        println!("{}", serde_json::to_string_pretty(&v).expect("serializes"));
        return Ok(ExitCode::Ok);
    }
    println!(
        "ok {} (format {}, {} files, {} blobs, all hashes match)",
        snap.id(),
        m.format,
        m.files.len(),
        snap.blobs.len()
    );
    Ok(ExitCode::Ok)
}

fn cmd_show(path: &Path, json: bool) -> Result<ExitCode, CliError> {
    let snap = read_snapshot(path)?;
    if json {
        let v = serde_json::json!({
            "id": snap.id(),
            "meta": snap.meta,
            "manifest": snap.manifest,
        });
        println!("{}", serde_json::to_string_pretty(&v).expect("serializes"));
        return Ok(ExitCode::Ok);
    }
    print!("{}", report::text::show(&snap));
    Ok(ExitCode::Ok)
}

fn cmd_checks(json: bool, markdown: bool) -> Result<ExitCode, CliError> {
    let checks = registry::all();
    if markdown {
        print!("{}", registry::markdown());
    } else if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&checks).expect("serializes")
        );
    } else {
        let done = checks.iter().filter(|c| c.implemented).count();
        for c in &checks {
            println!(
                "{:<52} {:<10} {:<8} {}{}",
                c.id,
                c.area.as_str(),
                if c.fixable { "fixable" } else { "" },
                c.severity,
                if c.implemented {
                    ""
                } else {
                    "  [not implemented: --deep only]"
                }
            );
        }
        println!(
            "\n{done} of {} checks implemented ({} need the reference's --deep probes).",
            checks.len(),
            checks.len() - done
        );
    }
    Ok(ExitCode::Ok)
}
