//! The pages behind account links: accept an invitation, forgot and reset password, verify
//! an email address, and the outcomes (done, invalid link).
//!
//! An invalid link page never says why (unknown, used or expired): the difference is of no
//! use to the person and of some use to someone probing links.

use axum::http::StatusCode;
use axum::response::Response;

use crate::http::csrf::CsrfToken;
use crate::http::pages::layout::{error_line, form, hidden, input, message_page, page, paragraph};

/// Status of a form shown again because its input was refused.
const REFUSED: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

fn status_for(error: Option<&str>) -> StatusCode {
    if error.is_some() { REFUSED } else { StatusCode::OK }
}

fn new_password_fields() -> String {
    format!(
        "{}{}<p><small>At least 12 characters. A few unrelated words make a good password.</small></p>",
        input("password", "password", "New password", "new-password"),
        input("password", "password_confirm", "Repeat the password", "new-password"),
    )
}

pub(crate) fn invalid_link() -> Response {
    message_page(
        StatusCode::BAD_REQUEST,
        "This link does not work",
        "The link is invalid, has expired or was already used. Ask for a new one.",
    )
}

pub(crate) fn unavailable() -> Response {
    message_page(StatusCode::SERVICE_UNAVAILABLE, "Something went wrong", "Please try again in a few minutes.")
}

/// `set_password`: a new account chooses its password; otherwise accepting only joins.
pub(crate) fn accept_invite(csrf: &CsrfToken, token: &str, set_password: bool, error: Option<&str>) -> Response {
    let (intro, fields, button) = if set_password {
        ("Choose a password to finish setting up your account.", new_password_fields(), "Set password")
    } else {
        ("Accept the invitation to join with your existing account.", String::new(), "Accept invitation")
    };
    let fields = format!("{}{}{fields}", csrf.hidden_field(), hidden("token", token));
    let body = format!("{}{}{}", paragraph(intro), error_line(error), form("/account/accept-invite", &fields, button));
    page(status_for(error), "Accept your invitation", &body)
}

pub(crate) fn invite_accepted() -> Response {
    message_page(
        StatusCode::OK,
        "You're all set",
        "Your account is ready. Return to the Telehealth app or website and sign in.",
    )
}

pub(crate) fn forgot_password(csrf: &CsrfToken) -> Response {
    let fields = format!("{}{}", csrf.hidden_field(), input("email", "email", "Email address", "email"));
    let body = format!(
        "{}{}",
        paragraph("Enter the email address of your account and we will send you a link to choose a new password."),
        form("/account/forgot-password", &fields, "Send link"),
    );
    page(StatusCode::OK, "Forgot your password?", &body)
}

/// The same answer whether or not the address has an account.
pub(crate) fn reset_link_sent() -> Response {
    message_page(
        StatusCode::OK,
        "Check your email",
        "If an account exists for that address, we have sent it a link to choose a new password. \
         The link works for one hour.",
    )
}

pub(crate) fn reset_password(csrf: &CsrfToken, token: &str, error: Option<&str>) -> Response {
    let fields = format!("{}{}{}", csrf.hidden_field(), hidden("token", token), new_password_fields());
    let body = format!("{}{}", error_line(error), form("/account/reset-password", &fields, "Change password"));
    page(status_for(error), "Choose a new password", &body)
}

pub(crate) fn password_changed() -> Response {
    message_page(
        StatusCode::OK,
        "Password changed",
        "Your password has been changed and you have been signed out everywhere. Sign in with your new password.",
    )
}

pub(crate) fn verify_email(csrf: &CsrfToken, token: &str) -> Response {
    let fields = format!("{}{}", csrf.hidden_field(), hidden("token", token));
    let body = format!(
        "{}{}",
        paragraph("Confirm that this email address belongs to your account."),
        form("/account/verify-email", &fields, "Confirm"),
    );
    page(StatusCode::OK, "Confirm your email address", &body)
}

pub(crate) fn email_verified() -> Response {
    message_page(StatusCode::OK, "Email address confirmed", "Thank you. You can close this page.")
}
