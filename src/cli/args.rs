//! Checks of the arguments that several commands share, run by clap while
//! it parses, so that a wrong value stops the command before it does
//! anything (before a link is revoked, before a folder is made).

use std::net::ToSocketAddrs;

/// `--base-url`: the address people type in a browser, with its scheme.
pub fn base_url(s: &str) -> Result<String, String> {
    let s = s.trim();
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    match rest {
        Some(host)
            if !host.is_empty()
                && !host.starts_with('/')
                && !host.contains(char::is_whitespace) =>
        {
            Ok(s.trim_end_matches('/').to_string())
        }
        Some(_) => Err(format!(
            "`{s}` has no host: write the address people open, such as https://survey.example.org"
        )),
        None => Err(format!(
            "`{s}` does not start with https:// or http://: write the whole address people open, such as https://{}",
            s.split("://").last().unwrap_or(s).trim_start_matches('/')
        )),
    }
}

/// `--addr`: HOST:PORT to listen on.
pub fn addr(s: &str) -> Result<String, String> {
    if let Ok(port) = s.trim().parse::<u16>() {
        return Err(format!(
            "`{s}` is a port without a host: write HOST:PORT, such as 127.0.0.1:{port} (this machine only) or 0.0.0.0:{port} (every network interface)"
        ));
    }
    match s.to_socket_addrs().map(|mut found| found.next()) {
        Ok(Some(_)) => Ok(s.to_string()),
        _ => Err(format!(
            "`{s}` is not HOST:PORT: write, for example, 127.0.0.1:8080"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_url_needs_its_scheme_and_a_host() {
        assert_eq!(
            base_url("https://survey.example.org/").as_deref(),
            Ok("https://survey.example.org")
        );
        assert_eq!(
            base_url("http://127.0.0.1:8090").as_deref(),
            Ok("http://127.0.0.1:8090")
        );
        let e = base_url("survey.example.org").unwrap_err();
        assert!(e.contains("https://survey.example.org"), "{e}");
        assert!(base_url("https://").is_err());
        assert!(base_url("ftp://x").is_err());
    }

    #[test]
    fn an_address_is_host_and_port_and_a_bare_port_gets_a_hint() {
        assert!(addr("127.0.0.1:0").is_ok());
        let e = addr("8093").unwrap_err();
        assert!(e.contains("127.0.0.1:8093"), "{e}");
        assert!(addr("127.0.0.1").is_err());
    }
}
