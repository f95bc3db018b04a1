//! Pure rules of identity: no axum, sea_orm or async_graphql in here (`just check-layering`).
