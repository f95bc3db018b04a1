//! [`CryptoError`]: why a field could not be encrypted or decrypted, in terms a caller can act
//! on, with stable codes and the [`ServiceError`] mapping for HTTP responses.
//!
//! There is deliberately no variant that lets a caller fall back to storing or returning
//! plaintext: every failure is an error. `DecryptFailed` does not say *why* authentication
//! failed (wrong tenant, row, column, flipped bit): telling those apart would help an attacker
//! probe stored ciphertexts and helps no legitimate caller.

use tp_errors::{ErrorKind, ServiceError};
use tp_vault::VaultError;

/// `Clone` so that callers sharing one in-flight Vault call each get its outcome.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CryptoError {
    /// Vault is down or unreachable and the key needed is not cached.
    #[error("encryption service unavailable")]
    Unavailable(#[source] VaultError),
    /// The service's Vault policy does not allow using this tenant's key (a deployment bug).
    #[error("encryption key access denied")]
    Denied(#[source] VaultError),
    /// The bytes are not a ciphertext of a format this build knows (truncated, unknown
    /// version, bad header).
    #[error("encrypted value is malformed")]
    Malformed,
    /// The ciphertext does not authenticate for this tenant and field, or its data key could
    /// not be unwrapped with this tenant's key.
    #[error("encrypted value could not be decrypted")]
    DecryptFailed(#[source] Option<VaultError>),
    /// The tenant has no transit key: never provisioned, or crypto-shredded.
    #[error("tenant encryption key not found")]
    UnknownTenantKey(#[source] VaultError),
    /// A failure on our side (Vault answered nonsense, the OS RNG failed).
    #[error("internal encryption error")]
    Internal(#[source] Option<VaultError>),
}

/// Which Vault call failed: a rejected *unwrap* means the stored wrapped key is bad (the
/// caller's data), a rejected *data key request* means something on our side is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum VaultOp {
    DataKey,
    Unwrap,
}

impl CryptoError {
    pub(crate) fn from_vault(err: VaultError, op: VaultOp) -> Self {
        match (err, op) {
            (err @ VaultError::Unavailable(_), _) => CryptoError::Unavailable(err),
            (err @ VaultError::Denied(_), _) => CryptoError::Denied(err),
            (err @ VaultError::NotFound(_), _) => CryptoError::UnknownTenantKey(err),
            (err @ VaultError::Rejected(_), VaultOp::Unwrap) => CryptoError::DecryptFailed(Some(err)),
            (err, _) => CryptoError::Internal(Some(err)),
        }
    }
}

impl ServiceError for CryptoError {
    fn kind(&self) -> ErrorKind {
        match self {
            CryptoError::Unavailable(_) => ErrorKind::Unavailable,
            // The data is gone for good (shredded tenant) or never existed.
            CryptoError::UnknownTenantKey(_) => ErrorKind::NotFound,
            // Misconfiguration or corrupt/tampered stored data: nothing the caller can fix,
            // and the details stay in the logs.
            CryptoError::Denied(_)
            | CryptoError::Malformed
            | CryptoError::DecryptFailed(_)
            | CryptoError::Internal(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            CryptoError::Unavailable(_) => "CRYPTO_UNAVAILABLE",
            CryptoError::Denied(_) => "CRYPTO_DENIED",
            CryptoError::Malformed => "CRYPTO_MALFORMED",
            CryptoError::DecryptFailed(_) => "CRYPTO_DECRYPT_FAILED",
            CryptoError::UnknownTenantKey(_) => "CRYPTO_UNKNOWN_TENANT_KEY",
            CryptoError::Internal(_) => "CRYPTO_INTERNAL",
        }
    }
}
