//! Outgoing email: the [`Mailer`] port (`Arc<dyn Mailer>` in the state, so a deployment
//! could plug another transport) and [`SmtpMailer`], its SMTP implementation on lettre.
//!
//! Only account emails go out here (invitations, verification and reset links). Their
//! wording lives with the flows (`accounts::emails`); this module only delivers. What an
//! email may contain is a rule of those flows: links and generic wording, never PHI.
//!
//! Not here: retries or a queue. A failed send is reported to the caller, who decides
//! (an invitation reports it to the admin; a reset request, answered before it is sent,
//! logs it).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::ExposeSecret;

use crate::config::{SmtpSettings, SmtpTls};
use crate::domain::email::Email;

/// One email: plain text and HTML alternatives of the same content.
pub struct Message {
    pub to: Email,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Sending failed. The Display is generic; the source, for logs, is only a [`MailFailure`].
#[derive(Debug, thiserror::Error)]
#[error("email could not be sent")]
pub struct MailError(#[source] MailFailure);

impl MailError {
    /// What kind of failure it was (for a caller that retries, or a test).
    pub fn failure(&self) -> MailFailure {
        self.0
    }
}

/// Why an email was not sent: a classification, and the SMTP reply code when there is one.
///
/// Never the relay's or lettre's text: a reply such as `550 <bob@example.com> rejected`
/// quotes the recipient, and these errors are logged with their whole chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MailFailure {
    /// The relay refused for good (SMTP 5xx).
    #[error("the relay refused the email permanently (SMTP {0})")]
    Permanent(u16),
    /// The relay refused for now (SMTP 4xx).
    #[error("the relay refused the email for now (SMTP {0})")]
    Transient(u16),
    #[error("the relay did not answer in time")]
    Timeout,
    #[error("the TLS handshake with the relay failed")]
    Tls,
    /// Not reached, or the connection broke.
    #[error("could not talk to the relay")]
    Connection,
    /// The relay answered something that is not SMTP, or the client gave up on it.
    #[error("the relay's answer could not be understood")]
    Protocol,
    /// `identity.smtp` is unusable (the From address, or the relay host for TLS).
    #[error("the SMTP settings are invalid ({0})")]
    Settings(&'static str),
    /// The message could not be built (an address lettre refuses, say).
    #[error("the email could not be composed")]
    Message,
}

impl MailFailure {
    /// Classifies a delivery error, keeping nothing of its text.
    fn of(err: &lettre::transport::smtp::Error) -> Self {
        if let Some(code) = err.status() {
            let code = u16::from(code);
            return if err.is_permanent() { Self::Permanent(code) } else { Self::Transient(code) };
        }
        if err.is_timeout() {
            Self::Timeout
        } else if err.is_tls() {
            Self::Tls
        } else if err.is_response() || err.is_client() {
            Self::Protocol
        } else {
            Self::Connection
        }
    }
}

impl From<MailFailure> for MailError {
    fn from(failure: MailFailure) -> Self {
        Self(failure)
    }
}

pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), MailError>> + Send + 'a>>;

/// Delivers account emails.
pub trait Mailer: Send + Sync {
    fn send(&self, message: Message) -> SendFuture<'_>;
}

/// SMTP delivery through the relay of `identity.smtp`.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// Builds the transport; connects only when sending. `Err` when the settings are
    /// unusable (a From address that does not parse, a bad relay host for TLS).
    pub fn new(settings: &SmtpSettings) -> Result<Self, MailError> {
        let from: Mailbox = settings.from.parse().map_err(|_| MailFailure::Settings("smtp.from"))?;
        let builder = match settings.tls {
            // Plain SMTP: only for a relay on loopback or inside the pod (dev, tests).
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host),
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host).map_err(relay)?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host).map_err(relay)?,
        };
        let mut builder = builder.port(settings.port).timeout(Some(Duration::from_secs(settings.timeout_secs)));
        if let (Some(user), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.expose_secret().to_owned()));
        }
        Ok(Self { transport: builder.build(), from })
    }
}

/// A relay host TLS cannot use (not a valid server name).
fn relay(_: lettre::transport::smtp::Error) -> MailError {
    MailFailure::Settings("smtp.host").into()
}

impl Mailer for SmtpMailer {
    fn send(&self, message: Message) -> SendFuture<'_> {
        Box::pin(async move {
            let to: Mailbox = message.to.as_str().parse().map_err(|_| MailFailure::Message)?;
            let email = lettre::Message::builder()
                .from(self.from.clone())
                .to(to)
                .subject(message.subject)
                .multipart(MultiPart::alternative_plain_html(message.text, message.html))
                .map_err(|_| MailFailure::Message)?;
            self.transport.send(email).await.map_err(|e| MailFailure::of(&e))?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead as _, BufReader, Write as _};
    use std::net::TcpListener;

    use super::*;
    use crate::config::SmtpSettings;

    /// A relay on loopback that accepts the envelope up to RCPT TO and answers that with
    /// `rcpt_reply` (which quotes the address, as real relays do). One connection.
    fn scripted_relay(rcpt_reply: &'static str) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut writer = stream.try_clone().unwrap();
            writer.write_all(b"220 relay.test ESMTP\r\n").unwrap();
            for line in BufReader::new(stream).lines() {
                let Ok(line) = line else { return };
                let reply = match line.get(..4).unwrap_or_default().to_ascii_uppercase().as_str() {
                    "EHLO" | "HELO" | "MAIL" | "RSET" | "NOOP" => "250 ok\r\n",
                    "RCPT" => rcpt_reply,
                    "QUIT" => "221 bye\r\n",
                    _ => "500 what\r\n",
                };
                if writer.write_all(reply.as_bytes()).is_err() {
                    return;
                }
            }
        });
        port
    }

    async fn send_via(port: u16) -> MailError {
        let settings = SmtpSettings { host: "127.0.0.1".into(), port, timeout_secs: 5, ..SmtpSettings::default() };
        let message = Message {
            to: Email::parse("bob@example.com").unwrap(),
            subject: "s".into(),
            text: "t".into(),
            html: "h".into(),
        };
        SmtpMailer::new(&settings).unwrap().send(message).await.unwrap_err()
    }

    #[tokio::test]
    async fn a_refused_recipient_is_classified_by_its_code_and_the_logged_chain_quotes_no_address() {
        let cases = [
            ("550 5.1.1 <bob@example.com> rejected: no such user\r\n", MailFailure::Permanent(550)),
            ("451 4.3.0 <bob@example.com> greylisted, try later\r\n", MailFailure::Transient(451)),
        ];
        for (reply, expected) in cases {
            let err = send_via(scripted_relay(reply)).await;
            assert_eq!(err.failure(), expected, "{reply}");
            // What the logs get: the whole chain, as `tp_errors::error_chain` writes it.
            let logged = tp_errors::error_chain(&err);
            assert!(!logged.contains('@'), "{logged}");
            assert!(!logged.contains("bob"), "{logged}");
            assert!(logged.contains(&expected.to_string()), "{logged}");
        }
    }

    #[tokio::test]
    async fn an_unreachable_relay_is_a_connection_failure() {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        assert_eq!(send_via(port).await.failure(), MailFailure::Connection);
    }

    #[test]
    fn no_classification_says_anything_but_its_kind() {
        let all = [
            MailFailure::Permanent(550),
            MailFailure::Transient(421),
            MailFailure::Timeout,
            MailFailure::Tls,
            MailFailure::Connection,
            MailFailure::Protocol,
            MailFailure::Settings("smtp.from"),
            MailFailure::Message,
        ];
        for failure in all {
            let shown = MailError::from(failure);
            assert!(!tp_errors::error_chain(&shown).contains('@'), "{failure:?}");
        }
    }
}
