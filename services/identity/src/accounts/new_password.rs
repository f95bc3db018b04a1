//! Turning a password typed into a link page into a hash: rules, then Argon2id, both off the
//! async workers (zxcvbn and Argon2 are CPU-bound).

use secrecy::SecretString;

use crate::domain::email::Email;
use crate::domain::password::{self, NewPassword, PasswordHash};
use crate::error::Error;

/// The hash of `candidate` if it meets the rules for `email`; `Error::Invalid { field:
/// "password" }` with the rule's message otherwise.
pub(super) async fn hash_new_password(email: &Email, candidate: SecretString) -> Result<PasswordHash, Error> {
    let email = email.clone();
    let parsed = tokio::task::spawn_blocking(move || NewPassword::parse(candidate, &email))
        .await
        .map_err(|e| Error::Internal(e.into()))?;
    let password = parsed.map_err(|rejection| Error::invalid("password", rejection.to_string()))?;
    password::hash(password).await.map_err(|e| Error::Internal(e.into()))
}
