//! [`VaultError`]: the five outcomes a caller of Vault can act on, mapped once from vaultrs'
//! `ClientError`.
//!
//! What this does not do: keep the vaultrs error itself. Some of its variants carry raw
//! response bodies (`ResponseParseError { content }`), and a transit `datakey` or `decrypt`
//! body holds key material or plaintext, which a `{:?}` in a log line would print. The cause
//! kept here is rebuilt from `Display` strings (fixed texts) plus Vault's own `errors` list,
//! which names the failure ("permission denied") but never echoes request data.

use std::fmt::Write as _;

use vaultrs::error::ClientError;

/// A failed Vault call. `Display` is safe to show a client; the [`Cause`] (logs only) says
/// what Vault or the transport reported.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// Vault cannot be reached or cannot serve: connection refused, timeout, 5xx, sealed,
    /// rate limited. Worth retrying later; readiness should report it.
    #[error("secrets service unavailable")]
    Unavailable(#[source] Cause),
    /// The token's policy does not allow this operation (403).
    #[error("secrets service denied the operation")]
    Denied(#[source] Cause),
    /// The path, secret or key does not exist (404, or transit's "key not found").
    #[error("secret or key not found")]
    NotFound(#[source] Cause),
    /// Vault refused the request as invalid (other 4xx), e.g. a corrupt ciphertext.
    #[error("secrets service rejected the request")]
    Rejected(#[source] Cause),
    /// A bug or misconfiguration on our side: unparsable response, bad address.
    #[error("secrets service client error")]
    Internal(#[source] Cause),
}

/// Sanitised description of what went wrong, for logs: never a response body.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Cause(String);

impl Cause {
    pub(crate) fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }
}

impl VaultError {
    pub(crate) fn internal(text: impl Into<String>) -> Self {
        VaultError::Internal(Cause::new(text))
    }

    /// What Vault or the transport reported, for logs.
    pub fn cause(&self) -> &Cause {
        match self {
            VaultError::Unavailable(c)
            | VaultError::Denied(c)
            | VaultError::NotFound(c)
            | VaultError::Rejected(c)
            | VaultError::Internal(c) => c,
        }
    }

    /// Stable code for logs and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            VaultError::Unavailable(_) => "VAULT_UNAVAILABLE",
            VaultError::Denied(_) => "VAULT_DENIED",
            VaultError::NotFound(_) => "VAULT_NOT_FOUND",
            VaultError::Rejected(_) => "VAULT_REJECTED",
            VaultError::Internal(_) => "VAULT_INTERNAL",
        }
    }
}

impl From<ClientError> for VaultError {
    fn from(err: ClientError) -> Self {
        let cause = Cause(describe(&err));
        match &err {
            ClientError::APIError { code, errors } => by_status(*code, errors, cause),
            ClientError::RestClientError { source } => match source {
                // Vault answered with a status whose body was not `{"errors": [...]}`
                // (e.g. a soft-deleted KV secret: 404 with metadata).
                rustify::errors::ClientError::ServerResponseError { code, .. } => by_status(*code, &[], cause),
                // Connect failures and timeouts surface while sending or reading the body.
                rustify::errors::ClientError::RequestError { .. }
                | rustify::errors::ClientError::ResponseError { .. } => VaultError::Unavailable(cause),
                _ => VaultError::Internal(cause),
            },
            _ => VaultError::Internal(cause),
        }
    }
}

fn by_status(code: u16, errors: &[String], cause: Cause) -> VaultError {
    match code {
        403 => VaultError::Denied(cause),
        404 => VaultError::NotFound(cause),
        // Transit answers 400 (not 404) for a missing key, e.g. after a tenant was
        // crypto-shredded; callers need to tell that apart from a corrupt ciphertext.
        400 if errors.iter().any(|e| e.contains("key not found")) => VaultError::NotFound(cause),
        429 | 500..=599 => VaultError::Unavailable(cause),
        _ => VaultError::Rejected(cause),
    }
}

/// `Display` of the error and its sources, plus Vault's error list. `Display` of vaultrs and
/// rustify errors is fixed text (URLs at most), so this never contains a body.
fn describe(err: &ClientError) -> String {
    let mut out = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let _ = write!(out, ": {cause}");
        source = cause.source();
    }
    if let ClientError::APIError { errors, .. } = err
        && !errors.is_empty()
    {
        let _ = write!(out, " ({})", errors.join("; "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: u16, errors: &[&str]) -> VaultError {
        VaultError::from(ClientError::APIError { code, errors: errors.iter().map(|e| (*e).to_owned()).collect() })
    }

    #[test]
    fn statuses_map_to_what_a_caller_acts_on() {
        let cases: [(u16, &[&str], &str); 7] = [
            (403, &["permission denied"], "VAULT_DENIED"),
            (404, &[], "VAULT_NOT_FOUND"),
            (400, &["encryption key not found"], "VAULT_NOT_FOUND"),
            (400, &["invalid ciphertext: no prefix"], "VAULT_REJECTED"),
            (503, &["Vault is sealed"], "VAULT_UNAVAILABLE"),
            (429, &[], "VAULT_UNAVAILABLE"),
            (500, &[], "VAULT_UNAVAILABLE"),
        ];
        for (code, errors, expected) in cases {
            assert_eq!(api(code, errors).code(), expected, "status {code} {errors:?}");
        }
    }

    #[test]
    fn display_is_fixed_text_and_the_cause_keeps_vaults_message() {
        let err = api(400, &["invalid ciphertext"]);
        assert_eq!(err.to_string(), "secrets service rejected the request");
        let cause = std::error::Error::source(&err).map(ToString::to_string).unwrap_or_default();
        assert!(cause.contains("invalid ciphertext"), "{cause}");
    }

    #[test]
    fn response_bodies_never_reach_the_cause() {
        let body = r#"{"data":{"plaintext":"c2VjcmV0LWtleQ=="}}"#;
        let err = VaultError::from(ClientError::RestClientError {
            source: rustify::errors::ClientError::ServerResponseError { code: 502, content: Some(body.to_owned()) },
        });
        assert_eq!(err.code(), "VAULT_UNAVAILABLE");
        assert!(!format!("{err:?}").contains("c2VjcmV0"), "{err:?}");
    }
}
