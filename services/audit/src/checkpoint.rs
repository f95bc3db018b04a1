//! Checkpoint signatures: signed in Vault with the transit key `audit-checkpoints` (ed25519;
//! the private half never leaves Vault), verified here against the key's public versions.
//!
//! Verification is local (ring) rather than a Vault `verify` call per checkpoint: a chain
//! accumulates a checkpoint per sealing pass, and one Vault round trip each would make
//! verifying a year of history take hours. Key rotation is supported: every version stays
//! listed, and a signature names its version (`vault:vN:`).

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::signature::{ED25519, UnparsedPublicKey};
use tp_vault::{SigningKeyType, Vault, VaultError};

use crate::domain::chain::{Chain, checkpoint_message};

/// Creates the signing key unless it exists.
pub async fn ensure_key(vault: &Vault, key: &str) -> Result<(), VaultError> {
    vault.create_signing_key(key, SigningKeyType::Ed25519).await
}

/// Signs the head `(chain, seq, hash)`; returns `vault:vN:<base64>`.
pub async fn sign(vault: &Vault, key: &str, chain: Chain, seq: i64, hash: &[u8; 32]) -> Result<String, VaultError> {
    vault.sign(key, &checkpoint_message(chain, seq, hash)).await
}

/// The public halves of every version of the key.
pub struct PublicKeys(HashMap<u64, Vec<u8>>);

impl PublicKeys {
    pub async fn read(vault: &Vault, key: &str) -> Result<Self, VaultError> {
        let versions = vault.read_public_keys(key).await?;
        // Vault lists ed25519 public keys as base64 of the raw 32 bytes (not PEM).
        let keys = versions
            .into_iter()
            .filter_map(|v| STANDARD.decode(v.public_key_pem.trim()).ok().map(|raw| (v.version, raw)))
            .collect();
        Ok(Self(keys))
    }

    /// Whether `signature` is a valid signature of the head `(chain, seq, hash)` by one of
    /// the key's versions. Anything malformed is simply invalid.
    pub fn verify(&self, chain: Chain, seq: i64, hash: &[u8; 32], signature: &str) -> bool {
        let Some((version, encoded)) = signature.strip_prefix("vault:v").and_then(|rest| rest.split_once(':')) else {
            return false;
        };
        let (Ok(version), Ok(raw)) = (version.parse::<u64>(), STANDARD.decode(encoded)) else {
            return false;
        };
        let Some(public) = self.0.get(&version) else {
            return false;
        };
        UnparsedPublicKey::new(&ED25519, public).verify(&checkpoint_message(chain, seq, hash), &raw).is_ok()
    }
}
