//! One message made whole, as RFC 5322 bytes: Message-ID, Date, UTF-8
//! names and subject encoded (RFC 2047, by lettre), `Auto-Submitted`,
//! plain text only.

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Mailboxes};

/// A message ready for the outbox.
#[derive(Debug, Clone)]
pub struct Built {
    /// The Message-ID, without its angle brackets.
    pub id: String,
    pub bytes: Vec<u8>,
    /// The recipients' addresses.
    pub to: Vec<String>,
}

/// Builds the message from `from` to `name` at every address of `to`.
pub fn build(
    from: &Mailbox,
    name: &str,
    to: &[String],
    subject: &str,
    body: &str,
) -> Result<Built, String> {
    if to.is_empty() {
        return Err("no address to send to".into());
    }
    let mut boxes = Mailboxes::new();
    for a in to {
        let address = a
            .parse::<lettre::Address>()
            .map_err(|e| format!("`{a}` is not an address: {e}"))?;
        boxes.push(Mailbox::new(Some(name.to_string()), address));
    }
    let random = crate::store::random_bytes::<16>().map_err(|e| e.to_string())?;
    let id = format!("{}@{}", hex::encode(random), from.email.domain());
    let mut b = lettre::Message::builder()
        .from(from.clone())
        .subject(subject)
        .message_id(Some(format!("<{id}>")))
        .date_now()
        .header(ContentType::TEXT_PLAIN)
        // RFC 3834: automatic mail, so that auto-replies are not sent back.
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".to_string(),
        ));
    for m in boxes {
        b = b.to(m);
    }
    let message = b
        .body(body.replace("\r\n", "\n").replace('\n', "\r\n"))
        .map_err(|e| format!("the message could not be made: {e}"))?;
    Ok(Built {
        id,
        bytes: message.formatted(),
        to: to.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_has_its_id_date_automatic_mark_and_an_encoded_name() {
        let from: Mailbox = "APT Secretariat <survey@apt.example>".parse().unwrap();
        let b = build(
            &from,
            "Việt Nam",
            &["fp@mic.example".into()],
            "Khảo sát: invitation",
            "Dear colleague,\n\nhttp://x/r/abc\n",
        )
        .unwrap();
        let text = String::from_utf8(b.bytes).unwrap();
        assert!(text.contains(&format!("Message-ID: <{}>", b.id)), "{text}");
        assert!(b.id.ends_with("@apt.example"));
        assert!(text.contains("\r\nDate: "), "{text}");
        assert!(text.contains("Auto-Submitted: auto-generated"));
        assert!(text.contains("=?utf-8?"), "{text}");
        assert!(!text.contains("Việt"), "the name is encoded: {text}");
    }
}
