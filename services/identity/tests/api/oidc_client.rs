//! identity as a third-party relying party sees it: the `openidconnect` crate discovers
//! the provider, runs the authorization code flow with PKCE S256 and a nonce (the sign-in
//! pages driven like a browser), validates the ID token (signature, issuer, audience,
//! nonce, at_hash), reads userinfo, and refreshes.
//!
//! openidconnect is built without its `reqwest` feature (it would pull an older reqwest);
//! [`send`] is the few lines that plug reqwest 0.13 in as its async HTTP client.

#![expect(clippy::unwrap_used, reason = "test: a failed step is a broken test")]

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, CsrfToken, HttpRequest, HttpResponse, IssuerUrl, Nonce,
    OAuth2TokenResponse as _, PkceCodeChallenge, RedirectUrl, Scope, TokenResponse as _,
};

use crate::signin::harness::{PASSWORD, PORTAL, REDIRECT, spawn};

/// openidconnect's HTTP client over reqwest 0.13 (both speak `http` 1.x types).
async fn send(client: reqwest::Client, request: HttpRequest) -> Result<HttpResponse, reqwest::Error> {
    let (parts, body) = request.into_parts();
    let response = client.request(parts.method, parts.uri.to_string()).headers(parts.headers).body(body).send().await?;
    let mut builder = openidconnect::http::Response::builder().status(response.status());
    for (name, value) in response.headers() {
        builder = builder.header(name, value);
    }
    Ok(builder.body(response.bytes().await?.to_vec()).unwrap())
}

#[tokio::test]
async fn the_openidconnect_crate_completes_discovery_code_with_pkce_id_token_userinfo_and_refresh() {
    // Arrange
    let t = spawn().await;
    let tenant = t.tenant("Lakeside").await;
    let user = t.person("rp@example.com", &[(tenant, &["client"])]).await;
    let rp_http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let http = |request: HttpRequest| send(rp_http.clone(), request);

    // Act: discovery, then the authorization request as the relying party builds it.
    let issuer = IssuerUrl::new(t.app.address.clone()).unwrap();
    let metadata = CoreProviderMetadata::discover_async(issuer, &http).await.unwrap();
    let client = CoreClient::from_provider_metadata(metadata, ClientId::new(PORTAL.to_owned()), None)
        .set_redirect_uri(RedirectUrl::new(REDIRECT.to_owned()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (authorize_url, state, nonce) = client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .add_scope(Scope::new("email".to_owned()))
        .add_scope(Scope::new("profile".to_owned()))
        .set_pkce_challenge(challenge)
        .url();

    // The person signs in in their browser.
    let browser = t.browser();
    let path = authorize_url.as_str().strip_prefix(&t.app.address).unwrap();
    let page = browser.get(path).await;
    let redirect = browser.sign_in(&page, "rp@example.com", PASSWORD).await;
    assert_eq!(redirect.status, 303, "{}", redirect.body);
    assert_eq!(redirect.redirect_param("state").as_deref(), Some(state.secret().as_str()));
    let code = AuthorizationCode::new(redirect.redirect_param("code").unwrap());

    let tokens = client.exchange_code(code).unwrap().set_pkce_verifier(verifier).request_async(&http).await.unwrap();

    // Assert: the ID token validates as the crate validates it (signature, iss, aud, exp, nonce).
    let id_token = tokens.id_token().expect("an ID token");
    let id_verifier = client.id_token_verifier();
    let id_claims = id_token.claims(&id_verifier, &nonce).unwrap();
    assert_eq!(id_claims.subject().as_str(), user.to_string());
    assert_eq!(id_claims.email().map(|e| e.as_str()), Some("rp@example.com"));
    let at_hash = AccessTokenHash::from_token(
        tokens.access_token(),
        id_token.signing_alg().unwrap(),
        id_token.signing_key(&id_verifier).unwrap(),
    )
    .unwrap();
    assert_eq!(id_claims.access_token_hash(), Some(&at_hash));
    let wrong_nonce = id_token.claims(&id_verifier, &Nonce::new("another".to_owned()));
    assert!(wrong_nonce.is_err(), "a replayed ID token with another nonce is refused");

    let userinfo: CoreUserInfoClaims = client
        .user_info(tokens.access_token().clone(), Some(id_claims.subject().clone()))
        .unwrap()
        .request_async(&http)
        .await
        .unwrap();
    assert_eq!(userinfo.email().map(|e| e.as_str()), Some("rp@example.com"));

    let refresh_token = tokens.refresh_token().expect("a refresh token for the first-party app");
    let refreshed = client.exchange_refresh_token(refresh_token).unwrap().request_async(&http).await.unwrap();
    assert_ne!(refreshed.access_token().secret(), tokens.access_token().secret());
    assert_ne!(refreshed.refresh_token().unwrap().secret(), refresh_token.secret(), "rotated");
}
