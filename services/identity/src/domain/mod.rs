//! Pure rules of identity: no axum, sea_orm or async_graphql in here (`just check-layering`).

pub mod account_token;
pub mod email;
pub mod lockout;
pub mod password;
pub mod totp;
