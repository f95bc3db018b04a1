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

/// Sending failed. The Display is generic; the cause (which may name the relay) is for logs.
#[derive(Debug, thiserror::Error)]
#[error("email could not be sent")]
pub struct MailError(#[source] anyhow::Error);

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
        let from: Mailbox = settings.from.parse().map_err(|e| MailError(anyhow::anyhow!("smtp.from: {e}")))?;
        let builder = match settings.tls {
            // Plain SMTP: only for a relay on loopback or inside the pod (dev, tests).
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host),
            SmtpTls::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host).map_err(|e| MailError(e.into()))?
            }
            SmtpTls::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host).map_err(|e| MailError(e.into()))?
            }
        };
        let mut builder = builder.port(settings.port).timeout(Some(Duration::from_secs(settings.timeout_secs)));
        if let (Some(user), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.expose_secret().to_owned()));
        }
        Ok(Self { transport: builder.build(), from })
    }
}

impl Mailer for SmtpMailer {
    fn send(&self, message: Message) -> SendFuture<'_> {
        Box::pin(async move {
            let to: Mailbox = message.to.as_str().parse().map_err(|e| MailError(anyhow::anyhow!("recipient: {e}")))?;
            let email = lettre::Message::builder()
                .from(self.from.clone())
                .to(to)
                .subject(message.subject)
                .multipart(MultiPart::alternative_plain_html(message.text, message.html))
                .map_err(|e| MailError(e.into()))?;
            self.transport.send(email).await.map_err(|e| MailError(e.into()))?;
            Ok(())
        })
    }
}
