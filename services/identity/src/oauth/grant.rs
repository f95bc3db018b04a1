//! The token endpoint's dispatch: authenticate the client, then run the grant it asked for.

use super::error::OAuthError;
use super::params::Params;
use super::tokens::TokenResponse;
use super::{client_auth, client_credentials, code, refresh};
use crate::state::AppState;

#[tracing::instrument(skip_all, fields(grant_type = tracing::field::Empty))]
pub(crate) async fn token(
    state: &AppState,
    authorization: Option<&str>,
    params: &Params,
) -> Result<TokenResponse, OAuthError> {
    let grant_type = params.require("grant_type", "grant_type is required")?;
    let known = ["authorization_code", "refresh_token", "client_credentials"];
    let Some(grant_type) = known.into_iter().find(|g| *g == grant_type) else {
        return Err(OAuthError::unsupported_grant_type());
    };
    tracing::Span::current().record("grant_type", grant_type);
    let client = client_auth::authenticate(&state.db, authorization, params).await?;
    match grant_type {
        "authorization_code" => code::exchange(state, &client, params).await,
        "refresh_token" => refresh::refresh(state, &client, params).await,
        _ => client_credentials::grant(state, &client, params).await,
    }
}

/// RFC 7009 revocation: the client authenticates like at the token endpoint.
#[tracing::instrument(skip_all)]
pub(crate) async fn revoke(state: &AppState, authorization: Option<&str>, params: &Params) -> Result<(), OAuthError> {
    let client = client_auth::authenticate(&state.db, authorization, params).await?;
    super::revocation::revoke_token(state, &client, params).await
}
