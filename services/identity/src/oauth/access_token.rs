//! Verifying identity's own access tokens, for userinfo: ES256 against the signer's
//! published keys, `typ` at+jwt, issuer, audience and expiry, then the `sid` revocation list.
//!
//! Kept to one function on purpose: when `tp_auth`'s verifier (JWKS cache, alg allow-list,
//! revocation) lands, [`verify_access_token`] is the one call to swap for it.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::Signature;
use p256::ecdsa::signature::Verifier as _;
use serde::Deserialize;
use tp_auth::AccessClaims;

use super::revocation::is_session_revoked;
use crate::error::Error;
use crate::signing::TokenType;
use crate::state::AppState;

/// Why a bearer token was refused. `Invalid` covers every token fault alike (RFC 6750
/// `invalid_token`): the response must not help forge one.
#[derive(Debug)]
pub(crate) enum TokenRejected {
    Invalid,
    Unavailable(Error),
}

impl From<Error> for TokenRejected {
    fn from(err: Error) -> Self {
        Self::Unavailable(err)
    }
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    typ: Option<String>,
    kid: String,
}

pub(crate) async fn verify_access_token(state: &AppState, token: &str) -> Result<AccessClaims, TokenRejected> {
    let (signing_input, signature) = token.rsplit_once('.').ok_or(TokenRejected::Invalid)?;
    let (header, payload) = signing_input.split_once('.').ok_or(TokenRejected::Invalid)?;
    if payload.contains('.') {
        return Err(TokenRejected::Invalid);
    }
    let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).map_err(|_| TokenRejected::Invalid);
    let header: Header = serde_json::from_slice(&decode(header)?).map_err(|_| TokenRejected::Invalid)?;
    // Only what identity signs access tokens with: no `none`, no HS256 with a public key.
    if header.alg != "ES256" || header.typ.as_deref() != Some(TokenType::Access.typ()) {
        return Err(TokenRejected::Invalid);
    }
    let key = state.signer.verifying_key(&header.kid).await?.ok_or(TokenRejected::Invalid)?;
    let signature = Signature::from_slice(&decode(signature)?).map_err(|_| TokenRejected::Invalid)?;
    key.verify(signing_input.as_bytes(), &signature).map_err(|_| TokenRejected::Invalid)?;

    let claims: AccessClaims = serde_json::from_slice(&decode(payload)?).map_err(|_| TokenRejected::Invalid)?;
    let now = chrono::Utc::now().timestamp();
    let settings = &state.settings;
    if claims.iss != settings.issuer() || claims.aud != settings.audience || claims.exp <= now {
        return Err(TokenRejected::Invalid);
    }
    let revoked = is_session_revoked(&state.redis, &claims.sid)
        .await
        .map_err(|e| Error::Unavailable(anyhow::Error::new(e).context("revocation check")))?;
    if revoked {
        return Err(TokenRejected::Invalid);
    }
    Ok(claims)
}
