//! Pure rules of identity: no axum, sea_orm or async_graphql in here (`just check-layering`).

pub mod pkce;
pub mod redirect_uri;
pub mod scope;
pub mod secret;
