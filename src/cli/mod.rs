//! Command line: argument parsing, output, exit codes. Nothing below this module knows about any of them.

mod error;
pub mod fix;
pub mod fleet;
pub mod man;
mod progress;
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
    /// Colour the text output: auto (when stdout is a terminal and NO_COLOR is not set), always, never
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether to colour: `always` and `never` win; `auto` colours a terminal unless `NO_COLOR` is set to a
/// non-empty value (no-color.org).
pub fn color_on(when: ColorWhen, is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => is_terminal && no_color.is_none_or(|v| v.is_empty()),
    }
}

/// Output formats of `audit`, `diff` and `fix plan|show` (each command accepts the ones it can produce).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people (the default)
    Text,
    /// GitHub-flavoured Markdown, for tickets
    Markdown,
    /// One self-contained HTML file (no external assets)
    Html,
    /// JSON (`audit`: the reference's report shape)
    Json,
    /// SARIF 2.1.0, for code-scanning tools
    Sarif,
    /// A fleet: one JSON line per snapshot
    Jsonl,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Jsonl => "jsonl",
        }
    }
}

/// The one format asked for by `--format` and the alias flags (`--json`, …); two that disagree are a usage
/// error. `None`: nothing asked.
pub fn pick_format(
    format: Option<Format>,
    aliases: &[(bool, Format)],
) -> Result<Option<Format>, CliError> {
    let mut picked = format;
    for &(set, f) in aliases {
        if !set {
            continue;
        }
        match picked {
            Some(p) if p != f => {
                return Err(CliError::new(
                    ExitCode::Usage,
                    format!(
                        "--{} and --format {} ask for two output formats",
                        f.name(),
                        p.name()
                    ),
                )
                .hint("give one: --format text|markdown|html|json|sarif"))
            }
            _ => picked = Some(f),
        }
    }
    Ok(picked)
}

/// The format is not one this command can print.
fn unsupported(f: Format, what: &str, supported: &str) -> CliError {
    CliError::new(
        ExitCode::Usage,
        format!("{what} cannot print --format {}", f.name()),
    )
    .hint(format!("use --format {supported}"))
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
    /// Output format: text, markdown (for tickets), html (one self-contained file), json, sarif
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Print the diff as JSON (same as --format json)
    #[arg(long, conflicts_with = "sarif")]
    pub json: bool,
    /// Print SARIF 2.1.0 with baselineState per result (same as --format sarif)
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
    /// Record paths under the home dir with this prefix instead (e.g. /home/user), so the snapshot is the same
    /// wherever the host is laid out (default: the home dir's parent + `/user`, unless --keep-identities)
    #[arg(long, value_name = "PATH")]
    pub home_alias: Option<String>,
    /// Keep identities (allowlist entries, chat and group ids, phone numbers, e-mails, the home dir's name) as
    /// they are instead of pseudonyms; needed to `fix apply` a plan made from this snapshot on this host
    #[arg(long)]
    pub keep_identities: bool,
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
    /// Output format: text, markdown (for tickets), html (one self-contained file), json, sarif; jsonl for a
    /// fleet
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Print the reference's JSON report shape (same as --format json)
    #[arg(long, conflicts_with_all = ["sarif", "jsonl"])]
    pub json: bool,
    /// Print SARIF 2.1.0 (for code-scanning tools; same as --format sarif)
    #[arg(long, conflicts_with = "jsonl")]
    pub sarif: bool,
    /// Fleet: one JSON line per snapshot (the default output for a fleet; same as --format jsonl)
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
    use std::io::IsTerminal;
    let style = report::Style::new(color_on(
        cli.color,
        std::io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    ));
    match cli.command {
        Command::Capture(a) => cmd_capture(a),
        Command::Audit(a) => cmd_audit(a, style),
        Command::Verify { snapshot, json } => cmd_verify(&snapshot, json),
        Command::Show { snapshot, json } => cmd_show(&snapshot, json),
        Command::Checks { json, markdown } => cmd_checks(json, markdown),
        Command::Diff(a) => cmd_diff(a, style),
        Command::Fix(a) => fix::run(a, style),
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

/// An in-memory capture of this host for the live audit and fix commands: identities kept (their findings name
/// the real paths the operator acts on; nothing is written). With `progress`, a spinner on stderr when it takes
/// more than a moment.
fn capture_live(
    h: &HostArgs,
    label: &str,
    home_alias: Option<String>,
    docker: bool,
    progress: bool,
) -> Result<Snapshot, CliError> {
    capture_host(h, label, home_alias, docker, true, progress)
}

fn capture_host(
    h: &HostArgs,
    label: &str,
    home_alias: Option<String>,
    docker: bool,
    keep_identities: bool,
    progress: bool,
) -> Result<Snapshot, CliError> {
    let spec = host_spec(h)?;
    let spinner = if progress {
        progress::capture_spinner()
    } else {
        None
    };
    let opts = CaptureOptions {
        progress: spinner.as_ref().map(|s| s.1.clone()),
        keep_identities,
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
    let snap = capture::capture(&spec, &opts).context("capture failed");
    if let Some((bar, _)) = spinner {
        bar.finish();
    }
    Ok(snap?)
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
    let snap = capture_host(
        &a.host,
        &a.label,
        a.home_alias.clone(),
        a.docker,
        a.keep_identities,
        true,
    )?;
    let m = &snap.manifest;
    let (files, truncated) = (m.files.len(), m.walk.truncated);
    let (secrets, classes) = (m.redaction.secrets, m.redaction.classes);
    let identities = m.redaction.identities.clone().unwrap_or_default();
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
            "identities": {
                "mode": identities.mode,
                "values": identities.values,
                "classes": identities.classes,
                "homeAlias": identities.home_alias,
            },
            "notes": notes,
        });
        println!("{}", serde_json::to_string_pretty(&v).expect("serializes"));
        return Ok(ExitCode::Ok);
    }
    println!("captured {} ({} bytes)", out.display(), bytes.len());
    println!("id          {id}");
    println!(
        "files       {files}{}",
        if truncated {
            " (state tree truncated at the entry limit)"
        } else {
            ""
        }
    );
    println!("secrets     {secrets} redacted in {classes} classes");
    if identities.mode == "kept" {
        println!("identities  kept (--keep-identities)");
    } else {
        println!(
            "identities  {} pseudonymized in {} classes{}",
            identities.values,
            identities.classes,
            identities
                .home_alias
                .as_deref()
                .map(|h| format!("; home recorded as {h}"))
                .unwrap_or_default()
        );
    }
    if notes > 0 {
        println!(
            "notes       {notes} (see `clawprint show {}`)",
            out.display()
        );
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

fn cmd_audit(a: AuditArgs, style: report::Style) -> Result<ExitCode, CliError> {
    let format = pick_format(
        a.format,
        &[
            (a.json, Format::Json),
            (a.sarif, Format::Sarif),
            (a.jsonl, Format::Jsonl),
        ],
    )?;
    if a.fix {
        return match format {
            None | Some(Format::Text | Format::Json) => {
                fix::audit_fix(&a, format == Some(Format::Json), style)
            }
            Some(f) => Err(unsupported(f, "audit --fix", "text or json")),
        };
    }
    let fleet_mode = a.snapshots.len() > 1
        || format == Some(Format::Jsonl)
        || a.summary
        || a.snapshots.first().is_some_and(|p| p.is_dir());
    if fleet_mode {
        if let Some(f) = format.filter(|f| *f != Format::Jsonl) {
            return Err(CliError::new(
                ExitCode::Usage,
                format!(
                    "--format {} takes one snapshot; a fleet prints JSON lines (--format jsonl) and --summary",
                    f.name()
                ),
            ));
        }
        return fleet::run(
            &a.snapshots,
            format == Some(Format::Jsonl) || !a.summary,
            a.summary,
            fail_threshold(a.fail_on),
        );
    }
    let format = format.unwrap_or(Format::Text);
    let human = matches!(format, Format::Text | Format::Markdown | Format::Html);
    let source = a.snapshots.first();
    let snap = match source {
        Some(p) => read_snapshot(p)?,
        None => capture_live(&a.host, "live", None, false, human)?,
    };
    let report = audit::audit(&snap);
    let plan = human.then(|| crate::fix::plan(&snap));
    let shown = source.map(|p| p.to_string_lossy().into_owned());
    let doc = report::AuditDoc::new(&snap, shown.as_deref(), &report, plan.as_ref());
    match format {
        Format::Sarif => println!("{}", report::sarif::audit(&report, &snap)),
        Format::Json => println!("{}", report::json::render(&report, now_ms())),
        Format::Markdown => print!("{}", report::markdown::audit(&doc)),
        Format::Html => print!("{}", report::html::audit(&doc)),
        _ => print!("{}", report::text::render(&doc, style)),
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

fn cmd_diff(a: DiffArgs, style: report::Style) -> Result<ExitCode, CliError> {
    let format = pick_format(
        a.format,
        &[(a.json, Format::Json), (a.sarif, Format::Sarif)],
    )?
    .unwrap_or(Format::Text);
    if format == Format::Jsonl {
        return Err(unsupported(
            format,
            "diff",
            "text, markdown, html, json or sarif",
        ));
    }
    let (old, new) = (read_input(&a.old)?, read_input(&a.new)?);
    let d = crate::diff::diff(&old, &new);
    let doc = report::DiffDoc {
        diff: &d,
        home: new
            .snapshot()
            .or(old.snapshot())
            .map(|s| s.manifest.host.home.clone()),
    };
    match format {
        Format::Sarif => println!("{}", report::sarif::diff(&d, &old, &new)),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&d).expect("diff serializes")
        ),
        Format::Markdown => print!("{}", report::markdown::diff(&doc)),
        Format::Html => print!("{}", report::html::diff(&doc)),
        _ => print!("{}", report::diff::render(&doc, style)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn colour_follows_the_terminal_no_color_and_the_flag() {
        let set = Some(OsStr::new("1"));
        let empty = Some(OsStr::new(""));
        assert!(color_on(ColorWhen::Auto, true, None));
        assert!(!color_on(ColorWhen::Auto, false, None));
        assert!(!color_on(ColorWhen::Auto, true, set));
        // An empty NO_COLOR does not disable colour (no-color.org).
        assert!(color_on(ColorWhen::Auto, true, empty));
        assert!(color_on(ColorWhen::Always, false, set));
        assert!(!color_on(ColorWhen::Never, true, None));
    }

    #[test]
    fn formats_and_aliases_must_agree() {
        let f = |format, json, sarif| {
            pick_format(format, &[(json, Format::Json), (sarif, Format::Sarif)])
        };
        assert_eq!(f(None, false, false).unwrap(), None);
        assert_eq!(f(None, true, false).unwrap(), Some(Format::Json));
        assert_eq!(
            f(Some(Format::Json), true, false).unwrap(),
            Some(Format::Json)
        );
        assert_eq!(
            f(Some(Format::Html), false, false).unwrap(),
            Some(Format::Html)
        );
        let e = f(Some(Format::Html), true, false).unwrap_err();
        assert_eq!(e.code, ExitCode::Usage);
        assert!(
            e.message.contains("--json and --format html"),
            "{}",
            e.message
        );
        assert!(f(None, true, true).is_err());
    }
}
