//! The wording of account emails. They hold a link and generic words, never PHI.
//!
//! Invitations: staff (practice admins, clinicians, staff) are told which practice invited
//! them. A client is not: "<practice> invited you" would tell anyone who reads the mailbox
//! (or the mail logs of any relay on the way) that this person is a client of, say, a
//! mental-health practice, and that relationship is itself protected health information.
//! Clients get a neutral invitation to Telehealth; they see the practice once signed in.

use crate::domain::account_token::AccountToken;
use crate::domain::email::Email;
use crate::http::pages::layout::escape;
use crate::mail::Message;

const PRODUCT: &str = "Telehealth";

/// What an invitation may say about where it comes from.
pub(super) enum Inviter<'a> {
    /// For staff roles: the practice's name.
    Practice(&'a str),
    /// For clients (and mixed role sets that include client): nothing.
    Neutral,
}

fn link(issuer: &str, path: &str, token: &AccountToken) -> String {
    format!("{issuer}{path}?token={}", token.expose())
}

fn message(to: &Email, subject: &str, lines: &[String], url: &str, action: &str) -> Message {
    let text =
        format!("{}\n\n{action}: {url}\n\nIf you did not expect this email, you can ignore it.\n", lines.join("\n"));
    let paragraphs: String = lines.iter().map(|line| format!("<p>{}</p>", escape(line))).collect();
    let html = format!(
        "<!doctype html><html><body>{paragraphs}<p><a href=\"{url}\">{action}</a></p>\
         <p>If you did not expect this email, you can ignore it.</p></body></html>",
        url = escape(url),
        action = escape(action),
    );
    Message { to: to.clone(), subject: subject.to_owned(), text, html }
}

pub(super) fn invitation(to: &Email, inviter: &Inviter<'_>, issuer: &str, token: &AccountToken) -> Message {
    let first = match inviter {
        Inviter::Practice(name) => format!("You have been invited to join {name} on {PRODUCT}."),
        Inviter::Neutral => format!("You have been invited to create an account on {PRODUCT}."),
    };
    let lines = [first, "Open the link below to set your password. The link works once.".to_owned()];
    let url = link(issuer, "/account/accept-invite", token);
    message(to, &format!("Your {PRODUCT} invitation"), &lines, &url, "Accept the invitation")
}

pub(super) fn password_reset(to: &Email, issuer: &str, token: &AccountToken) -> Message {
    let lines = [
        format!("Someone asked to reset the password of your {PRODUCT} account."),
        "Open the link below within an hour to choose a new password. The link works once.".to_owned(),
    ];
    let url = link(issuer, "/account/reset-password", token);
    message(to, &format!("Reset your {PRODUCT} password"), &lines, &url, "Choose a new password")
}

pub(super) fn email_verification(to: &Email, issuer: &str, token: &AccountToken) -> Message {
    let lines = [
        format!("Please confirm that this address belongs to your {PRODUCT} account."),
        "Open the link below within 24 hours. The link works once.".to_owned(),
    ];
    let url = link(issuer, "/account/verify-email", token);
    message(to, &format!("Confirm your email for {PRODUCT}"), &lines, &url, "Confirm this address")
}

/// To a practice admin: a clinician opened a chart under break-glass. No name, no client:
/// who and whose chart are in the review, behind the admin's sign-in.
pub(crate) fn break_glass_opened(to: &Email) -> Message {
    let lines = [
        "A clinician of your practice used emergency access (break-glass) to open the chart of a client \
         who is not on their care team."
            .to_owned(),
        format!("Review it in {PRODUCT}: the break-glass review and the audit log show who, when and why."),
    ];
    let text = format!("{}\n", lines.join("\n\n"));
    let paragraphs: String = lines.iter().map(|line| format!("<p>{}</p>", escape(line))).collect();
    let html = format!("<!doctype html><html><body>{paragraphs}</body></html>");
    Message { to: to.clone(), subject: format!("{PRODUCT}: emergency access to a chart"), text, html }
}

/// To a provider outside the platform: records they asked a practice for are ready behind
/// `url`. Nothing else: not the client, not the practice, not what the records hold (the
/// mailbox, and every relay on the way, would learn it). The one-time code comes by phone.
pub(crate) fn records_link(to: &Email, url: &str) -> Message {
    let lines = [
        format!("Records you asked a practice for have been shared with you through {PRODUCT}."),
        "Open the link below and enter the one-time code the practice gives you by phone. The link works once, \
         for a limited time, and locks after five wrong codes."
            .to_owned(),
    ];
    message(to, &format!("{PRODUCT}: records shared with you"), &lines, url, "Open the shared records")
}
