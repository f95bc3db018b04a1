//! Client authentication at the token and revocation endpoints (RFC 6749 section 2.3):
//! `client_secret_basic`, `client_secret_post`, or `none` for public clients, which only
//! identify themselves (their grants are protected by PKCE instead).
//!
//! Every failure is the same `invalid_client` with the same description, whether the
//! client is unknown, revoked or the secret wrong: the answer must not tell which. A known
//! client's failure is audited (reason code only, never what was presented); an unknown id
//! is not, since it names no client of ours and would let anyone fill the log.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sea_orm::DatabaseConnection;
use tp_audit_log::action::identity as action;
use tp_audit_log::{Actor, AuditEvent, Outcome, Subject};
use tp_ids::ClientId;

use super::error::OAuthError;
use super::params::Params;
use crate::audit::{self, OptionalTenant as _};
use crate::db::clients::{self, ClientRow};
use crate::domain::secret;

const FAILED: OAuthError = OAuthError::invalid_client("client authentication failed");

/// Credentials as presented, before any lookup.
struct Presented {
    id: String,
    secret: Option<String>,
}

/// The authenticated (confidential) or identified (public) client of this request.
pub(crate) async fn authenticate(
    db: &DatabaseConnection,
    authorization: Option<&str>,
    params: &Params,
) -> Result<ClientRow, OAuthError> {
    let presented = presented(authorization, params)?;
    let id = ClientId::parse(&presented.id).map_err(|_| FAILED)?;
    let client = clients::find(db, &id).await?.ok_or(FAILED)?;
    let refusal = if client.disabled {
        (Outcome::Denied, "client_revoked")
    } else {
        match (&client.secret_hash, presented.secret) {
            (Some(stored), Some(secret)) if secret::matches(&secret, stored) => return Ok(client),
            (None, None) => return Ok(client),
            (Some(_), Some(_)) => (Outcome::Failure, "wrong_secret"),
            (Some(_), None) => (Outcome::Failure, "secret_missing"),
            // A public client's id is public: recording every stray secret sent with it
            // would let anyone fill the log, so this refusal is not audited.
            (None, Some(_)) => return Err(FAILED),
        }
    };
    let (outcome, reason) = refusal;
    let event = AuditEvent::new(action::CLIENT_AUTH_FAILED, outcome, Actor::Client(client.id.clone()))
        .tenant_opt(client.tenant)
        .subject(Subject::new("client", &client.id))
        .detail("reason", reason);
    // Fail closed: without its event the refusal becomes a server error, still no token.
    audit::emit(db, event).await?;
    Err(FAILED)
}

fn presented(authorization: Option<&str>, params: &Params) -> Result<Presented, OAuthError> {
    let body_secret = params.get("client_secret");
    let Some(header) = authorization else {
        let id = params.get("client_id").ok_or(OAuthError::invalid_client("client authentication required"))?;
        return Ok(Presented { id: id.to_owned(), secret: body_secret.map(str::to_owned) });
    };
    let basic = parse_basic(header).ok_or(FAILED)?;
    if body_secret.is_some() {
        return Err(OAuthError::invalid_request("use exactly one client authentication method"));
    }
    if params.get("client_id").is_some_and(|id| id != basic.id) {
        return Err(OAuthError::invalid_request("client_id does not match the authenticated client"));
    }
    Ok(basic)
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 section 2.3.1).
fn parse_basic(header: &str) -> Option<Presented> {
    let (scheme, encoded) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some(Presented { id: form_decode(id), secret: Some(form_decode(secret)) })
}

/// Undoes `application/x-www-form-urlencoded` on one value: the form parser decodes the
/// name of a lone `name` pair exactly so (`+` and `%XX`).
fn form_decode(value: &str) -> String {
    url::form_urlencoded::parse(value.as_bytes()).next().map(|(name, _)| name.into_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_decoded() {
        let header = format!("Basic {}", STANDARD.encode("tpc_a%2Db:s%3Ae+t"));
        let presented = parse_basic(&header).unwrap();
        assert_eq!((presented.id.as_str(), presented.secret.as_deref()), ("tpc_a-b", Some("s:e t")));
        assert!(parse_basic("Bearer abc").is_none());
    }

    #[test]
    fn two_authentication_methods_at_once_are_refused() {
        let header = format!("Basic {}", STANDARD.encode("client:secret"));
        let params = Params::parse(b"client_secret=other").unwrap();
        let err = presented(Some(&header), &params).err().unwrap();
        assert_eq!(err.kind, super::super::error::OAuthErrorKind::InvalidRequest);
    }
}
