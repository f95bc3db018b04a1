//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): reading the
//! `id_token_hint` and deciding whether `post_logout_redirect_uri` may be followed.
//!
//! The hint must be an ID token *we* signed (ES256 with a published key, `typ` JWT, our
//! issuer); its expiry is deliberately not checked, since people sign out long after their
//! ID token expired. It names the client (`aud`), the person (`sub`) and the session
//! (`sid`) to end. A post-logout redirect is followed only to a URI registered for that
//! client, matched exactly; without a valid hint nothing is redirected (open redirect).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::Signature;
use p256::ecdsa::signature::Verifier as _;
use serde::Deserialize;
use serde_json::Value;
use tp_ids::{ClientId, SessionId, UserId};

use super::request::redirect_location;
use crate::db::clients;
use crate::domain::redirect_uri;
use crate::error::Error;
use crate::signing::TokenType;
use crate::state::AppState;

/// What a verified `id_token_hint` says.
#[derive(Debug)]
pub(crate) struct IdTokenHint {
    pub client_id: ClientId,
    pub user: UserId,
    pub session: SessionId,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    typ: Option<String>,
    kid: String,
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    aud: Value,
    sid: String,
}

/// The hint if it is an ID token of ours (expired ones included); `None` for anything else.
pub(crate) async fn verify_id_token_hint(state: &AppState, token: &str) -> Result<Option<IdTokenHint>, Error> {
    let Some((signing_input, signature)) = token.rsplit_once('.') else { return Ok(None) };
    let Some((header, payload)) = signing_input.split_once('.') else { return Ok(None) };
    let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).ok();
    let Some(header) = decode(header).and_then(|h| serde_json::from_slice::<Header>(&h).ok()) else { return Ok(None) };
    if header.alg != "ES256" || header.typ.as_deref() != Some(TokenType::Id.typ()) {
        return Ok(None);
    }
    let Some(key) = state.signer.verifying_key(&header.kid).await? else { return Ok(None) };
    let Some(signature) = decode(signature).and_then(|s| Signature::from_slice(&s).ok()) else { return Ok(None) };
    if key.verify(signing_input.as_bytes(), &signature).is_err() {
        return Ok(None);
    }
    let Some(claims) = decode(payload).and_then(|c| serde_json::from_slice::<Claims>(&c).ok()) else {
        return Ok(None);
    };
    // An ID token has one audience here (the client it was issued to).
    let aud = match &claims.aud {
        Value::String(aud) => Some(aud.as_str()),
        Value::Array(list) if list.len() == 1 => list.first().and_then(Value::as_str),
        _ => None,
    };
    let parsed = (
        aud.and_then(|a| ClientId::parse(a).ok()),
        UserId::parse(&claims.sub).ok(),
        SessionId::parse(&claims.sid).ok(),
    );
    Ok(match parsed {
        (Some(client_id), Some(user), Some(session)) if claims.iss == state.settings.issuer() => {
            Some(IdTokenHint { client_id, user, session })
        }
        _ => None,
    })
}

/// Where to send the browser after signing out: `uri` with `state`, if `uri` is exactly one
/// of the hint's client's registered post-logout URIs.
pub(crate) async fn post_logout_location(
    state: &AppState,
    hint: &IdTokenHint,
    uri: &str,
    client_state: Option<&str>,
) -> Result<Option<String>, Error> {
    let registered = clients::post_logout_redirect_uris(&state.db, &hint.client_id).await?;
    if !redirect_uri::is_registered(&registered, uri) {
        return Ok(None);
    }
    let params: Vec<(&str, &str)> = client_state.map(|s| ("state", s)).into_iter().collect();
    Ok(redirect_location(uri, &params))
}
