//! Transit engine operations on [`Vault`]: key lifecycle (create, rotate, delete), encrypt and
//! decrypt, data keys for envelope encryption, and signatures.
//!
//! Plaintext and key material handed back are `Zeroizing`, and the base64 strings they
//! arrive in are wiped after decoding. What this cannot wipe are the copies inside the HTTP
//! stack (request and response buffers); keeping Vault on loopback or TLS is the mitigation.
//! Envelope formats and caching are not here: see `tp-crypto`.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use vaultrs::api::transit::requests::{
    CreateKeyRequest, DataKeyType, GenerateDataKeyRequest, SignDataRequest, UpdateKeyConfigurationRequest,
    VerifySignedDataRequest,
};
use vaultrs::api::transit::responses::ReadKeyData;
use vaultrs::api::transit::{KeyType, MarshalingAlgorithm};
use zeroize::{Zeroize as _, Zeroizing};

use crate::client::Vault;
use crate::error::VaultError;

/// A fresh 256-bit data key: the plaintext to encrypt with locally, and the same key
/// wrapped by the transit key (`vault:vN:...`), which is safe to store next to the data.
pub struct DataKey {
    pub plaintext: Zeroizing<[u8; 32]>,
    pub wrapped: String,
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataKey").field("plaintext", &"<redacted>").field("wrapped", &self.wrapped).finish()
    }
}

/// One version of an asymmetric transit key, as [`Vault::read_public_keys`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKeyVersion {
    pub version: u64,
    /// PEM (SubjectPublicKeyInfo) of the public half; the private half never leaves Vault.
    pub public_key_pem: String,
    /// When Vault created this version, RFC 3339 as Vault reports it.
    pub creation_time: String,
}

/// Asymmetric key types for [`Vault::create_signing_key`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningKeyType {
    EcdsaP256,
    Ed25519,
}

impl Vault {
    /// Creates an `aes256-gcm96` transit key. Idempotent: an existing key is left as is.
    pub async fn create_key(&self, name: &str) -> Result<(), VaultError> {
        self.create_transit_key(name, KeyType::Aes256Gcm96).await
    }

    /// Creates an asymmetric signing key. Idempotent like [`Vault::create_key`].
    pub async fn create_signing_key(&self, name: &str, key_type: SigningKeyType) -> Result<(), VaultError> {
        let key_type = match key_type {
            SigningKeyType::EcdsaP256 => KeyType::EcdsaP256,
            SigningKeyType::Ed25519 => KeyType::Ed25519,
        };
        self.create_transit_key(name, key_type).await
    }

    async fn create_transit_key(&self, name: &str, key_type: KeyType) -> Result<(), VaultError> {
        let mount = &self.inner.transit_mount;
        let created = self
            .call(|client| async move {
                let mut opts = CreateKeyRequest::builder();
                opts.key_type(key_type);
                vaultrs::transit::key::create(&*client, mount, name, Some(&mut opts)).await
            })
            .await;
        match created {
            // Writing an existing key is an *update* to Vault; policies that grant only
            // `create` (audit's own keys) refuse it. The key being there is success.
            Err(VaultError::Denied(cause)) => {
                match self.call(|client| async move { vaultrs::transit::key::read(&*client, mount, name).await }).await
                {
                    Ok(_) => Ok(()),
                    Err(_) => Err(VaultError::Denied(cause)),
                }
            }
            other => other,
        }
    }

    /// Adds a new key version; new encryptions use it, old ciphertexts stay decryptable.
    pub async fn rotate_key(&self, name: &str) -> Result<(), VaultError> {
        let mount = &self.inner.transit_mount;
        self.call(|client| async move { vaultrs::transit::key::rotate(&*client, mount, name).await }).await
    }

    /// Deletes a transit key for good: everything encrypted under it (data keys included)
    /// becomes unreadable. This is how a tenant is crypto-shredded. Transit refuses to delete
    /// a key unless `deletion_allowed` is set, so this sets it first.
    pub async fn delete_key(&self, name: &str) -> Result<(), VaultError> {
        let mount = &self.inner.transit_mount;
        self.call(|client| async move {
            let mut opts = UpdateKeyConfigurationRequest::builder();
            opts.deletion_allowed(true);
            vaultrs::transit::key::update(&*client, mount, name, Some(&mut opts)).await
        })
        .await?;
        self.call(|client| async move { vaultrs::transit::key::delete(&*client, mount, name).await }).await
    }

    /// Encrypts with the transit key; returns `vault:vN:<base64>`.
    pub async fn encrypt(&self, key: &str, plaintext: &[u8]) -> Result<String, VaultError> {
        let input = Zeroizing::new(STANDARD.encode(plaintext));
        let (mount, input) = (&self.inner.transit_mount, input.as_str());
        let response = self
            .call(|client| async move { vaultrs::transit::data::encrypt(&*client, mount, key, input, None).await })
            .await?;
        Ok(response.ciphertext)
    }

    /// Decrypts a `vault:vN:...` ciphertext produced under `key`.
    pub async fn decrypt(&self, key: &str, ciphertext: &str) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        let mount = &self.inner.transit_mount;
        let response = self
            .call(|client| async move { vaultrs::transit::data::decrypt(&*client, mount, key, ciphertext, None).await })
            .await?;
        decode_secret(response.plaintext)
    }

    /// A new 256-bit data key under `key` (transit `datakey/plaintext`).
    pub async fn generate_data_key(&self, key: &str) -> Result<DataKey, VaultError> {
        let mount = &self.inner.transit_mount;
        let response = self
            .call(|client| async move {
                let mut opts = GenerateDataKeyRequest::builder();
                opts.bits(256u16);
                vaultrs::transit::generate::data_key(&*client, mount, key, DataKeyType::Plaintext, Some(&mut opts))
                    .await
            })
            .await?;
        let encoded = response.plaintext.ok_or_else(|| VaultError::internal("datakey response has no plaintext"))?;
        let decoded = decode_secret(encoded)?;
        if decoded.len() != 32 {
            return Err(VaultError::internal("datakey is not 256 bits"));
        }
        let mut plaintext = Zeroizing::new([0u8; 32]);
        plaintext.copy_from_slice(&decoded);
        Ok(DataKey { plaintext, wrapped: response.ciphertext })
    }

    /// Signs `data` with an asymmetric transit key; returns `vault:vN:<signature>`.
    pub async fn sign(&self, key: &str, data: &[u8]) -> Result<String, VaultError> {
        let input = STANDARD.encode(data);
        let (mount, input) = (&self.inner.transit_mount, input.as_str());
        let response = self
            .call(|client| async move { vaultrs::transit::data::sign(&*client, mount, key, input, None).await })
            .await?;
        Ok(response.signature)
    }

    /// Signs `data` for a JWS: ECDSA signatures come back as `r || s` (64 bytes for P-256),
    /// not ASN.1, so they go into a compact JWS as they are. `key_version` pins the version
    /// (the caller put its `kid` into the signed header already); `None` signs with the
    /// latest. Returns the version Vault actually used and the raw signature.
    pub async fn sign_jws(
        &self,
        key: &str,
        key_version: Option<u64>,
        data: &[u8],
    ) -> Result<(u64, Vec<u8>), VaultError> {
        let input = STANDARD.encode(data);
        let (mount, input) = (&self.inner.transit_mount, input.as_str());
        let response = self
            .call(|client| async move {
                let mut opts = SignDataRequest::builder();
                opts.marshaling_algorithm(MarshalingAlgorithm::Jws);
                if let Some(version) = key_version {
                    opts.key_version(version);
                }
                vaultrs::transit::data::sign(&*client, mount, key, input, Some(&mut opts)).await
            })
            .await?;
        parse_jws_signature(&response.signature)
    }

    /// Every version of an asymmetric transit key with its public key and creation time,
    /// oldest first. `NotFound` when the key does not exist; `Internal` for a symmetric key.
    pub async fn read_public_keys(&self, key: &str) -> Result<Vec<PublicKeyVersion>, VaultError> {
        let mount = &self.inner.transit_mount;
        let response =
            self.call(|client| async move { vaultrs::transit::key::read(&*client, mount, key).await }).await?;
        let ReadKeyData::Asymmetric(entries) = response.keys else {
            return Err(VaultError::internal("transit key has no public keys"));
        };
        let mut versions = entries
            .into_iter()
            .map(|(version, entry)| {
                let version =
                    version.parse().map_err(|_| VaultError::internal("transit key version is not a number"))?;
                Ok(PublicKeyVersion { version, public_key_pem: entry.public_key, creation_time: entry.creation_time })
            })
            .collect::<Result<Vec<_>, VaultError>>()?;
        versions.sort_by_key(|v| v.version);
        Ok(versions)
    }

    /// Whether `signature` (as returned by [`Vault::sign`]) is valid for `data` under `key`.
    /// A malformed signature is `Rejected`, not `false`.
    pub async fn verify(&self, key: &str, data: &[u8], signature: &str) -> Result<bool, VaultError> {
        let input = STANDARD.encode(data);
        let (mount, input) = (&self.inner.transit_mount, input.as_str());
        let response = self
            .call(|client| async move {
                let mut opts = VerifySignedDataRequest::builder();
                opts.signature(signature);
                vaultrs::transit::data::verify(&*client, mount, key, input, Some(&mut opts)).await
            })
            .await?;
        Ok(response.valid)
    }
}

/// `vault:v<N>:<base64url>` (JWS marshaling) into the version and the raw signature.
fn parse_jws_signature(signature: &str) -> Result<(u64, Vec<u8>), VaultError> {
    let malformed = || VaultError::internal("vault returned a malformed signature");
    let rest = signature.strip_prefix("vault:v").ok_or_else(malformed)?;
    let (version, encoded) = rest.split_once(':').ok_or_else(malformed)?;
    let version = version.parse().map_err(|_| malformed())?;
    // Vault pads JWS signatures on some versions; accept both forms.
    let raw = URL_SAFE_NO_PAD.decode(encoded.trim_end_matches('=')).map_err(|_| malformed())?;
    Ok((version, raw))
}

/// Decodes base64 secret material, wiping the encoded form.
fn decode_secret(encoded: String) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    let mut encoded = encoded;
    let decoded = STANDARD.decode(encoded.as_bytes()).map(Zeroizing::new);
    encoded.zeroize();
    decoded.map_err(|_| VaultError::internal("vault returned invalid base64"))
}
