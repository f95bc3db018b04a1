//! `telehealthctl tenant create|list|suspend|reactivate|offboard`: practice lifecycle,
//! through identity's admin API as the platform operator.

use reqwest::Method;
use serde_json::{Value, json};

use crate::CtlError;
use crate::identity::IdentityClient;

pub async fn create(client: &IdentityClient, slug: &str, name: &str, json: bool) -> Result<(), CtlError> {
    let tenant: Value = client.call(Method::POST, "/v1/tenants", Some(json!({ "slug": slug, "name": name }))).await?;
    print_tenant(&tenant, "created", json);
    Ok(())
}

pub async fn list(client: &IdentityClient, json: bool) -> Result<(), CtlError> {
    let list: Value = client.call(Method::GET, "/v1/tenants", None).await?;
    if json {
        println!("{list}");
        return Ok(());
    }
    let tenants = list.get("tenants").and_then(Value::as_array).cloned().unwrap_or_default();
    if tenants.is_empty() {
        println!("no tenants yet; create one with `telehealthctl tenant create --slug … --name …`");
    }
    for t in &tenants {
        println!("{:<38} {:<24} {:<11} {}", field(t, "id"), field(t, "slug"), field(t, "status"), field(t, "name"));
    }
    Ok(())
}

/// `suspend` or `reactivate`.
pub async fn transition(client: &IdentityClient, tenant: &str, action: &str, json: bool) -> Result<(), CtlError> {
    let id = client.resolve_tenant(tenant).await?;
    let tenant: Value = client.call(Method::POST, &format!("/v1/tenants/{id}/{action}"), None).await?;
    print_tenant(&tenant, if action == "suspend" { "suspended" } else { "reactivated" }, json);
    Ok(())
}

/// Destroys the tenant's key (crypto-shred). Needs `--confirm <slug>`; identity checks it.
pub async fn offboard(client: &IdentityClient, tenant: &str, confirm: &str, json: bool) -> Result<(), CtlError> {
    let id = client.resolve_tenant(tenant).await?;
    let body = json!({ "confirm": confirm });
    let tenant: Value = client.call(Method::POST, &format!("/v1/tenants/{id}/offboard"), Some(body)).await?;
    print_tenant(&tenant, "offboarded (its encryption key is destroyed; its data can no longer be read)", json);
    Ok(())
}

fn print_tenant(tenant: &Value, what: &str, json: bool) {
    if json {
        println!("{tenant}");
    } else {
        println!("tenant {} ({}) {what}; id {}", field(tenant, "slug"), field(tenant, "name"), field(tenant, "id"));
    }
}

pub(crate) fn field<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("-")
}
