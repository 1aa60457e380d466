//! The kinds of import run, apart from the run itself so that what reads the
//! runs' log rows (the margin warning) does not depend on the run.

use super::import::Mode;

/// What kind of run; it names the run in the log and the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The computation with nothing written.
    Preview,
    /// Writes what changed since the last import.
    Import,
    /// Writes every difference, repairing hand edits.
    ImportFull,
    /// cron.php or WHMCS's daily cron.
    CronSync,
}

impl Kind {
    /// The run's name in the module's log.
    pub fn action(self) -> &'static str {
        match self {
            Kind::Preview => "import-preview",
            Kind::Import => "import",
            Kind::ImportFull => "import-full",
            Kind::CronSync => "cron-sync",
        }
    }

    pub(super) fn mode(self) -> Mode {
        match self {
            Kind::Preview => Mode::Preview,
            Kind::Import | Kind::CronSync => Mode::Apply,
            Kind::ImportFull => Mode::Full,
        }
    }
}
