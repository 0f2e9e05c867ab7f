//! Progress on stderr for work that takes more than a moment (a big capture, a fleet audit): drawn only when
//! stderr is a terminal, and only once the work has run for [`DELAY`], so quick runs never flicker a bar.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::capture::{Progress, ProgressHook};

/// How long work runs before its progress appears.
pub const DELAY: Duration = Duration::from_millis(300);

/// A bar (known length) or spinner that stays hidden until [`DELAY`] has passed.
pub struct Delayed {
    pb: ProgressBar,
    /// Set when the work is done; guards the switch to the terminal, so a bar never appears after it.
    done: Arc<Mutex<bool>>,
}

impl Delayed {
    /// `None` when stderr is not a terminal.
    pub fn new(len: Option<u64>, template: &str) -> Option<Delayed> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        Some(Delayed::with_target(
            len,
            template,
            ProgressDrawTarget::stderr,
        ))
    }

    fn with_target(
        len: Option<u64>,
        template: &str,
        target: fn() -> ProgressDrawTarget,
    ) -> Delayed {
        let pb = ProgressBar::with_draw_target(len, ProgressDrawTarget::hidden());
        pb.set_style(
            ProgressStyle::with_template(template)
                .expect("valid template")
                .progress_chars("=> "),
        );
        let done = Arc::new(Mutex::new(false));
        let (bar, flag) = (pb.clone(), done.clone());
        std::thread::spawn(move || {
            std::thread::sleep(DELAY);
            let done = flag.lock().unwrap_or_else(|e| e.into_inner());
            if !*done {
                bar.set_draw_target(target());
                bar.enable_steady_tick(Duration::from_millis(120));
            }
        });
        Delayed { pb, done }
    }

    pub fn bar(&self) -> &ProgressBar {
        &self.pb
    }

    /// Stop and erase the bar (if it was ever drawn).
    pub fn finish(&self) {
        let mut done = self.done.lock().unwrap_or_else(|e| e.into_inner());
        *done = true;
        self.pb.finish_and_clear();
    }
}

impl Drop for Delayed {
    fn drop(&mut self) {
        self.finish();
    }
}

/// A capture's progress hook drawing a delayed spinner: the stage, and the entries walked.
pub fn capture_spinner() -> Option<(Delayed, ProgressHook)> {
    let d = Delayed::new(None, "{spinner} capturing: {msg} ({elapsed})")?;
    let pb = d.bar().clone();
    let hook = ProgressHook(Arc::new(move |p: Progress| match p {
        Progress::Stage(s) => pb.set_message(s),
        Progress::Walked(n) => pb.set_message(format!("state tree, {n} entries")),
    }));
    Some((d, hook))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appears_only_after_the_delay_and_never_after_finish() {
        // A quick job: finished before the delay, the bar stays hidden for good.
        let quick = Delayed::with_target(Some(3), "{pos}", ProgressDrawTarget::hidden);
        quick.bar().inc(1);
        quick.finish();
        std::thread::sleep(DELAY + Duration::from_millis(100));
        assert!(quick.bar().is_hidden());
        assert!(quick.bar().is_finished());
        // A slow job: past the delay the bar is switched to its target (a terminal-like sink here).
        let slow = Delayed::with_target(Some(3), "{pos}", || {
            ProgressDrawTarget::term_like(Box::new(Sink))
        });
        assert!(slow.bar().is_hidden());
        std::thread::sleep(DELAY + Duration::from_millis(200));
        assert!(!slow.bar().is_hidden());
        slow.finish();
    }

    #[derive(Debug)]
    struct Sink;
    impl indicatif::TermLike for Sink {
        fn width(&self) -> u16 {
            80
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, _: &str) -> std::io::Result<()> {
            Ok(())
        }
        fn write_str(&self, _: &str) -> std::io::Result<()> {
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }
}
