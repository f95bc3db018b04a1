//! Integration tests of the identity service: the real router on port 0, its own database role and
//! Vault AppRole, a fresh database migrated by its own migrations.

mod accounts;
mod admin;
mod audit_events;
mod discovery;
mod federation;
mod health;
mod oauth_fixtures;
mod oauth_tokens;
mod oidc_client;
mod signin;
