//! `spam-survey user`: the secretariat's accounts from the command line
//! (add, list, disable, enable, a new password). Safe beside a running
//! server, which honours a change at its next request.

use super::audit;
use crate::accounts::{AccountError, Accounts, Role, password};
use crate::store::Store;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The arguments of `spam-survey user`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
    /// The data directory: responses, invitations, keys, accounts.
    #[arg(long, env = "SPAM_SURVEY_DATA", default_value = "data", global = true)]
    pub data: PathBuf,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Add an account; its password is made and printed once, unless
    /// --password-stdin reads it from standard input.
    Add {
        name: String,
        /// viewer (reads everything), editor (also invites, reminds,
        /// closes, reopens) or admin (also manages accounts).
        #[arg(long)]
        role: String,
        /// Read the password from standard input (its first line).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the accounts, their roles and states.
    List,
    /// Disable an account: it cannot sign in, and its sessions end at once.
    Disable { name: String },
    /// Enable a disabled account again.
    Enable { name: String },
    /// Give an account a new password (made and printed once, unless
    /// --password-stdin); its sessions end.
    Password {
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

fn message(e: AccountError) -> String {
    e.to_string()
}

/// The first line of standard input, without its line ending.
fn read_password() -> Result<String, String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    let line = text.lines().next().unwrap_or("").to_string();
    if line.is_empty() {
        return Err("no password on standard input".into());
    }
    Ok(line)
}

fn existing(dir: &Path) -> Result<Accounts, String> {
    if !dir.is_dir() {
        return Err(format!(
            "there is no data directory {}; give --data, or add the first account with `user add`",
            dir.display()
        ));
    }
    Accounts::open(dir).map_err(message)
}

fn log(dir: &Path, action: &str, detail: &str) {
    match Store::open_for_invitations(dir, Vec::new()) {
        Ok(store) => audit(&store, action, "", "", detail),
        Err(e) => eprintln!("warning: the audit log could not be written: {e}"),
    }
}

/// Runs `user`.
pub fn run(a: Args) -> Result<(), String> {
    let dir = a.data.as_path();
    match a.action {
        Action::Add {
            name,
            role,
            password_stdin,
        } => {
            let role = Role::parse(&role).map_err(message)?;
            crate::accounts::check_name(&name).map_err(message)?;
            let (secret, generated) = if password_stdin {
                (read_password()?, false)
            } else {
                (password::generate().map_err(message)?, true)
            };
            // Refused before anything is made on disk.
            if let Some(why) = password::refusal(&secret, &name) {
                return Err(format!("the password is refused: {why}"));
            }
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            Accounts::open(dir)
                .and_then(|accounts| accounts.add(&name, role, &secret))
                .map_err(message)?;
            log(dir, "account added", &format!("{name} ({})", role.name()));
            println!("Account {name} added (role {}).", role.name());
            if generated {
                println!("Its password, shown only now:");
                println!("{secret}");
            }
        }
        Action::List => {
            let accounts = existing(dir)?;
            let all = accounts.all().map_err(message)?;
            if all.is_empty() {
                println!("No accounts yet: the server's first start makes `admin`.");
            }
            for a in all.iter() {
                println!(
                    "{:<24} {:<7} {:<9} {}",
                    a.name,
                    a.role.name(),
                    if a.disabled { "disabled" } else { "active" },
                    if a.totp.is_some() {
                        "second factor"
                    } else {
                        "password only"
                    }
                );
            }
        }
        Action::Disable { name } => {
            let changed = existing(dir)?.set_disabled(&name, true).map_err(message)?;
            log(dir, "account disabled", &name);
            println!(
                "{name} is disabled{}; its sessions have ended.",
                if changed { "" } else { " (it was already)" }
            );
        }
        Action::Enable { name } => {
            existing(dir)?.set_disabled(&name, false).map_err(message)?;
            log(dir, "account enabled", &name);
            println!("{name} is enabled.");
        }
        Action::Password {
            name,
            password_stdin,
        } => {
            let accounts = existing(dir)?;
            if accounts.get(&name).map_err(message)?.is_none() {
                return Err(format!("there is no account `{name}`"));
            }
            let (secret, generated) = if password_stdin {
                (read_password()?, false)
            } else {
                (password::generate().map_err(message)?, true)
            };
            accounts.set_password(&name, &secret).map_err(|e| match e {
                AccountError::Refused(why) => format!("the password is refused: {why}"),
                other => other.to_string(),
            })?;
            log(dir, "password reset", &name);
            println!("{name} has a new password; its sessions have ended.");
            if generated {
                println!("The password, shown only now:");
                println!("{secret}");
            }
        }
    }
    Ok(())
}
