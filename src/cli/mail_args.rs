//! The mail flags shared by `serve` and `invite --send`: the SMTP URL, the
//! sender's address, the rate limit. The URL is taken as text and checked
//! here, so that no clap message or `--help` ever shows its password.

use crate::mail::Settings;
use crate::mail::smtp::SmtpUrl;

/// How mail is sent.
#[derive(clap::Args, Clone)]
pub struct MailArgs {
    /// The SMTP server, as smtp://user:password@host:587 (STARTTLS
    /// required; plain only to this machine) or smtps://user:password@host:465
    /// (TLS). Without it nothing is sent: the workspace gives ready texts
    /// and mailto: links. Its password is never printed.
    #[arg(long, env = "SPAM_SURVEY_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of the mail, such as "APT Secretariat <survey@apt.int>".
    #[arg(long, env = "SPAM_SURVEY_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// At most this many messages a minute.
    #[arg(long, env = "SPAM_SURVEY_MAIL_PER_MINUTE", default_value_t = 60)]
    pub mail_per_minute: u32,
    /// The wait before the first retry of a message, in seconds (it doubles
    /// with each retry, up to an hour).
    #[arg(
        long,
        env = "SPAM_SURVEY_MAIL_RETRY_AFTER",
        default_value_t = 60,
        hide = true
    )]
    pub mail_retry_after: u64,
    /// Attempts before a message is given up as failed.
    #[arg(long, env = "SPAM_SURVEY_MAIL_ATTEMPTS", default_value_t = 8)]
    pub mail_attempts: u32,
}

impl MailArgs {
    /// The settings, none without an SMTP URL; a bad URL or sender is an
    /// error that never repeats the URL's password.
    pub fn settings(&self) -> Result<Option<Settings>, String> {
        let Some(text) = self.smtp_url.as_deref().filter(|t| !t.trim().is_empty()) else {
            return Ok(None);
        };
        let url = SmtpUrl::parse(text)?;
        let from = self.mail_from.as_deref().unwrap_or("").trim();
        if from.is_empty() {
            return Err(format!(
                "mail is to be sent through {} but has no sender: set SPAM_SURVEY_MAIL_FROM (or --mail-from), such as \"APT Secretariat <survey@apt.int>\"",
                url.redacted()
            ));
        }
        let from = from.parse().map_err(|e| {
            format!("the sender `{from}` (SPAM_SURVEY_MAIL_FROM) is not an address such as \"APT Secretariat <survey@apt.int>\": {e}")
        })?;
        if self.mail_per_minute == 0 || self.mail_attempts == 0 {
            return Err("--mail-per-minute and --mail-attempts must be at least 1".into());
        }
        Ok(Some(Settings {
            url,
            from,
            per_minute: self.mail_per_minute,
            retry_after: std::time::Duration::from_secs(self.mail_retry_after.max(1)),
            attempts: self.mail_attempts,
        }))
    }
}
