//! [`FederationError`]: why a sign-in through a practice's IdP stopped, answered to the
//! person's browser as a plain HTML page with a stable code (not the JSON of the API: a
//! browser lands here from the IdP's redirect).
//!
//! The page says what the person can do, never which check of ours failed in detail, and
//! holds no PHI: no email, no name, nothing the IdP sent. Causes of server-side failures go
//! to the log once, here, under the code.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use tp_audit_log::Outcome;

use super::linking::Refusal;

#[derive(Debug, thiserror::Error)]
pub(crate) enum FederationError {
    #[error("unknown or inactive practice")]
    UnknownPractice,
    #[error("single sign-on is not enabled for this practice")]
    SsoNotEnabled,
    #[error("the sign-in request expired")]
    RequestExpired,
    /// Unknown, used, expired, or not this browser's: all alike to the person.
    #[error("invalid or expired sign-in state")]
    InvalidState,
    #[error("the identity provider declined the sign-in")]
    IdpDeclined,
    #[error("the response came from another issuer")]
    IssuerMismatch,
    #[error("the identity provider rejected the code exchange")]
    ExchangeRejected,
    #[error("the identity provider's ID token is invalid")]
    IdTokenInvalid,
    #[error("the identity provider sent no email")]
    EmailMissing,
    #[error("the email is not verified by the identity provider")]
    EmailNotVerified,
    #[error("the email's domain is not allowed by the practice")]
    DomainNotAllowed,
    #[error("no invitation or membership in this practice")]
    NoMembership,
    /// The account belongs to another practice too, or to the platform: SSO signs in only
    /// people whose account belongs to that practice alone.
    #[error("the account does not belong to this practice alone")]
    AccountNotExclusive,
    #[error("the identity provider is unavailable")]
    IdpUnavailable(#[source] anyhow::Error),
    #[error("a dependency is unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl FederationError {
    pub(crate) fn code(&self) -> &'static str {
        match self {
            Self::UnknownPractice => "IDENTITY_SSO_UNKNOWN_PRACTICE",
            Self::SsoNotEnabled => "IDENTITY_SSO_NOT_ENABLED",
            Self::RequestExpired => "IDENTITY_SSO_REQUEST_EXPIRED",
            Self::InvalidState => "IDENTITY_SSO_INVALID_STATE",
            Self::IdpDeclined => "IDENTITY_SSO_IDP_DECLINED",
            Self::IssuerMismatch => "IDENTITY_SSO_ISSUER_MISMATCH",
            Self::ExchangeRejected => "IDENTITY_SSO_EXCHANGE_REJECTED",
            Self::IdTokenInvalid => "IDENTITY_SSO_ID_TOKEN_INVALID",
            Self::EmailMissing => "IDENTITY_SSO_EMAIL_MISSING",
            Self::EmailNotVerified => "IDENTITY_SSO_EMAIL_NOT_VERIFIED",
            Self::DomainNotAllowed => "IDENTITY_SSO_DOMAIN_NOT_ALLOWED",
            Self::NoMembership => "IDENTITY_SSO_NO_MEMBERSHIP",
            Self::AccountNotExclusive => "IDENTITY_SSO_ACCOUNT_NOT_EXCLUSIVE",
            Self::IdpUnavailable(_) => "IDENTITY_SSO_IDP_UNAVAILABLE",
            Self::Unavailable(_) => "IDENTITY_UNAVAILABLE",
            Self::Internal(_) => "IDENTITY_INTERNAL",
        }
    }

    /// How the sign-in ends in the audit log when this stopped it: `Denied` by the
    /// practice's rules, `Failure` for a flow that did not verify; `None` for a failure on
    /// our side or the IdP's, which refuses nobody and is logged instead.
    pub(crate) fn audit_outcome(&self) -> Option<Outcome> {
        match self.status() {
            status if status.is_server_error() => None,
            StatusCode::FORBIDDEN | StatusCode::NOT_FOUND => Some(Outcome::Denied),
            _ => Some(Outcome::Failure),
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::UnknownPractice | Self::SsoNotEnabled => StatusCode::NOT_FOUND,
            Self::RequestExpired | Self::InvalidState => StatusCode::BAD_REQUEST,
            Self::IdpDeclined | Self::IssuerMismatch | Self::ExchangeRejected | Self::IdTokenInvalid => {
                StatusCode::UNAUTHORIZED
            }
            Self::EmailMissing
            | Self::EmailNotVerified
            | Self::DomainNotAllowed
            | Self::NoMembership
            | Self::AccountNotExclusive => StatusCode::FORBIDDEN,
            Self::IdpUnavailable(_) => StatusCode::BAD_GATEWAY,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the person reads, and what they can do about it.
    fn advice(&self) -> &'static str {
        match self {
            Self::UnknownPractice | Self::SsoNotEnabled => {
                "This practice does not offer sign-in through its own provider."
            }
            Self::RequestExpired | Self::InvalidState => {
                "This sign-in link has expired or was already used. Please start again."
            }
            Self::EmailMissing | Self::EmailNotVerified => {
                "Your practice's sign-in provider did not confirm a verified email address. Please contact your practice."
            }
            Self::DomainNotAllowed => "Your email address is not one this practice accepts for single sign-on.",
            Self::NoMembership => {
                "Your account has no invitation to this practice. Please ask your practice to invite you."
            }
            // Says nothing of other practices: whoever controls the practice's IdP may be
            // the one reading this page.
            Self::AccountNotExclusive => {
                "This account cannot sign in through this practice's provider. Please sign in with your email and password."
            }
            Self::IdpUnavailable(_) | Self::Unavailable(_) | Self::Internal(_) => {
                "Something went wrong on our side or at your practice's sign-in provider. Please try again later."
            }
            Self::IdpDeclined | Self::IssuerMismatch | Self::ExchangeRejected | Self::IdTokenInvalid => {
                "Your practice's sign-in provider did not confirm who you are. Please start again."
            }
        }
    }
}

impl From<Refusal> for FederationError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::EmailMissing => Self::EmailMissing,
            Refusal::EmailNotVerified => Self::EmailNotVerified,
            Refusal::DomainNotAllowed => Self::DomainNotAllowed,
        }
    }
}

impl From<tp_db::DbError> for FederationError {
    fn from(err: tp_db::DbError) -> Self {
        match err {
            tp_db::DbError::Unavailable(_) => Self::Unavailable(err.into()),
            tp_db::DbError::Query(_) => Self::Internal(err.into()),
        }
    }
}

impl From<crate::error::Error> for FederationError {
    fn from(err: crate::error::Error) -> Self {
        match err {
            crate::error::Error::Unavailable(_) => Self::Unavailable(err.into()),
            _ => Self::Internal(err.into()),
        }
    }
}

impl From<tp_vault::VaultError> for FederationError {
    fn from(err: tp_vault::VaultError) -> Self {
        match err {
            tp_vault::VaultError::Unavailable(_) => Self::Unavailable(err.into()),
            _ => Self::Internal(err.into()),
        }
    }
}

impl IntoResponse for FederationError {
    fn into_response(self) -> Response {
        let code = self.code();
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(code, error = %tp_errors::error_chain(&self), "federated sign-in failed");
        } else {
            tracing::info!(code, "federated sign-in refused");
        }
        let page = format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in not completed</title></head>\n\
             <body><h1>Sign-in not completed</h1>\n<p>{advice}</p>\n<p><small>Error code: <code>{code}</code></small></p>\
             </body></html>\n",
            advice = self.advice(),
        );
        (status, Html(page)).into_response()
    }
}
