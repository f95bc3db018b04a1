//! Access tokens for test principals, signed by the real signing key in Vault exactly as
//! identity signs them (ES256, `typ` at+jwt, `kid` `<key>-v<N>`): verifiers cannot tell
//! them apart. Tests use them for what identity would never issue (expired tokens, another
//! audience or issuer) and to make principals without a sign-in.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use crate::vault::root_vault;

/// The transit key identity signs with by default.
pub const SIGNING_KEY: &str = "identity-token-signing";

/// `claims` signed with the latest version of `key` (created by identity at start-up).
#[expect(clippy::expect_used, reason = "a token that cannot be signed is a broken test")]
pub async fn sign(key: &str, claims: &Value) -> String {
    let vault = root_vault().await;
    let versions = vault.read_public_keys(key).await.expect("signing key exists (start identity first)");
    let version = versions.last().expect("a key version").version;
    let header = serde_json::json!({ "alg": "ES256", "typ": "at+jwt", "kid": format!("{key}-v{version}") });
    let input =
        format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
    let (_, signature) = vault.sign_jws(key, Some(version), input.as_bytes()).await.expect("sign");
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// Claims as identity writes them for a person, valid for five minutes from now.
pub fn person_claims(issuer: &str, user: &str, tenant: &str, roles: &[&str], session: &str) -> Value {
    let now = unix_now();
    serde_json::json!({
        "iss": issuer, "sub": user, "aud": "telehealth-api", "exp": now + 300, "iat": now,
        "jti": uuid::Uuid::now_v7().to_string(), "sid": session, "tid": tenant,
        "roles": roles, "scope": "openid", "client_id": "portal",
    })
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}
