//! Reading the local mail sink (a Maildir, see `infra/dev/mailsink`) for the link in an email,
//! the way a person would open it: used by `seed` to accept the demo invitations.

use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use crate::CtlError;

/// Waits (bounded) for a message to `to` delivered after `since` and returns the first link
/// in it whose path is `path`.
pub fn wait_for_link(
    maildir: &Path,
    to: &str,
    path: &str,
    since: SystemTime,
    timeout: Duration,
) -> Result<String, CtlError> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(link) = find_link(maildir, to, path, since) {
            return Ok(link);
        }
        if Instant::now() >= deadline {
            return Err(CtlError::NotReady(format!(
                "no email to {to} arrived in {} within {}s",
                maildir.display(),
                timeout.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn find_link(maildir: &Path, to: &str, path: &str, since: SystemTime) -> Option<String> {
    let entries = std::fs::read_dir(maildir.join("new")).ok()?;
    let mut messages: Vec<(SystemTime, String)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let modified = entry.metadata().ok()?.modified().ok()?;
            let text = std::fs::read_to_string(entry.path()).ok()?;
            (modified >= since).then_some((modified, text))
        })
        .collect();
    messages.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
    messages.iter().find_map(|(_, raw)| {
        let decoded = decode_quoted_printable(raw);
        let addressed = decoded.lines().any(|line| line.to_ascii_lowercase().starts_with("to:") && line.contains(to));
        addressed.then(|| extract_link(&decoded, path)).flatten()
    })
}

/// Undoes quoted-printable soft line breaks and the escapes a link can contain.
fn decode_quoted_printable(raw: &str) -> String {
    raw.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=").replace("=26", "&")
}

fn extract_link(text: &str, path: &str) -> Option<String> {
    let start = text.find("http")?;
    text[start..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
        .next()
        .filter(|link| link.contains(path))
        .map(str::to_owned)
        .or_else(|| {
            let rest = text.get(start + 4..)?;
            extract_link(rest, path)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_survive_quoted_printable_encoding() {
        let raw = "To: admin@lakeside.example\r\n\r\nOpen http://127.0.0.1:8081/account/accept-invite?token=3DabcD=\r\nEF-_x to join\r\n";
        let decoded = decode_quoted_printable(raw);
        assert_eq!(
            extract_link(&decoded, "/account/accept-invite").as_deref(),
            Some("http://127.0.0.1:8081/account/accept-invite?token=abcDEF-_x")
        );
        assert_eq!(extract_link("see https://example.test/other and nothing", "/account/accept-invite"), None);
    }
}
