//! The SMTP server's address, from one URL: how to reach it, whether the
//! connection must be encrypted, and the account, whose password is never
//! shown (`redacted`, and `Debug` prints only that).

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, Tokio1Executor};

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `smtp://` to another host: STARTTLS, and nothing is sent without it.
    StartTls,
    /// `smtps://`: TLS from the first byte.
    Implicit,
    /// `smtp://` to this machine (127.0.0.0/8, ::1, localhost): plain.
    PlainLoopback,
}

/// A checked SMTP URL.
#[derive(Clone)]
pub struct SmtpUrl {
    pub host: String,
    pub port: u16,
    pub security: Security,
    user: Option<String>,
    password: Option<String>,
}

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Whether a host name or address is this machine.
pub fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl SmtpUrl {
    /// Parses `smtp://[user[:password]@]host[:port]` or `smtps://...`.
    /// A message about a bad URL never repeats the URL: it may hold a password.
    pub fn parse(text: &str) -> Result<SmtpUrl, String> {
        let url = url::Url::parse(text.trim()).map_err(|e| {
            format!("the SMTP URL is not a URL ({e}); write it as smtp://user:password@host:587 or smtps://user:password@host:465")
        })?;
        let implicit = match url.scheme() {
            "smtp" => false,
            "smtps" => true,
            other => {
                return Err(format!(
                    "the SMTP URL must start with smtp:// (STARTTLS) or smtps:// (TLS), not {other}://"
                ));
            }
        };
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("the SMTP URL names no host: smtp://user:password@host:587")?
            .to_string();
        if !matches!(url.path(), "" | "/") || url.query().is_some() || url.fragment().is_some() {
            return Err(
                "the SMTP URL has a path, query or fragment; give only smtp://user:password@host:port"
                    .into(),
            );
        }
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|c| c.into_owned())
                .map_err(|_| {
                    "the SMTP URL's user or password is not UTF-8 once decoded".to_string()
                })
        };
        let user = match url.username() {
            "" => None,
            u => Some(decode(u)?),
        };
        let password = url.password().map(decode).transpose()?;
        if password.is_some() && user.is_none() {
            return Err("the SMTP URL has a password but no user name".into());
        }
        let security = match (implicit, is_loopback(&host)) {
            (true, _) => Security::Implicit,
            (false, true) => Security::PlainLoopback,
            (false, false) => Security::StartTls,
        };
        let port = url.port().unwrap_or(if implicit { 465 } else { 587 });
        Ok(SmtpUrl {
            host,
            port,
            security,
            user,
            password,
        })
    }

    /// The URL with its password replaced by `***`: what may be shown.
    pub fn redacted(&self) -> String {
        let scheme = match self.security {
            Security::Implicit => "smtps",
            _ => "smtp",
        };
        let who = match (&self.user, &self.password) {
            (Some(u), Some(_)) => format!("{u}:***@"),
            (Some(u), None) => format!("{u}@"),
            _ => String::new(),
        };
        format!("{scheme}://{who}{}:{}", self.host, self.port)
    }

    /// What the connection promises, in words.
    pub fn security_words(&self) -> &'static str {
        match self.security {
            Security::StartTls => "STARTTLS required",
            Security::Implicit => "TLS",
            Security::PlainLoopback => "unencrypted, to this machine only",
        }
    }

    /// The transport that sends through this server.
    pub fn transport(
        &self,
        timeout: std::time::Duration,
    ) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        let tls = || {
            TlsParameters::new(host.to_string())
                .map_err(|e| format!("TLS cannot be set up for {}: {e}", self.host))
        };
        let tls = match self.security {
            Security::StartTls => Tls::Required(tls()?),
            Security::Implicit => Tls::Wrapper(tls()?),
            Security::PlainLoopback => Tls::None,
        };
        let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(self.port)
            .tls(tls)
            .timeout(Some(timeout));
        if let Some(user) = &self.user {
            b = b.credentials(Credentials::new(
                user.clone(),
                self.password.clone().unwrap_or_default(),
            ));
        }
        Ok(b.build())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_to_another_host_needs_starttls_and_a_loopback_one_may_be_plain() {
        let u = SmtpUrl::parse("smtp://mailer:s%40cret@mail.example.org").unwrap();
        assert_eq!(u.security, Security::StartTls);
        assert_eq!(u.port, 587);
        assert_eq!(u.password.as_deref(), Some("s@cret"));
        assert_eq!(u.redacted(), "smtp://mailer:***@mail.example.org:587");
        assert!(!format!("{u:?}").contains("cret"));
        let l = SmtpUrl::parse("smtp://127.0.0.1:2525").unwrap();
        assert_eq!(l.security, Security::PlainLoopback);
        let s = SmtpUrl::parse("smtps://a:b@[::1]").unwrap();
        assert_eq!((s.security, s.port), (Security::Implicit, 465));
    }

    #[test]
    fn a_bad_url_is_refused_without_repeating_its_password() {
        for bad in [
            "http://u:topsecret@host",
            "smtp://u:topsecret@host/path",
            "smtp://u:topsecret@host?tls=no",
            "smtp://:topsecret@host",
            "u:topsecret@host",
        ] {
            let e = SmtpUrl::parse(bad).unwrap_err();
            assert!(!e.contains("topsecret"), "{bad}: {e}");
        }
    }
}
