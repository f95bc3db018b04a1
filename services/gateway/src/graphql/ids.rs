//! Ids and cursors at the GraphQL edge: parsed once into typed ids, so a malformed one is
//! BAD_USER_INPUT before any service is called.

use async_graphql::ID;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use tp_ids::{ClientId, SessionId, TenantId, UserId};

use crate::graphql::error::GqlError;

pub fn user_id(id: &ID) -> Result<UserId, GqlError> {
    UserId::parse(id).map_err(|_| GqlError::bad_input("malformed user id"))
}

pub fn tenant_id(id: &ID) -> Result<TenantId, GqlError> {
    TenantId::parse(id).map_err(|_| GqlError::bad_input("malformed practice id"))
}

pub fn session_id(id: &ID) -> Result<SessionId, GqlError> {
    SessionId::parse(id).map_err(|_| GqlError::bad_input("malformed session id"))
}

pub fn client_id(id: &ID) -> Result<ClientId, GqlError> {
    ClientId::parse(id).map_err(|_| GqlError::bad_input("malformed API client id"))
}

pub fn note_id(id: &ID) -> Result<uuid::Uuid, GqlError> {
    uuid(id, "note")
}

/// The id of a chart item (a diagnosis, a medication, an amendment request).
pub fn item_id(id: &ID) -> Result<uuid::Uuid, GqlError> {
    uuid(id, "item")
}

/// A uuid id of `what` (a note, a document, a form template…).
pub fn uuid(id: &ID, what: &'static str) -> Result<uuid::Uuid, GqlError> {
    uuid::Uuid::parse_str(id).map_err(|_| GqlError::bad_input(format!("malformed {what} id")))
}

/// Opaque Relay cursor over a user id: clients must not build cursors themselves.
pub fn user_cursor(user: UserId) -> String {
    URL_SAFE_NO_PAD.encode(format!("user:{user}"))
}

pub fn parse_user_cursor(cursor: &str) -> Result<UserId, GqlError> {
    let bad = || GqlError::bad_input("malformed cursor");
    let raw = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let id = text.strip_prefix("user:").ok_or_else(bad)?;
    UserId::parse(id).map_err(|_| bad())
}

/// Opaque Relay cursor over an audit event id.
pub fn event_cursor(event: uuid::Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("event:{event}"))
}

pub fn parse_event_cursor(cursor: &str) -> Result<uuid::Uuid, GqlError> {
    let bad = || GqlError::bad_input("malformed cursor");
    let raw = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    text.strip_prefix("event:").and_then(|id| uuid::Uuid::parse_str(id).ok()).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_anything_else() {
        let user = UserId::generate();
        assert_eq!(parse_user_cursor(&user_cursor(user)).unwrap(), user);
        assert!(parse_user_cursor("not-a-cursor").is_err());
        assert!(parse_user_cursor(&URL_SAFE_NO_PAD.encode(format!("client:{user}"))).is_err());
        let event = uuid::Uuid::now_v7();
        assert_eq!(parse_event_cursor(&event_cursor(event)).unwrap(), event);
        assert!(parse_event_cursor(&user_cursor(user)).is_err(), "a user cursor is no event cursor");
    }
}
