//! The ciphertext format and the AES-256-GCM seal/open of one field with a data key already
//! in memory. No Vault and no cache here: [`crate::Keyring`] supplies the keys. Public for
//! format tooling and benchmarks; services call the `Keyring`.
//!
//! Format, version 1 (all integers big-endian):
//!
//! ```text
//! 0x01 | u16 n | wrapped data key (n bytes, ASCII "vault:v<N>:<base64>") | nonce (12) | ciphertext | tag (16)
//! ```
//!
//! The data key is wrapped by the tenant's transit key (`tenant-<uuid>`), so a ciphertext
//! carries everything needed to decrypt it given access to that key, and rotation never
//! re-encrypts rows: old wrapped keys stay unwrappable. The nonce is random (96 bits); a data
//! key is used for one cache TTL per process, far below the 2^32 messages at which random
//! nonces start to risk collision.
//!
//! Associated data binds the ciphertext to where it belongs, so a value copied to another
//! tenant, table, column or row does not decrypt, and to its own header:
//!
//! ```text
//! 0x01 | tenant uuid (16) | u64 len | table | u64 len | column | row uuid (16) | u64 len | wrapped key
//! ```
//!
//! Strings are length-prefixed so ("ab","c") and ("a","bc") differ. The wrapped key is bound
//! too, so an edited header fails the tag check here even where transit would accept the
//! edit (e.g. a different encoding of the same wrapped bytes).

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{AeadInOut, Generate as _, KeyInit, Nonce, Tag};
use tp_ids::TenantId;
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::error::CryptoError;

/// Format version written by this build; the first byte of every ciphertext.
pub const FORMAT_V1: u8 = 0x01;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const WRAPPED_PREFIX: &str = "vault:v";

/// Where an encrypted value lives. Bound into the ciphertext: decrypting needs the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldContext<'a> {
    /// Schema-qualified table, e.g. `records.notes`.
    pub table: &'a str,
    pub column: &'a str,
    /// Primary key of the row (typed ids convert with `.into()`).
    pub row_id: Uuid,
}

impl<'a> FieldContext<'a> {
    pub fn new(table: &'a str, column: &'a str, row_id: impl Into<Uuid>) -> Self {
        Self { table, column, row_id: row_id.into() }
    }
}

/// An unwrapped data key ready to use, with its wrapped form that goes into each ciphertext.
/// The AES key schedule is wiped when the last reference is dropped (`aes-gcm`'s `zeroize`
/// feature makes `Aes256Gcm` `ZeroizeOnDrop`).
pub struct FieldKey {
    cipher: Aes256Gcm,
    wrapped: Box<str>,
}

impl std::fmt::Debug for FieldKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FieldKey").field("wrapped", &self.wrapped).finish_non_exhaustive()
    }
}

impl FieldKey {
    /// `key` is the plaintext data key, `wrapped` the transit ciphertext of it.
    pub fn new(key: &[u8; 32], wrapped: &str) -> Result<Self, CryptoError> {
        // A wrapped key we could not parse back would make every value sealed with it
        // unreadable: refuse it here rather than at decryption time.
        if u16::try_from(wrapped.len()).is_err() || parse_key_version(wrapped).is_none() {
            return Err(CryptoError::Internal(None));
        }
        let cipher = Aes256Gcm::new_from_slice(key).map_err(|_| CryptoError::Internal(None))?;
        Ok(Self { cipher, wrapped: wrapped.into() })
    }

    pub fn wrapped(&self) -> &str {
        &self.wrapped
    }
}

/// A parsed ciphertext, borrowing from the bytes it was parsed from.
#[derive(Debug, Clone, Copy)]
pub struct Envelope<'a> {
    wrapped: &'a str,
    key_version: u32,
    nonce: &'a Nonce<Aes256Gcm>,
    ciphertext: &'a [u8],
    tag: &'a Tag<Aes256Gcm>,
}

impl<'a> Envelope<'a> {
    /// Splits `bytes` into its parts. Anything but a complete version-1 ciphertext is
    /// `Malformed`; this never panics, whatever the input.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, CryptoError> {
        let (&version, rest) = bytes.split_first().ok_or(CryptoError::Malformed)?;
        if version != FORMAT_V1 {
            return Err(CryptoError::Malformed);
        }
        let (len, rest) = rest.split_first_chunk::<2>().ok_or(CryptoError::Malformed)?;
        let (wrapped, rest) =
            rest.split_at_checked(usize::from(u16::from_be_bytes(*len))).ok_or(CryptoError::Malformed)?;
        let wrapped = std::str::from_utf8(wrapped).map_err(|_| CryptoError::Malformed)?;
        let key_version = parse_key_version(wrapped).ok_or(CryptoError::Malformed)?;
        let (nonce, rest) = rest.split_at_checked(NONCE_LEN).ok_or(CryptoError::Malformed)?;
        let tag_at = rest.len().checked_sub(TAG_LEN).ok_or(CryptoError::Malformed)?;
        let (ciphertext, tag) = rest.split_at_checked(tag_at).ok_or(CryptoError::Malformed)?;
        Ok(Self {
            wrapped,
            key_version,
            nonce: <&Nonce<Aes256Gcm>>::try_from(nonce).map_err(|_| CryptoError::Malformed)?,
            ciphertext,
            tag: <&Tag<Aes256Gcm>>::try_from(tag).map_err(|_| CryptoError::Malformed)?,
        })
    }

    /// The wrapped data key (`vault:vN:...`), the cache key for its unwrapped form.
    pub fn wrapped_key(&self) -> &'a str {
        self.wrapped
    }

    /// Version of the tenant's transit key that wrapped the data key: rows below the latest
    /// version are candidates for a rewrap job after rotation.
    pub fn key_version(&self) -> u32 {
        self.key_version
    }
}

/// Encrypts `plaintext` for `tenant` and `field` under `key`.
pub fn seal(
    key: &FieldKey,
    tenant: &TenantId,
    field: &FieldContext<'_>,
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let wrapped = key.wrapped.as_bytes();
    let wrapped_len = u16::try_from(wrapped.len()).map_err(|_| CryptoError::Internal(None))?;
    let nonce = Nonce::<Aes256Gcm>::try_generate().map_err(|_| CryptoError::Internal(None))?;
    let header_len = 1 + 2 + wrapped.len() + NONCE_LEN;
    // Exact capacity: the plaintext copied in below is encrypted in place and the buffer never
    // reallocates, so no stray plaintext copy is left behind.
    let mut out = Vec::with_capacity(header_len + plaintext.len() + TAG_LEN);
    out.push(FORMAT_V1);
    out.extend_from_slice(&wrapped_len.to_be_bytes());
    out.extend_from_slice(wrapped);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);
    let aad = associated_data(tenant, field, &key.wrapped);
    let body = out.get_mut(header_len..).ok_or(CryptoError::Internal(None))?;
    let tag = key.cipher.encrypt_inout_detached(&nonce, &aad, body.into()).map_err(|_| CryptoError::Internal(None))?;
    out.extend_from_slice(&tag);
    Ok(out)
}

/// Decrypts a parsed ciphertext; `DecryptFailed` when it does not authenticate for
/// `tenant` and `field` under `key`.
pub fn open(
    key: &FieldKey,
    tenant: &TenantId,
    field: &FieldContext<'_>,
    envelope: &Envelope<'_>,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let aad = associated_data(tenant, field, envelope.wrapped);
    let mut buffer = Zeroizing::new(envelope.ciphertext.to_vec());
    key.cipher
        .decrypt_inout_detached(envelope.nonce, &aad, buffer.as_mut_slice().into(), envelope.tag)
        .map_err(|_| CryptoError::DecryptFailed(None))?;
    Ok(buffer)
}

fn associated_data(tenant: &TenantId, field: &FieldContext<'_>, wrapped: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(1 + 16 + 8 + field.table.len() + 8 + field.column.len() + 16 + 8 + wrapped.len());
    aad.push(FORMAT_V1);
    aad.extend_from_slice(tenant.as_uuid().as_bytes());
    push_prefixed(&mut aad, field.table);
    push_prefixed(&mut aad, field.column);
    aad.extend_from_slice(field.row_id.as_bytes());
    push_prefixed(&mut aad, wrapped);
    aad
}

fn push_prefixed(aad: &mut Vec<u8>, part: &str) {
    // usize -> u64 is lossless on every supported target.
    aad.extend_from_slice(&(part.len() as u64).to_be_bytes());
    aad.extend_from_slice(part.as_bytes());
}

/// `N` from `vault:vN:<base64>`; `None` for anything else.
fn parse_key_version(wrapped: &str) -> Option<u32> {
    let (version, rest) = wrapped.strip_prefix(WRAPPED_PREFIX)?.split_once(':')?;
    if rest.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    version.parse().ok()
}

#[cfg(test)]
mod tests;
