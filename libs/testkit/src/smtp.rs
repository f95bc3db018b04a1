//! A real SMTP server for tests: [`SmtpSink`] listens on `127.0.0.1:0`, accepts every
//! message over plain SMTP and keeps it, so tests assert on email exactly as it left the
//! service (envelope, headers, MIME body), not on what a mock was handed.
//!
//! It speaks the RFC 5321 subset a client needs without extensions it cannot honour: EHLO /
//! HELO, MAIL FROM, RCPT TO, DATA (with dot-unstuffing), RSET, NOOP, QUIT. No AUTH, no
//! STARTTLS, no PIPELINING. Lines and messages are size-bounded, so a broken client cannot
//! make a test eat memory.
//!
//! [`ReceivedMessage`] offers header look-up (unfolded), the decoded text of every
//! `text/*` part (7bit, 8bit, quoted-printable, base64; nested multiparts) and
//! [`ReceivedMessage::first_link`].

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use base64::Engine as _;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

const MAX_LINE: usize = 4096;
const MAX_MESSAGE: usize = 4 * 1024 * 1024;

/// One message as received: its envelope and the raw DATA (CRLF line ends, unstuffed).
#[derive(Debug, Clone)]
pub struct ReceivedMessage {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    pub data: String,
}

/// The running sink. Dropping it stops the server.
pub struct SmtpSink {
    port: u16,
    messages: Arc<Mutex<Vec<ReceivedMessage>>>,
    arrivals: watch::Receiver<usize>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl SmtpSink {
    #[expect(clippy::expect_used, reason = "a sink that cannot bind is a broken test")]
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind SMTP sink");
        let port = listener.local_addr().expect("SMTP sink address").port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let (arrived, arrivals) = watch::channel(0usize);
        let store = Arc::clone(&messages);
        let server = tokio::spawn(async move {
            let arrived = Arc::new(arrived);
            while let Ok((stream, _)) = listener.accept().await {
                let (store, arrived) = (Arc::clone(&store), Arc::clone(&arrived));
                tokio::spawn(async move {
                    let _ = serve(stream, store, arrived).await;
                });
            }
        });
        SmtpSink { port, messages, arrivals, server }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every message received so far.
    pub fn messages(&self) -> Vec<ReceivedMessage> {
        self.messages.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Messages received so far with `to` among the recipients.
    pub fn messages_to(&self, to: &str) -> Vec<ReceivedMessage> {
        self.messages().into_iter().filter(|m| m.rcpt_to.iter().any(|r| r.eq_ignore_ascii_case(to))).collect()
    }

    /// The `n`-th message (from 1) addressed to `to`, waiting at most `timeout` for it.
    /// Panics on timeout, naming the recipient count, not their addresses' content.
    pub async fn wait_for_nth_message(&self, to: &str, n: usize, timeout: Duration) -> ReceivedMessage {
        let mut arrivals = self.arrivals.clone();
        let found = tokio::time::timeout(timeout, async {
            loop {
                if let Some(message) = self.messages_to(to).into_iter().nth(n.saturating_sub(1)) {
                    return Some(message);
                }
                if arrivals.changed().await.is_err() {
                    return None;
                }
            }
        })
        .await;
        match found {
            Ok(Some(message)) => message,
            _ => panic!(
                "no message #{n} for the expected recipient within {timeout:?} ({} received)",
                self.messages().len()
            ),
        }
    }

    /// The first message addressed to `to`, waiting at most `timeout`.
    pub async fn wait_for_message(&self, to: &str, timeout: Duration) -> ReceivedMessage {
        self.wait_for_nth_message(to, 1, timeout).await
    }
}

async fn reply(writer: &mut (impl AsyncWriteExt + Unpin), line: &str) -> std::io::Result<()> {
    writer.write_all(format!("{line}\r\n").as_bytes()).await
}

/// The address inside `<…>` after `FROM:` / `TO:` (parameters such as BODY=8BITMIME ignored).
fn path_argument(rest: &str) -> Option<String> {
    let start = rest.find('<')?;
    let end = rest.get(start..)?.find('>')? + start;
    rest.get(start + 1..end).map(str::to_owned)
}

async fn serve(
    stream: TcpStream,
    store: Arc<Mutex<Vec<ReceivedMessage>>>,
    arrived: Arc<watch::Sender<usize>>,
) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    reply(&mut writer, "220 sink.test ESMTP test sink").await?;
    let (mut from, mut to): (Option<String>, Vec<String>) = (None, Vec::new());
    loop {
        let Some(line) = read_line(&mut reader).await? else { return Ok(()) };
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            writer.write_all(b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n").await?;
            (from, to) = (None, Vec::new());
        } else if upper.starts_with("HELO") {
            reply(&mut writer, "250 sink.test").await?;
        } else if let Some(rest) = upper.strip_prefix("MAIL FROM:").map(|_| line.get(10..).unwrap_or_default()) {
            from = path_argument(rest);
            to.clear();
            reply(&mut writer, if from.is_some() { "250 OK" } else { "501 syntax: MAIL FROM:<address>" }).await?;
        } else if let Some(rest) = upper.strip_prefix("RCPT TO:").map(|_| line.get(8..).unwrap_or_default()) {
            match (&from, path_argument(rest)) {
                (None, _) => reply(&mut writer, "503 MAIL first").await?,
                (Some(_), Some(address)) => {
                    to.push(address);
                    reply(&mut writer, "250 OK").await?;
                }
                (Some(_), None) => reply(&mut writer, "501 syntax: RCPT TO:<address>").await?,
            }
        } else if upper == "DATA" {
            let Some(mail_from) = from.take().filter(|_| !to.is_empty()) else {
                reply(&mut writer, "503 MAIL and RCPT first").await?;
                continue;
            };
            reply(&mut writer, "354 end with <CRLF>.<CRLF>").await?;
            let Some(data) = read_data(&mut reader).await? else { return Ok(()) };
            let message = ReceivedMessage { mail_from, rcpt_to: std::mem::take(&mut to), data };
            let count = {
                let mut messages = store.lock().unwrap_or_else(PoisonError::into_inner);
                messages.push(message);
                messages.len()
            };
            arrived.send_replace(count);
            reply(&mut writer, "250 OK queued").await?;
        } else if upper == "RSET" {
            (from, to) = (None, Vec::new());
            reply(&mut writer, "250 OK").await?;
        } else if upper.starts_with("NOOP") {
            reply(&mut writer, "250 OK").await?;
        } else if upper == "QUIT" {
            reply(&mut writer, "221 bye").await?;
            return Ok(());
        } else {
            reply(&mut writer, "502 command not implemented").await?;
        }
    }
}

/// One line without its CRLF; `None` at end of stream. Over-long lines end the session.
async fn read_line(reader: &mut (impl AsyncBufReadExt + Unpin)) -> std::io::Result<Option<String>> {
    let mut buf = Vec::new();
    let read = (&mut *reader).take(MAX_LINE as u64).read_until(b'\n', &mut buf).await?;
    if read == 0 || !buf.ends_with(b"\n") {
        return Ok(None);
    }
    let line = String::from_utf8_lossy(&buf);
    Ok(Some(line.trim_end_matches(['\r', '\n']).to_owned()))
}

/// DATA lines up to the lone `.`, dot-unstuffed (RFC 5321 §4.5.2), joined with CRLF.
async fn read_data(reader: &mut (impl AsyncBufReadExt + Unpin)) -> std::io::Result<Option<String>> {
    let mut data = String::new();
    loop {
        let Some(line) = read_line(reader).await? else { return Ok(None) };
        if line == "." {
            return Ok(Some(data));
        }
        let line = line.strip_prefix('.').unwrap_or(&line);
        if data.len() + line.len() > MAX_MESSAGE {
            return Ok(None);
        }
        data.push_str(line);
        data.push_str("\r\n");
    }
}

impl ReceivedMessage {
    /// The first header `name` (case-insensitive) of the top-level header block, unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        header_in(split_head(&self.data).0, name)
    }

    /// The decoded text of every `text/*` part, in order.
    pub fn text_parts(&self) -> Vec<String> {
        let mut parts = Vec::new();
        collect_text(&self.data, &mut parts);
        parts
    }

    /// The first URL in the decoded text parts that starts with `prefix`; it ends at
    /// whitespace, a quote or `<`, as in plain text and HTML `href` attributes.
    pub fn first_link(&self, prefix: &str) -> Option<String> {
        self.text_parts().iter().find_map(|text| {
            let start = text.find(prefix)?;
            let rest = text.get(start..)?;
            let end =
                rest.find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>')).unwrap_or(rest.len());
            rest.get(..end).map(|link| link.replace("&amp;", "&"))
        })
    }
}

/// Header block and body of an entity.
fn split_head(entity: &str) -> (&str, &str) {
    entity.split_once("\r\n\r\n").unwrap_or((entity, ""))
}

fn header_in(head: &str, name: &str) -> Option<String> {
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded.split("\r\n").find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
    })
}

/// The value of `param` in a header value such as `multipart/alternative; boundary="x"`.
fn header_param(value: &str, param: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|part| {
        let (key, val) = part.split_once('=')?;
        key.trim().eq_ignore_ascii_case(param).then(|| val.trim().trim_matches('"').to_owned())
    })
}

fn collect_text(entity: &str, out: &mut Vec<String>) {
    let (head, body) = split_head(entity);
    let content_type = header_in(head, "Content-Type").unwrap_or_else(|| "text/plain".to_owned());
    let media = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if media.starts_with("multipart/") {
        let Some(boundary) = header_param(&content_type, "boundary") else { return };
        let delimiter = format!("--{boundary}");
        for part in body.split(delimiter.as_str()).skip(1) {
            if part.starts_with("--") {
                break;
            }
            collect_text(part.trim_start_matches("\r\n"), out);
        }
    } else if media.starts_with("text/") {
        let encoding = header_in(head, "Content-Transfer-Encoding").unwrap_or_default().to_ascii_lowercase();
        out.push(match encoding.as_str() {
            "quoted-printable" => decode_quoted_printable(body),
            "base64" => {
                let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
                let bytes = base64::engine::general_purpose::STANDARD.decode(compact).unwrap_or_default();
                String::from_utf8_lossy(&bytes).into_owned()
            }
            _ => body.to_owned(),
        });
    }
}

/// RFC 2045 §6.7: `=XX` octets and `=` soft line breaks.
pub fn decode_quoted_printable(body: &str) -> String {
    let bytes = body.replace("=\r\n", "").replace("=\n", "").into_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (byte, hex) {
            (b'=', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            _ => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable_soft_breaks_and_octets_are_decoded() {
        assert_eq!(
            decode_quoted_printable("https://x.test/a?token=3DAb=\r\ncd caf=C3=A9"),
            "https://x.test/a?token=Abcd café"
        );
    }

    #[test]
    fn text_parts_of_a_multipart_message_are_decoded_and_links_found() {
        let data = "From: a@b.test\r\nSubject: Hi\r\n there\r\nContent-Type: multipart/alternative; boundary=\"XX\"\r\n\r\n\
                    --XX\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
                    Go: https://id.test/account?token=3Dabc=\r\ndef\r\n\
                    --XX\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\nPGEgaHJlZj0iaHR0cHM6Ly9pZC50ZXN0L3giPng8L2E+\r\n\
                    --XX--\r\n";
        let message = ReceivedMessage { mail_from: String::new(), rcpt_to: Vec::new(), data: data.to_owned() };
        assert_eq!(message.header("subject").as_deref(), Some("Hi there"));
        assert_eq!(message.text_parts().len(), 2);
        assert_eq!(
            message.first_link("https://id.test/account").as_deref(),
            Some("https://id.test/account?token=abcdef")
        );
        assert_eq!(message.first_link("https://id.test/x").as_deref(), Some("https://id.test/x"));
    }
}
