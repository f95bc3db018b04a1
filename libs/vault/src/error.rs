//! [`VaultError`]: the five outcomes a caller of Vault can act on, mapped once from vaultrs'
//! `ClientError`.
//!
//! What this does not do: keep the vaultrs error itself. Some of its variants carry raw
//! response bodies (`ResponseParseError { content }`), and a transit `datakey` or `decrypt`
//! body holds key material or plaintext, which a `{:?}` in a log line would print. Parse
//! errors are no better through `Display`: serde_json echoes the offending value
//! (`invalid type: string "<key material>"`). So the cause kept here is rebuilt from fixed
//! texts: transport errors with their source chain (URLs at most), parse and serialisation
//! errors by variant name and JSON position only, plus Vault's own `errors` list, which names
//! the failure ("permission denied") but never echoes request data.

use vaultrs::error::ClientError;

/// A failed Vault call. `Display` is safe to show a client; the [`Cause`] (logs only) says
/// what Vault or the transport reported. `Clone` so callers that share one in-flight call
/// can each return its outcome.
#[derive(Debug, Clone, thiserror::Error)]
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
#[derive(Debug, Clone, thiserror::Error)]
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

/// A log line for `err` that cannot contain a response body or a value from one: see the
/// module comment for what is kept.
fn describe(err: &ClientError) -> String {
    match err {
        ClientError::APIError { errors, .. } if !errors.is_empty() => format!("{err} ({})", errors.join("; ")),
        ClientError::JsonParseError { source } => format!("{err}: JsonParseError{}", json_position(source)),
        ClientError::RestClientError { source } => format!("{err}: {}", describe_rest(source)),
        // Fixed texts whose sources are I/O or TLS-configuration errors.
        _ => tp_errors::error_chain(err),
    }
}

fn describe_rest(err: &rustify::errors::ClientError) -> String {
    use rustify::errors::ClientError as Rest;
    let position = std::error::Error::source(err).map(json_position).unwrap_or_default();
    match err {
        // The transport: reqwest and hyper errors name the URL and the failure, never a body.
        Rest::RequestError { .. }
        | Rest::ResponseError { .. }
        | Rest::RequestBuildError { .. }
        | Rest::ReqwestBuildError { .. }
        | Rest::UrlBuildError { .. }
        | Rest::UrlParseError { .. } => tp_errors::error_chain(err),
        Rest::ServerResponseError { code, .. } => format!("ServerResponseError (status {code})"),
        // Parsing a response (which may be a data key) or serialising a request (which may
        // be plaintext): the variant and where in the JSON, never the message.
        Rest::ResponseParseError { .. } => format!("ResponseParseError{position}"),
        Rest::ResponseConversionError { .. } => "ResponseConversionError".to_owned(),
        Rest::DataParseError { .. } => format!("DataParseError{position}"),
        Rest::EndpointBuildError { .. } => format!("EndpointBuildError{position}"),
        Rest::UrlQueryParseError { .. } => "UrlQueryParseError".to_owned(),
        Rest::GenericError { .. } => "GenericError".to_owned(),
    }
}

/// ` at line L column C` of the first serde_json error in the chain, else empty.
fn json_position(err: &(dyn std::error::Error + 'static)) -> String {
    std::iter::successors(Some(err), |e| e.source())
        .find_map(|e| e.downcast_ref::<serde_json::Error>())
        .map(|e| format!(" at line {} column {}", e.line(), e.column()))
        .unwrap_or_default()
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
    fn parse_errors_are_described_by_variant_and_position_without_the_offending_value() {
        // serde_json quotes the value it choked on; here, something shaped like a data key.
        let parse = || serde_json::from_str::<u32>(r#""c2VjcmV0LWtleQ==""#).unwrap_err();
        assert!(parse().to_string().contains("c2VjcmV0"), "the premise: serde_json echoes values");
        let rest = |source| VaultError::from(ClientError::RestClientError { source });
        let cases = [
            (
                rest(rustify::errors::ClientError::ResponseParseError {
                    source: anyhow::Error::from(parse()),
                    content: Some(r#""c2VjcmV0LWtleQ==""#.to_owned()),
                }),
                "ResponseParseError at line 1 column 18",
            ),
            (
                rest(rustify::errors::ClientError::DataParseError { source: anyhow::Error::from(parse()) }),
                "DataParseError at line 1 column 18",
            ),
            (VaultError::from(ClientError::JsonParseError { source: parse() }), "JsonParseError at line 1 column 18"),
            (
                rest(rustify::errors::ClientError::ResponseConversionError {
                    source: anyhow::anyhow!("invalid utf-8 in c2VjcmV0"),
                    content: b"c2VjcmV0".to_vec(),
                }),
                "ResponseConversionError",
            ),
        ];
        for (err, expected) in cases {
            let cause = err.cause().to_string();

            assert!(cause.ends_with(expected), "{cause}");
            assert!(!cause.contains("c2VjcmV0") && !format!("{err:?}").contains("c2VjcmV0"), "{err:?}");
            assert_eq!(err.code(), "VAULT_INTERNAL");
        }
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
