//! `telehealthctl api-client create`: registers a practice's developer client. The secret is
//! printed once and stored only as a digest; lose it and create a new client.

use reqwest::Method;
use serde_json::{Value, json};

use crate::CtlError;
use crate::identity::IdentityClient;
use crate::tenant::field;

pub async fn create(
    client: &IdentityClient,
    tenant: &str,
    name: &str,
    scopes: &[String],
    json: bool,
) -> Result<(), CtlError> {
    let id = client.resolve_tenant(tenant).await?;
    let body = json!({ "name": name, "scopes": scopes });
    let created: Value = client.call(Method::POST, &format!("/v1/tenants/{id}/api-clients"), Some(body)).await?;
    if json {
        println!("{created}");
    } else {
        println!("client_id     {}", field(&created, "client_id"));
        println!("client_secret {}", field(&created, "client_secret"));
        println!("scopes        {}", created.get("scopes").map(Value::to_string).unwrap_or_default());
        println!("The secret is shown only now; store it in your secret manager.");
        if created.get("approved").and_then(Value::as_bool) == Some(false) {
            println!("The client obtains tokens once a practice admin approves it:");
            println!("  POST /v1/tenants/{id}/api-clients/{}/approve", field(&created, "client_id"));
        }
    }
    Ok(())
}
