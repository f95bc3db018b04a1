//! The sign-in pages of the authorization endpoint: email and password, the second factor,
//! authenticator enrolment and its recovery codes, the practice chooser, sign-out, and the
//! error pages that must not redirect.
//!
//! Every form carries the CSRF field and the authorization request's id; the request's
//! parameters themselves stay on the server.

use axum::http::StatusCode;
use axum::response::Response;
use uuid::Uuid;

use crate::http::csrf::CsrfToken;
use crate::http::pages::layout::{error_line, escape, form, hidden, input, message_page, page, paragraph};

/// The one refusal text of the password step: wrong credentials and a locked account must
/// read the same (`accounts::sign_in`).
pub(crate) const WRONG_CREDENTIALS: &str = "Wrong email or password, or too many attempts: try again later.";
/// The one refusal text of a second-factor code, for the same reason.
pub(crate) const WRONG_CODE: &str = "That code is not valid, or there were too many attempts: try again later.";

fn status_for(error: Option<&str>) -> StatusCode {
    if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK }
}

fn request_fields(csrf: &CsrfToken, request: Uuid) -> String {
    format!("{}{}", csrf.hidden_field(), hidden("request", &request.to_string()))
}

pub(crate) fn sign_in(csrf: &CsrfToken, request: Uuid, error: Option<&str>) -> Response {
    let fields = format!(
        "{}{}{}",
        request_fields(csrf, request),
        input("email", "email", "Email address", "username"),
        input("password", "password", "Password", "current-password"),
    );
    let body = format!(
        "{}{}<p><a href=\"/account/forgot-password\">Forgot your password?</a></p>{}",
        error_line(error),
        form("/oauth2/login", &fields, "Sign in"),
        practice_sso(request),
    );
    page(status_for(error), "Sign in", &body)
}

/// "Sign in with your practice's account": a plain GET to `/federation/start` (it only
/// redirects to the practice's IdP, so it needs no CSRF token), naming the practice by its
/// short name.
fn practice_sso(request: Uuid) -> String {
    let fields = format!(
        "{}{}",
        hidden("request", &request.to_string()),
        input(
            "text",
            "tenant",
            "Your practice's short name (for practices that use their own sign-in)",
            "organization"
        ),
    );
    format!(
        "<form method=\"get\" action=\"/federation/start\">{fields}<button type=\"submit\">{}</button></form>",
        escape("Sign in with your practice's account")
    )
}

pub(crate) fn second_factor(csrf: &CsrfToken, request: Uuid, error: Option<&str>) -> Response {
    let fields = format!("{}{}", request_fields(csrf, request), input("text", "code", "Code", "one-time-code"));
    let body = format!(
        "{}{}{}",
        paragraph("Enter the 6-digit code from your authenticator app, or one of your recovery codes."),
        error_line(error),
        form("/oauth2/mfa", &fields, "Continue"),
    );
    page(status_for(error), "Two-step verification", &body)
}

/// Enrolment: the secret as text and as an `otpauth://` URL (no QR image: that would mean
/// sending the secret to an image service or shipping a QR encoder for one page). Both are
/// carried in the form so a mistyped code shows the same secret again.
pub(crate) fn enroll(
    csrf: &CsrfToken,
    request: Uuid,
    secret: &str,
    otpauth_url: &str,
    error: Option<&str>,
) -> Response {
    let fields = format!(
        "{}{}{}{}",
        request_fields(csrf, request),
        hidden("secret", secret),
        hidden("otpauth_url", otpauth_url),
        input("text", "code", "Code from the app", "one-time-code"),
    );
    let body = format!(
        "{}<p>Key: <code id=\"totp-secret\">{}</code></p><p>Or open this link on the device with the app: \
         <code id=\"otpauth-url\">{}</code></p>{}{}{}",
        paragraph("Your practice requires a second step at sign-in. Add this key to an authenticator app."),
        escape(secret),
        escape(otpauth_url),
        paragraph("Then enter the 6-digit code the app shows."),
        error_line(error),
        form("/oauth2/mfa/enroll", &fields, "Confirm"),
    );
    page(status_for(error), "Set up two-step verification", &body)
}

/// The recovery codes, shown once, and a button that continues the sign-in.
pub(crate) fn recovery_codes(request: Uuid, codes: &[String]) -> Response {
    let items: String =
        codes.iter().map(|c| format!("<li><code class=\"recovery-code\">{}</code></li>", escape(c))).collect();
    let body = format!(
        "{}<ul>{items}</ul><form method=\"get\" action=\"/oauth2/authorize/continue\">{}\
         <button type=\"submit\">Continue</button></form>",
        paragraph(
            "Keep these recovery codes somewhere safe. Each one works once if you lose your device. They are shown only now."
        ),
        hidden("request", &request.to_string()),
    );
    page(StatusCode::OK, "Your recovery codes", &body)
}

/// One button per practice; the practice's id is what the button posts.
pub(crate) fn choose_tenant(csrf: &CsrfToken, request: Uuid, practices: &[(String, String)]) -> Response {
    let buttons: String = practices
        .iter()
        .map(|(id, name)| {
            form("/oauth2/tenant", &format!("{}{}", request_fields(csrf, request), hidden("tenant", id)), name)
        })
        .collect();
    let body = format!("{}{buttons}", paragraph("You belong to several practices. Which one do you want to work in?"));
    page(StatusCode::OK, "Choose a practice", &body)
}

/// An authorization request we cannot trust enough to redirect back to.
pub(crate) fn bad_request(reason: &str) -> Response {
    message_page(StatusCode::BAD_REQUEST, "This sign-in link does not work", reason)
}

pub(crate) fn request_expired() -> Response {
    message_page(
        StatusCode::BAD_REQUEST,
        "Your sign-in has expired",
        "It took too long or was already completed. Go back to the app and sign in again.",
    )
}

pub(crate) fn no_practice() -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        "No practice to sign in to",
        "Your account is not an active member of any practice. Ask your practice to invite you.",
    )
}

pub(crate) fn not_your_practice() -> Response {
    message_page(StatusCode::FORBIDDEN, "Not allowed", "You are not a member of that practice.")
}

pub(crate) fn confirm_sign_out(csrf: &CsrfToken) -> Response {
    let body = format!(
        "{}{}",
        paragraph("Do you want to sign out?"),
        form("/oauth2/end-session", &csrf.hidden_field(), "Sign out")
    );
    page(StatusCode::OK, "Sign out", &body)
}

pub(crate) fn signed_out() -> Response {
    message_page(StatusCode::OK, "You have signed out", "You can close this page.")
}
