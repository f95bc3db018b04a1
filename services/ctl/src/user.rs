//! `telehealthctl user invite`: invites a person into a practice (an email with a one-time
//! link goes out). Operators may invite practice admins only: who else belongs to a practice
//! is the practice's business (and for clients, PHI).

use reqwest::Method;
use serde_json::{Value, json};

use crate::CtlError;
use crate::identity::IdentityClient;

pub async fn invite(
    client: &IdentityClient,
    tenant: &str,
    email: &str,
    roles: &[String],
    json: bool,
) -> Result<(), CtlError> {
    let id = client.resolve_tenant(tenant).await?;
    let body = json!({ "email": email, "roles": roles });
    let invite: Value = client.call(Method::POST, &format!("/v1/tenants/{id}/invites"), Some(body)).await?;
    if json {
        println!("{invite}");
    } else {
        // The API answers the same for every address (no user id: that would tell whether the
        // address already has an account); the person shows in the member list once invited.
        println!("invitation sent");
    }
    Ok(())
}
