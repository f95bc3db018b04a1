//! Pure rules of identity: no web, ORM or GraphQL types in here (`just check-layering`).

pub mod account_token;
pub mod admin;
pub mod email;
pub mod lockout;
pub mod lookup;
pub mod page;
pub mod password;
pub mod pkce;
pub mod redirect_uri;
pub mod scope;
pub mod secret;
pub mod session;
pub mod tenant;
pub mod totp;
