//! The command line: one file per command, each with its arguments and its
//! body; `main.rs` only parses and calls [`run`].

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

use crate::definition;
use crate::store::Store;

mod args;
mod check;
mod close;
mod demo;
mod diff;
mod dirs;
mod export;
mod invite;
mod mail_args;
mod new_edition;
mod publish;
mod report;
mod send;
mod serve;
mod user;
mod verify;

/// The whole command line.
#[derive(Parser)]
#[command(
    name = "spam-survey",
    version,
    about = "The APT's yearly survey of its members on spam"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the data and the definitions are, shared by the commands.
#[derive(clap::Args)]
pub struct Dirs {
    /// The data directory: responses, invitations, keys (made only by
    /// `serve` and `demo`; the other commands need one that exists).
    #[arg(long, env = "SPAM_SURVEY_DATA", default_value = "data")]
    pub data: PathBuf,
    /// The folder of questionnaire definitions (*.toml) and the member list.
    #[arg(long, env = "SPAM_SURVEY_SURVEYS", default_value = "surveys")]
    pub surveys: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server.
    Serve(serve::Args),
    /// Check questionnaire definitions; exits non-zero on any error.
    Check(check::Args),
    /// Print a member's invitation link (a new one, ending any earlier one),
    /// or revoke it. A running server honours the change at once.
    Invite(invite::Args),
    /// Write a CSV download of an edition (safe for spreadsheets unless --raw).
    Export(export::Args),
    /// Write the annual report of an edition as one HTML file.
    Report(report::Args),
    /// Fill an edition with synthetic, clearly marked demo answers.
    Demo(demo::Args),
    /// Check every file of the data directory against its chain, and each
    /// attached document against its SHA-256; exits non-zero naming the
    /// first line changed, removed or inserted, or the document changed.
    Verify(verify::Args),
    /// Write next year's definition from an edition's (id, year, period and dates one year on).
    NewEdition(new_edition::Args),
    /// List what changed from one edition to another, by question id.
    Diff(diff::Args),
    /// Manage the secretariat's accounts: add, list, disable, enable, password.
    User(user::Args),
    /// Publish a closed edition for the public (a new version), or withdraw it.
    Publish(publish::Args),
    /// Close an edition now, as the workspace does: no more answers.
    Close(close::Args),
}

/// Runs the command; an error is the message to print before exiting non-zero.
pub fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Check(args) => check::run(args),
        Command::Invite(args) => invite::run(args),
        Command::Export(args) => export::run(args),
        Command::Report(args) => report::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Verify(args) => verify::run(args),
        Command::NewEdition(args) => new_edition::run(args),
        Command::Diff(args) => diff::run(args),
        Command::User(args) => user::run(args),
        Command::Publish(args) => publish::run(args),
        Command::Close(args) => close::run(args),
    }
}

fn load_surveys(dir: &Path) -> Result<Vec<definition::Survey>, String> {
    // A folder that is not there is a command run from elsewhere, not broken definitions.
    if !dir.is_dir() {
        return Err(format!(
            "there is no folder of questionnaire definitions {}{}: run the command from the project's folder (where surveys/ is), or give --surveys the folder of *.toml definitions",
            dir.display(),
            dirs::seen_from(dir)
        ));
    }
    let surveys = definition::load_dir(dir).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!(
            "the questionnaire definitions are broken:\n{}",
            lines.join("\n")
        )
    })?;
    if surveys.is_empty() {
        return Err(format!(
            "{}{} has no questionnaire definitions (*.toml): give --surveys the folder of definitions, such as surveys",
            dir.display(),
            dirs::seen_from(dir)
        ));
    }
    Ok(surveys)
}

/// Records a command's action in the audit log (the commands that use
/// it run only on a data directory that exists).
fn audit(store: &Store, action: &str, survey: &str, member: &str, detail: &str) {
    if let Err(e) = store.audit("command line", "", action, survey, member, detail) {
        eprintln!("warning: the audit log could not be written: {e}");
    }
}
