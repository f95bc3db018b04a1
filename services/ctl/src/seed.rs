//! `telehealthctl seed`: the demo data of `just run`, created idempotently through the same
//! APIs a real operator uses.
//!
//! For each demo practice: the tenant (and so its encryption key) and a practice admin who is
//! invited by email and accepts the invitation with a generated password (the invitation is
//! read from the local mail sink, exactly as a person would click it). What was generated is
//! kept in a mode-600 credentials file so later runs print the same sign-ins. Clinicians,
//! clients and API clients are the practice admin's to add, not an operator's.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::CtlError;
use crate::identity::IdentityClient;
use crate::mailbox;

/// The demo practices: slug, name, and the address of their first admin.
const DEMO_PRACTICES: [(&str, &str, &str); 2] = [
    ("lakeside", "Lakeside Therapy Group", "admin@lakeside.example"),
    ("northside", "Northside Counseling", "admin@northside.example"),
];

/// What seeding generated, kept between runs (mode 600, git-ignored `.dev/`).
#[derive(Default, Serialize, Deserialize)]
struct Credentials {
    practices: Vec<SeededPractice>,
}

#[derive(Clone, Serialize, Deserialize)]
struct SeededPractice {
    slug: String,
    name: String,
    tenant: String,
    admin_email: String,
    admin_password: String,
}

pub struct SeedOptions {
    pub identity_url: Option<String>,
    /// The Maildir the local mail sink writes to.
    pub maildir: PathBuf,
    pub credentials: PathBuf,
}

pub async fn run(options: SeedOptions, json: bool) -> Result<(), CtlError> {
    let client = IdentityClient::connect(options.identity_url.clone()).await?;
    let mut saved = load(&options.credentials)?;
    for (slug, name, admin_email) in DEMO_PRACTICES {
        if saved.practices.iter().any(|p| p.slug == slug) {
            continue;
        }
        let practice = seed_practice(&client, &options.maildir, slug, name, admin_email).await?;
        saved.practices.push(practice);
        store(&options.credentials, &saved)?;
    }
    if json {
        println!("{}", json!({ "practices": saved.practices }));
    } else {
        for p in &saved.practices {
            println!("seed: {} ({}) tenant {}", p.name, p.slug, p.tenant);
            println!("        practice admin  {}  password {}", p.admin_email, p.admin_password);
        }
    }
    Ok(())
}

async fn seed_practice(
    client: &IdentityClient,
    maildir: &Path,
    slug: &str,
    name: &str,
    admin_email: &str,
) -> Result<SeededPractice, CtlError> {
    let tenant = ensure_tenant(client, slug, name).await?;
    let invited_at = std::time::SystemTime::now();
    let body = json!({ "email": admin_email, "roles": ["practice_admin"] });
    let _: Value = client.call(Method::POST, &format!("/v1/tenants/{tenant}/invites"), Some(body)).await?;
    let link =
        mailbox::wait_for_link(maildir, admin_email, "/account/accept-invite", invited_at, Duration::from_secs(15))?;
    let password = generate_password();
    client.accept_invite(&link, &password).await?;
    Ok(SeededPractice {
        slug: slug.to_owned(),
        name: name.to_owned(),
        tenant,
        admin_email: admin_email.to_owned(),
        admin_password: password,
    })
}

/// The tenant with `slug`, created when missing.
async fn ensure_tenant(client: &IdentityClient, slug: &str, name: &str) -> Result<String, CtlError> {
    match client.resolve_tenant(slug).await {
        Ok(id) => Ok(id),
        Err(CtlError::BadInput(_)) => {
            let body = json!({ "slug": slug, "name": name });
            let created: Value = client.call(Method::POST, "/v1/tenants", Some(body)).await?;
            created
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| CtlError::Api("identity created a tenant without an id".into()))
        }
        Err(e) => Err(e),
    }
}

/// A random demo password that passes the platform's password rules.
fn generate_password() -> String {
    let random = uuid::Uuid::new_v4().simple().to_string();
    let (a, b) = random.split_at(12);
    format!("demo-{a}-{b}")
}

fn load(path: &Path) -> Result<Credentials, CtlError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|_| {
            CtlError::Config(format!("{} is not a seed credentials file; delete it to reseed", path.display()))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Credentials::default()),
        Err(e) => Err(CtlError::Config(format!("cannot read {}: {e}", path.display()))),
    }
}

fn store(path: &Path, credentials: &Credentials) -> Result<(), CtlError> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let bytes = serde_json::to_vec_pretty(credentials).map_err(|e| CtlError::Config(e.to_string()))?;
    let tmp = path.with_extension("tmp");
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&tmp)?;
        file.write_all(&bytes)?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| CtlError::Config(format!("cannot write {}: {e}", path.display())))
}
