//! Pure rules of identity: no web, ORM or GraphQL types in here (`just check-layering`).

pub mod admin;
pub mod pkce;
pub mod redirect_uri;
pub mod scope;
pub mod secret;
pub mod tenant;
