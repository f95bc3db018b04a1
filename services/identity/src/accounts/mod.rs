//! Account flows: password sign-in with lockout, TOTP second factor, invitations, email
//! verification and password reset. The sign-in pages, the admin API and `telehealthctl`
//! call these; each function does its own storage, email and (soon) audit work.

mod attempt;
pub(crate) mod emails;
mod invite;
pub mod me;
mod mfa;
mod new_password;
mod password_reset;
mod sign_in;
mod verify_email;

pub use invite::{InviteOutcome, InviteView, accept_invite, invite, peek_invite};
pub use mfa::{
    MfaError, TotpEnrollment, begin_totp_enrollment, confirm_totp_enrollment, ensure_mfa_key, mfa_enrolled,
    verify_second_factor,
};
pub use password_reset::{peek_password_reset, request_password_reset, reset_password};
pub use sign_in::{SignInError, authenticate_password};
pub use verify_email::{peek_email_verification, send_email_verification, verify_email};

pub use crate::domain::totp::mfa_required;
