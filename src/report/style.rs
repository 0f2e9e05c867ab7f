//! Terminal colour for the text renderers: a handful of ANSI SGR codes, on only when the CLI says so (a
//! terminal, `NO_COLOR` unset, or `--color=always`). With colour off every method returns its input unchanged,
//! so the plain rendering is byte-for-byte what a file or a pipe gets.

use crate::audit::Severity;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    on: bool,
}

impl Style {
    /// No colour: what files, pipes and tests get.
    pub const PLAIN: Style = Style { on: false };

    pub fn new(on: bool) -> Style {
        Style { on }
    }

    pub fn enabled(self) -> bool {
        self.on
    }

    fn paint(self, sgr: &str, s: &str) -> String {
        if self.on && !s.is_empty() {
            format!("\x1b[{sgr}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    /// A severity label or heading: critical red, warn yellow, info cyan (all bold).
    pub fn severity(self, sev: Severity, s: &str) -> String {
        self.paint(
            match sev {
                Severity::Critical => "1;31",
                Severity::Warn => "1;33",
                Severity::Info => "1;36",
            },
            s,
        )
    }

    pub fn bold(self, s: &str) -> String {
        self.paint("1", s)
    }

    pub fn dim(self, s: &str) -> String {
        self.paint("2", s)
    }

    /// Something better than before (resolved findings, added lines of a fix).
    pub fn good(self, s: &str) -> String {
        self.paint("32", s)
    }

    /// Something worse than before (new findings, removed lines of a fix).
    pub fn bad(self, s: &str) -> String {
        self.paint("31", s)
    }

    pub fn changed(self, s: &str) -> String {
        self.paint("33", s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_is_identity_and_colour_wraps_in_sgr() {
        let p = Style::PLAIN;
        assert_eq!(p.severity(Severity::Critical, "CRITICAL"), "CRITICAL");
        assert_eq!(p.bold("x"), "x");
        let c = Style::new(true);
        assert_eq!(
            c.severity(Severity::Critical, "CRITICAL"),
            "\x1b[1;31mCRITICAL\x1b[0m"
        );
        assert_eq!(c.severity(Severity::Warn, "w"), "\x1b[1;33mw\x1b[0m");
        assert_eq!(c.dim("d"), "\x1b[2md\x1b[0m");
        // Nothing to paint: no stray escape codes.
        assert_eq!(c.bold(""), "");
    }
}
