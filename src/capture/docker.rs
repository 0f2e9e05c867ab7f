//! Sandbox-browser containers, asked of Docker by `capture --docker`. The only place clawprint runs a process;
//! the audit only reads what this recorded.
//!
//! Two read-only commands, the same questions OpenClaw's audit asks:
//! `docker ps -a --filter label=openclaw.sandboxBrowser=1 --format '{{.Names}}\t<configHash>\t<epoch>'` (the
//! labels come with the listing instead of one `docker inspect` per container), then `docker port <name>` per
//! container. All of it shares one deadline ([`TIMEOUT`]): each command runs in its own process group with stdin
//! closed and is killed, with anything it started, when the deadline passes, so a hung daemon or CLI never blocks
//! the capture. Output is read on helper threads and capped.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use super::Capturer;
use crate::config::identity::Context;
use crate::snapshot::{BrowserContainer, DockerFacts, EPOCH_LABEL, HASH_LABEL};

/// Budget for the whole probe.
pub const TIMEOUT: Duration = Duration::from_secs(5);
/// At most this many bytes are kept of a command's stdout (and of its stderr).
const OUTPUT_CAP: u64 = 1024 * 1024;
/// A Docker message is recorded up to this many characters.
const MESSAGE_MAX_CHARS: usize = 200;
/// At most this many containers are asked about.
const MAX_CONTAINERS: usize = 500;

const LABEL_FILTER: &str = "label=openclaw.sandboxBrowser=1";

pub(super) fn probe(c: &mut Capturer) -> DockerFacts {
    let program = c
        .opts
        .docker_program
        .clone()
        .unwrap_or_else(|| "docker".into());
    let mut facts = probe_with(program.as_os_str(), TIMEOUT);
    facts.message = facts
        .message
        .map(|m| scrub(c, &m).chars().take(MESSAGE_MAX_CHARS).collect());
    if facts.status != "ok" {
        let message = facts.message.clone().unwrap_or_default();
        c.diag(
            Path::new(""),
            &format!("docker.{}", facts.status),
            format!(
                "Docker probe {}: {message}; sandbox-browser container checks have no data",
                facts.status
            ),
        );
    }
    facts
}

/// A Docker message as recorded. Docker's errors repeat `DOCKER_HOST` (a socket under the home dir, the user
/// and host of `ssh://user@host`, the ssh command line it ran) and ssh's own errors name the local user: paths
/// under the home dir take its alias, and, when identities are pseudonymized, the `DOCKER_HOST` user and host and
/// the local user name (`$USER`, `$LOGNAME`, the name of `$HOME`) their pseudonyms wherever they stand as words.
fn scrub(c: &mut Capturer, message: &str) -> String {
    let mut out = c.rec_text(message);
    if !c.redactor.ids.enabled() {
        return out;
    }
    let env = |k: &str| c.spec.env.get(k).map(|v| v.trim().to_string());
    let mut words: Vec<(String, String)> = Vec::new();
    if let Some((user, host)) = env("DOCKER_HOST").as_deref().and_then(remote_parts) {
        let host_pseudo = c.redactor.ids.host(&host);
        words.push((host, host_pseudo));
        if let Some(u) = user {
            let p = c.redactor.ids.entry(Context::Generic, &u);
            words.push((u, p));
        }
    }
    // (The OS home's name, not `OPENCLAW_HOME`'s: `/srv/openclaw` names no one.)
    let os_home = super::discover::os_home(&c.spec.env, &c.spec.cwd)
        .and_then(|h| h.file_name().map(|n| n.to_string_lossy().into_owned()));
    for name in [env("USER"), env("LOGNAME"), os_home].into_iter().flatten() {
        // Names too short or too common to be a person's are left alone (`/root` is not aliased either).
        if name.len() >= 3 && !matches!(name.as_str(), "root" | "user" | "docker") {
            let p = c.redactor.ids.entry(Context::Generic, &name);
            words.push((name, p));
        }
    }
    words.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    for (word, pseudo) in words {
        out = replace_word(&out, &word, &pseudo);
    }
    out
}

/// The user and host of a remote `DOCKER_HOST` (`ssh://user@host:22`, `tcp://host:2376`); `None` for a local
/// socket or a value that names no host.
fn remote_parts(docker_host: &str) -> Option<(Option<String>, String)> {
    let (scheme, rest) = docker_host.split_once("://")?;
    if matches!(scheme, "unix" | "npipe" | "fd") {
        return None;
    }
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let (user, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u.split(':').next().unwrap_or(u).to_string()), h),
        None => (None, authority),
    };
    let host = match hostport.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => hostport.rsplit_once(':').map_or(hostport, |(h, _)| h),
    };
    (!host.is_empty()).then(|| (user.filter(|u| !u.is_empty()), host.to_string()))
}

/// `text` with every occurrence of `word` that is not part of a longer name replaced by `by`.
fn replace_word(text: &str, word: &str, by: &str) -> String {
    if word.is_empty() || word == by {
        return text.to_string();
    }
    let name_char =
        |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(word) {
        out.push_str(&rest[..i]);
        rest = &rest[i + word.len()..];
        let before = out.chars().next_back();
        // A name may end a sentence: a `.` not followed by more of a name is a boundary.
        let mut after = rest.chars();
        let after_ok = match after.next() {
            Some('.') => !name_char(after.next()),
            c => !name_char(c),
        };
        out.push_str(if !name_char(before) && after_ok {
            by
        } else {
            word
        });
    }
    out.push_str(rest);
    out
}

enum RunError {
    /// The program could not be started.
    Spawn(std::io::Error),
    Timeout,
}

struct Output {
    success: bool,
    stdout: String,
    stderr: String,
}

/// Run `program args…` until it exits or `deadline` passes (then it and its process group are killed).
fn run(program: &OsStr, args: &[&str], deadline: Instant) -> Result<Output, RunError> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(RunError::Spawn)?;
    let out_rx = reader(child.stdout.take());
    let err_rx = reader(child.stderr.take());
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
            _ => {
                kill(&mut child);
                return Err(RunError::Timeout);
            }
        }
    };
    // Something the command started may still hold its output open: the deadline bounds that too.
    let left = deadline.saturating_duration_since(Instant::now());
    let stdout = out_rx.recv_timeout(left);
    let left = deadline.saturating_duration_since(Instant::now());
    let stderr = err_rx.recv_timeout(left.max(Duration::from_millis(50)));
    let Ok(stdout) = stdout else {
        kill(&mut child);
        return Err(RunError::Timeout);
    };
    Ok(Output {
        success: status.success(),
        stdout,
        stderr: stderr.unwrap_or_default(),
    })
}

/// Read a pipe to its end (capped) on a helper thread; the text arrives on the returned channel.
fn reader(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(p) = pipe {
            let _ = p.take(OUTPUT_CAP).read_to_end(&mut buf);
        }
        let _ = tx.send(String::from_utf8_lossy(&buf).into_owned());
    });
    rx
}

fn kill(child: &mut Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: signals the process group the child leads (created by `process_group(0)`); no memory is touched.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// First line of a command's error output (shortened only once scrubbed: a cut name is no longer a word).
fn first_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .to_string()
}

fn facts(status: &str, message: Option<String>, containers: Vec<BrowserContainer>) -> DockerFacts {
    DockerFacts {
        status: status.into(),
        message,
        containers,
    }
}

/// The probe with an explicit program and budget.
pub(super) fn probe_with(program: &OsStr, budget: Duration) -> DockerFacts {
    let deadline = Instant::now() + budget;
    let format = format!(
        "{{{{.Names}}}}\t{{{{.Label \"{HASH_LABEL}\"}}}}\t{{{{.Label \"{EPOCH_LABEL}\"}}}}"
    );
    let listing = match run(
        program,
        &["ps", "-a", "--filter", LABEL_FILTER, "--format", &format],
        deadline,
    ) {
        Ok(o) if o.success => o.stdout,
        Ok(o) => {
            let msg = first_line(&o.stderr);
            let unreachable = msg.contains("Cannot connect to the Docker daemon")
                || msg.contains("permission denied while trying to connect")
                || msg.contains("Is the docker daemon running");
            let status = if unreachable { "unavailable" } else { "error" };
            let msg = if msg.is_empty() {
                "`docker ps` failed".to_string()
            } else {
                msg
            };
            return facts(status, Some(msg), Vec::new());
        }
        Err(RunError::Spawn(e)) => {
            return facts(
                "unavailable",
                Some(format!("cannot run {}: {e}", program.to_string_lossy())),
                Vec::new(),
            )
        }
        Err(RunError::Timeout) => {
            return facts(
                "timeout",
                Some(format!(
                    "`docker ps` did not finish within {} s",
                    budget.as_secs_f32()
                )),
                Vec::new(),
            )
        }
    };
    let mut containers: BTreeMap<String, BrowserContainer> = BTreeMap::new();
    for line in listing.lines() {
        let mut cols = line.split('\t');
        let name = cols.next().unwrap_or("").trim();
        // Names come from Docker; one starting with `-` would read as an option.
        if name.is_empty() || name.starts_with('-') || containers.len() >= MAX_CONTAINERS {
            continue;
        }
        let mut labels = BTreeMap::new();
        for key in [HASH_LABEL, EPOCH_LABEL] {
            let v = cols.next().unwrap_or("").trim();
            if !v.is_empty() {
                labels.insert(key.to_string(), v.to_string());
            }
        }
        containers.insert(
            name.to_string(),
            BrowserContainer {
                name: name.to_string(),
                labels,
                published: Vec::new(),
            },
        );
    }
    let names: Vec<String> = containers.keys().cloned().collect();
    for name in names {
        match run(program, &["port", &name], deadline) {
            Ok(o) if o.success => {
                let c = containers.get_mut(&name).expect("listed");
                c.published = o
                    .stdout
                    .lines()
                    .filter_map(|l| {
                        let rhs = l.rsplit("->").next().unwrap_or("").trim();
                        (!rhs.is_empty()).then(|| rhs.to_string())
                    })
                    .collect();
            }
            // OpenClaw skips a container whose ports it cannot read.
            Ok(_) => {}
            Err(RunError::Spawn(e)) => {
                return facts(
                    "error",
                    Some(format!("cannot run {}: {e}", program.to_string_lossy())),
                    Vec::new(),
                );
            }
            Err(RunError::Timeout) => {
                // Keep what was fully probed: the containers before this one.
                containers.retain(|n, _| n < &name);
                return facts(
                    "timeout",
                    Some(format!(
                        "`docker port {name}` did not finish within the {} s budget; later containers not probed",
                        budget.as_secs_f32()
                    )),
                    containers.into_values().collect(),
                );
            }
        }
    }
    facts("ok", None, containers.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::path::PathBuf;

    fn script(dir: &Path, body: &str) -> PathBuf {
        let p = dir.join("docker");
        std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p
    }

    #[test]
    fn lists_containers_labels_and_published_ports() {
        let tmp = tempfile::tempdir().unwrap();
        let fake = script(
            tmp.path(),
            r#"case "$1" in
  ps) [ "$4" = "label=openclaw.sandboxBrowser=1" ] || exit 3
      printf 'b-browser\t\t2026-01-01-old\n'
      printf 'a-browser\tabc123\t2026-05-12-cdp-relay-auth\n' ;;
  port) if [ "$2" = a-browser ]; then printf '9222/tcp -> 127.0.0.1:9222\n6080/tcp -> [::]:6080\n'; fi ;;
  *) exit 2 ;;
esac"#,
        );
        let f = probe_with(fake.as_os_str(), Duration::from_secs(5));
        assert_eq!(f.status, "ok", "{:?}", f.message);
        assert_eq!(f.containers.len(), 2);
        let a = &f.containers[0];
        assert_eq!(a.name, "a-browser");
        assert_eq!(a.labels.get(HASH_LABEL).map(String::as_str), Some("abc123"));
        assert_eq!(a.published, ["127.0.0.1:9222", "[::]:6080"]);
        let b = &f.containers[1];
        assert_eq!(b.name, "b-browser");
        assert!(!b.labels.contains_key(HASH_LABEL));
        assert_eq!(
            b.labels.get(EPOCH_LABEL).map(String::as_str),
            Some("2026-01-01-old")
        );
        assert!(b.published.is_empty());
    }

    #[test]
    fn remote_docker_hosts_and_words() {
        assert_eq!(
            remote_parts("ssh://alice@bastion.corp:22"),
            Some((Some("alice".into()), "bastion.corp".into()))
        );
        assert_eq!(
            remote_parts("tcp://[2001:db8::5]:2376"),
            Some((None, "2001:db8::5".into()))
        );
        assert_eq!(remote_parts("unix:///home/alice/docker.sock"), None);
        assert_eq!(remote_parts("alice"), None);
        assert_eq!(
            replace_word(
                "-l alice -- alice@b; alicex .alice. alice.",
                "alice",
                "user1"
            ),
            "-l user1 -- user1@b; alicex .alice. user1."
        );
    }

    #[test]
    fn missing_binary_is_unavailable() {
        let tmp = tempfile::tempdir().unwrap();
        let f = probe_with(
            tmp.path().join("no-docker").as_os_str(),
            Duration::from_secs(5),
        );
        assert_eq!(f.status, "unavailable");
        assert!(f.containers.is_empty());
    }

    #[test]
    fn failing_daemon_is_unavailable_and_other_failures_are_errors() {
        let tmp = tempfile::tempdir().unwrap();
        let fake = script(
            tmp.path(),
            "echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock.' >&2; exit 1",
        );
        assert_eq!(probe_with(fake.as_os_str(), TIMEOUT).status, "unavailable");
        let fake = script(tmp.path(), "echo 'unknown flag: --filter' >&2; exit 125");
        let f = probe_with(fake.as_os_str(), TIMEOUT);
        assert_eq!(f.status, "error");
        assert_eq!(f.message.as_deref(), Some("unknown flag: --filter"));
    }

    #[test]
    fn hanging_binary_times_out_and_is_killed() {
        let tmp = tempfile::tempdir().unwrap();
        let marker = tmp.path().join("still-running");
        // The grandchild keeps stdout open; killing only the shell would leave the probe waiting on the pipe.
        let fake = script(
            tmp.path(),
            &format!("(sleep 1; touch '{}') & sleep 30", marker.display()),
        );
        let start = Instant::now();
        let f = probe_with(fake.as_os_str(), Duration::from_millis(300));
        let took = start.elapsed();
        assert_eq!(f.status, "timeout");
        assert!(took < Duration::from_secs(2), "took {took:?}");
        thread::sleep(Duration::from_millis(1500));
        assert!(!marker.exists(), "the process group was not killed");
    }

    #[test]
    fn port_timeout_keeps_the_containers_already_probed() {
        let tmp = tempfile::tempdir().unwrap();
        let fake = script(
            tmp.path(),
            r#"case "$1" in
  ps) printf 'a\tabc\tx\nb\tdef\ty\n' ;;
  port) [ "$2" = a ] && { echo '9222/tcp -> 0.0.0.0:9222'; exit 0; }; sleep 30 ;;
esac"#,
        );
        let f = probe_with(fake.as_os_str(), Duration::from_millis(800));
        assert_eq!(f.status, "timeout");
        assert_eq!(f.containers.len(), 1);
        assert_eq!(f.containers[0].published, ["0.0.0.0:9222"]);
    }

    #[test]
    fn capture_records_docker_facts_only_when_asked() {
        let tmp = tempfile::tempdir().unwrap();
        let fake = script(
            tmp.path(),
            r#"case "$1" in ps) printf 'sb\t\t\n' ;; port) echo '9222/tcp -> 0.0.0.0:9222' ;; esac"#,
        );
        let home = tmp.path().join("home");
        std::fs::create_dir(&home).unwrap();
        let spec = crate::capture::HostSpec::for_home(&home);
        let mut opts = crate::capture::CaptureOptions {
            docker_program: Some(fake),
            ..Default::default()
        };
        let snap = crate::capture::capture(&spec, &opts).unwrap();
        assert!(snap.manifest.docker.is_none());
        opts.docker = true;
        let snap = crate::capture::capture(&spec, &opts).unwrap();
        let d = snap.manifest.docker.as_ref().unwrap();
        assert_eq!(d.status, "ok");
        assert_eq!(d.containers[0].published, ["0.0.0.0:9222"]);
        let ids: Vec<String> = crate::audit::audit(&snap)
            .findings
            .into_iter()
            .map(|f| f.check_id)
            .filter(|i| i.starts_with("sandbox."))
            .collect();
        assert_eq!(
            ids,
            [
                "sandbox.browser_container.hash_label_missing",
                "sandbox.browser_container.hash_epoch_stale",
                "sandbox.browser_container.non_loopback_publish"
            ]
        );
        // Docker missing: a note in the report, no findings.
        opts.docker_program = Some(tmp.path().join("absent"));
        let snap = crate::capture::capture(&spec, &opts).unwrap();
        assert_eq!(snap.manifest.docker.as_ref().unwrap().status, "unavailable");
        let report = crate::audit::audit(&snap);
        assert!(report
            .notes
            .iter()
            .any(|n| n.message.contains("Docker probe unavailable")));
    }
}
