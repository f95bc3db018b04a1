//! `telehealthctl audit verify --tenant <id-or-slug> | --platform`: asks the audit service to
//! recompute a hash chain and prints its report. Exit code 0 when the chain is intact, 1 when
//! problems were found (or the service refused or was unreachable), 2 on bad input.
//!
//! Settings: `APP__OPERATOR__AUDIT_URL` (default `http://127.0.0.1:8086`), plus the operator
//! credentials of [`IdentityClient`], whose token the audit service accepts.

use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;

use crate::CtlError;
use crate::identity::IdentityClient;
use crate::tenant::field;

#[derive(Deserialize)]
struct Settings {
    #[serde(default)]
    operator: AuditUrl,
}

#[derive(Deserialize)]
struct AuditUrl {
    #[serde(default = "default_audit_url")]
    audit_url: String,
}

impl Default for AuditUrl {
    fn default() -> Self {
        Self { audit_url: default_audit_url() }
    }
}

fn default_audit_url() -> String {
    "http://127.0.0.1:8086".into()
}

/// Verifies `tenant`'s chain (`None`: the platform chain).
pub async fn verify(
    client: &IdentityClient,
    audit_url: Option<String>,
    tenant: Option<&str>,
    json: bool,
) -> Result<(), CtlError> {
    let base = match audit_url {
        Some(url) => url,
        None => tp_config::load::<Settings>().map_err(|e| CtlError::Config(e.to_string()))?.operator.audit_url,
    };
    let base = base.trim_end_matches('/');
    let (path, name) = match tenant {
        Some(tenant) => {
            let id = client.resolve_tenant(tenant).await?;
            (format!("/v1/tenants/{id}/audit/verify"), format!("practice {tenant}"))
        }
        None => ("/v1/audit/verify".to_owned(), "the platform".to_owned()),
    };
    let report: Value = client.call_service("audit", base, Method::POST, &path, None).await?;
    let intact = report.get("intact").and_then(Value::as_bool) == Some(true);
    if json {
        println!("{report}");
    } else {
        print_report(&report, &name, intact);
    }
    if intact { Ok(()) } else { Err(CtlError::Failed(format!("the audit log of {name} is not intact"))) }
}

fn print_report(report: &Value, name: &str, intact: bool) {
    let number = |key: &str| report.get(key).and_then(Value::as_i64).map_or("-".to_owned(), |n| n.to_string());
    let state = if intact { "intact" } else { "NOT INTACT" };
    println!(
        "audit log of {name}: {state}; {} events sealed, signed up to #{}, {} pending",
        number("sealed"),
        number("checkpoint_seq"),
        number("pending"),
    );
    let problems = report.get("problems").and_then(Value::as_array).cloned().unwrap_or_default();
    for problem in &problems {
        let seq = problem.get("seq").and_then(Value::as_i64).map_or("-".to_owned(), |n| format!("#{n}"));
        println!("  {:<11} {:<8} event {}", field(problem, "kind"), seq, field(problem, "event_id"));
    }
    if report.get("truncated").and_then(Value::as_bool) == Some(true) {
        println!("  ... more problems not listed");
    }
}
