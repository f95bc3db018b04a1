//! `telehealthctl`: the operator and admin CLI. Human-readable output by default, JSON with
//! `--json`; exit code 0 on success, 1 when the platform answered with a failure, 2 on bad
//! input or configuration (clap's usage errors already exit 2).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use tp_ctl::identity::IdentityClient;
use tp_ctl::{CtlError, api_client, audit, seed, status, tenant, user};

#[derive(Parser)]
#[command(name = "telehealthctl", version, about = "Operate the telehealth platform")]
struct Cli {
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the demo practices, their admins and API clients through identity (idempotent).
    Seed {
        /// Maildir of the local mail sink, where the demo invitations arrive.
        #[arg(long)]
        maildir: std::path::PathBuf,
        /// Where the generated demo credentials are kept (mode 600).
        #[arg(long)]
        credentials: std::path::PathBuf,
        #[arg(long)]
        identity_url: Option<String>,
    },
    /// Check every service's /readyz (gateway on --port-base, the others on the next ports).
    Status {
        /// Host the services listen on.
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// Port of the gateway; identity is +1, scheduling +2, ... audit +6.
        #[arg(long, default_value_t = 8080)]
        port_base: u16,
        /// Keep polling until all are ready or this many seconds pass (0 = check once).
        #[arg(long, default_value_t = 0)]
        wait: u64,
    },
    /// Create, list, suspend, reactivate or offboard practices (tenants).
    Tenant {
        #[command(subcommand)]
        action: TenantAction,
        /// identity's base URL (default: APP__OPERATOR__IDENTITY_URL or http://127.0.0.1:8081).
        #[arg(long, global = true)]
        identity_url: Option<String>,
    },
    /// Invite people into a practice.
    User {
        #[command(subcommand)]
        action: UserAction,
        #[arg(long, global = true)]
        identity_url: Option<String>,
    },
    /// Check the integrity of the audit log.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
        #[arg(long, global = true)]
        identity_url: Option<String>,
        /// The audit service's base URL (default: APP__OPERATOR__AUDIT_URL or http://127.0.0.1:8086).
        #[arg(long, global = true)]
        audit_url: Option<String>,
    },
    /// Register developer API clients for a practice.
    ApiClient {
        #[command(subcommand)]
        action: ApiClientAction,
        #[arg(long, global = true)]
        identity_url: Option<String>,
    },
}

#[derive(Subcommand)]
enum TenantAction {
    /// Create a practice (and its encryption key).
    Create {
        /// Short URL-safe name, e.g. `lakeside`.
        #[arg(long)]
        slug: String,
        /// Display name, e.g. "Lakeside Therapy Group".
        #[arg(long)]
        name: String,
    },
    /// List every practice.
    List,
    /// Stop all sign-ins and tokens of a practice (reversible).
    Suspend { tenant: String },
    /// Undo a suspension.
    Reactivate { tenant: String },
    /// Destroy a practice's encryption key: its data becomes unreadable. Irreversible.
    Offboard {
        tenant: String,
        /// The practice's slug, typed again to confirm.
        #[arg(long)]
        confirm: String,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Send an invitation email with a one-time link.
    Invite {
        /// Tenant id or slug.
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: String,
        /// Role in the practice (repeatable); operators may invite practice_admin only.
        #[arg(long = "role", default_value = "practice_admin")]
        roles: Vec<String>,
    },
}

#[derive(Subcommand)]
enum AuditAction {
    /// Recompute a practice's hash chain and report altered, deleted, inserted or reordered
    /// events and bad checkpoints (exit code 1 if any).
    Verify {
        /// Tenant id or slug.
        #[arg(long, required_unless_present = "platform", conflicts_with = "platform")]
        tenant: Option<String>,
        /// The platform chain (events of no practice) instead.
        #[arg(long)]
        platform: bool,
    },
}

#[derive(Subcommand)]
enum ApiClientAction {
    /// Register a client-credentials client bound to one practice; prints its secret once.
    Create {
        /// Tenant id or slug.
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        name: String,
        /// Scope to grant (repeatable), e.g. `scheduling:read`.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Seed { maildir, credentials, identity_url } => {
            seed::run(seed::SeedOptions { identity_url, maildir, credentials }, cli.json).await
        }
        Command::Status { host, port_base, wait } => status::run(&host, port_base, wait, cli.json).await,
        Command::Tenant { action, identity_url } => run_tenant(action, identity_url, cli.json).await,
        Command::User { action: UserAction::Invite { tenant, email, roles }, identity_url } => {
            match IdentityClient::connect(identity_url).await {
                Ok(client) => user::invite(&client, &tenant, &email, &roles, cli.json).await,
                Err(e) => Err(e),
            }
        }
        Command::Audit { action: AuditAction::Verify { tenant, platform: _ }, identity_url, audit_url } => {
            match IdentityClient::connect(identity_url).await {
                Ok(client) => audit::verify(&client, audit_url, tenant.as_deref(), cli.json).await,
                Err(e) => Err(e),
            }
        }
        Command::ApiClient { action: ApiClientAction::Create { tenant, name, scopes }, identity_url } => {
            match IdentityClient::connect(identity_url).await {
                Ok(client) => api_client::create(&client, &tenant, &name, &scopes, cli.json).await,
                Err(e) => Err(e),
            }
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("telehealthctl: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

async fn run_tenant(action: TenantAction, identity_url: Option<String>, json: bool) -> Result<(), CtlError> {
    let client = IdentityClient::connect(identity_url).await?;
    match action {
        TenantAction::Create { slug, name } => tenant::create(&client, &slug, &name, json).await,
        TenantAction::List => tenant::list(&client, json).await,
        TenantAction::Suspend { tenant } => tenant::transition(&client, &tenant, "suspend", json).await,
        TenantAction::Reactivate { tenant } => tenant::transition(&client, &tenant, "reactivate", json).await,
        TenantAction::Offboard { tenant, confirm } => tenant::offboard(&client, &tenant, &confirm, json).await,
    }
}
