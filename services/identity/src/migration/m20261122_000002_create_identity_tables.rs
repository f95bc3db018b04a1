//! Tenants, accounts, memberships, care teams, OAuth clients, sessions and the short-lived
//! artefacts of the OIDC flows (authorization requests, codes, refresh tokens, one-time
//! account tokens, federation states).
//!
//! Two kinds of tables, on purpose:
//! - tenant-owned (`memberships`, `care_teams`, `sso_providers`) have forced RLS on
//!   `app.tenant_id`, like every other service's tables;
//! - credential tables (`users`, `oauth_clients`, `sessions`, tokens) are looked up *before*
//!   a tenant is known (a sign-in by email, a token request by client id), so they carry no
//!   RLS; every tenant-scoped listing of them filters on `tenant_id` explicitly and is
//!   covered by an isolation test. Secrets in them are stored as SHA-256 digests of 256-bit
//!   random values (a slow hash adds nothing to that entropy) or, for passwords, Argon2id.

use sea_orm_migration::prelude::*;
use tp_db::migration::enable_tenant_rls;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &str = r#"
-- A group practice. Not RLS: platform operators list and administer tenants, and
-- nothing here is PHI (a practice's name and its session policy).
create table identity.tenants (
    id uuid primary key,
    slug text not null unique check (slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    name text not null check (length(name) between 1 and 200),
    status text not null default 'active' check (status in ('active', 'suspended', 'offboarded')),
    -- Session and MFA policy (defaults from the issue: MFA for practice admins and
    -- clinicians, 15 min idle, 12 h absolute).
    mfa_required_roles text[] not null default '{practice_admin,clinician}',
    idle_timeout_secs integer not null default 900 check (idle_timeout_secs > 0),
    absolute_timeout_secs integer not null default 43200 check (absolute_timeout_secs > 0),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    suspended_at timestamptz,
    offboarded_at timestamptz
);

-- A person. One account may belong to several practices (memberships).
create table identity.users (
    id uuid primary key,
    -- Stored normalised (lower case) so that lookup and uniqueness agree.
    email text not null unique check (email = lower(email) and length(email) between 3 and 254),
    email_verified_at timestamptz,
    display_name text check (length(display_name) <= 200),
    -- Argon2id PHC string; null until the person sets a password (invited, or SSO only).
    password_hash text,
    status text not null default 'invited' check (status in ('invited', 'active', 'disabled')),
    -- Platform operators administer tenants and never read PHI; they have no membership.
    platform_role text check (platform_role in ('platform_operator')),
    failed_logins integer not null default 0,
    locked_until timestamptz,
    -- TOTP secret encrypted by Vault transit (`identity-mfa`), `vault:vN:...`.
    totp_secret_enc text,
    totp_enabled_at timestamptz,
    -- Last accepted TOTP time step: a code is accepted once (no replay within its window).
    totp_last_step bigint,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create table identity.memberships (
    tenant_id uuid not null references identity.tenants (id),
    user_id uuid not null references identity.users (id),
    roles text[] not null check (
        cardinality(roles) > 0
        and roles <@ array['practice_admin', 'clinician', 'staff', 'client']::text[]
    ),
    status text not null default 'invited' check (status in ('invited', 'active', 'removed')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, user_id)
);
create index memberships_user_idx on identity.memberships (user_id);

-- A clinician's assignment to a client, the relationship other services check.
create table identity.care_teams (
    tenant_id uuid not null,
    clinician_id uuid not null references identity.users (id),
    client_id uuid not null references identity.users (id),
    created_at timestamptz not null default now(),
    primary key (tenant_id, clinician_id, client_id),
    check (clinician_id <> client_id)
);
create index care_teams_client_idx on identity.care_teams (tenant_id, client_id);

create table identity.recovery_codes (
    user_id uuid not null references identity.users (id) on delete cascade,
    code_hash bytea not null,
    used_at timestamptz,
    primary key (user_id, code_hash)
);

-- Invitation, email verification and password reset links: single use, expiring, hashed.
create table identity.account_tokens (
    token_hash bytea primary key,
    purpose text not null check (purpose in ('invite', 'verify_email', 'reset_password')),
    user_id uuid not null references identity.users (id),
    tenant_id uuid references identity.tenants (id),
    expires_at timestamptz not null,
    used_at timestamptz,
    created_at timestamptz not null default now()
);
create index account_tokens_user_idx on identity.account_tokens (user_id);

create table identity.oauth_clients (
    id text primary key check (id ~ '^[A-Za-z0-9_-]{3,64}$'),
    -- The one tenant an API client acts for; null for first-party apps and operator clients.
    tenant_id uuid references identity.tenants (id),
    name text not null check (length(name) between 1 and 200),
    kind text not null check (kind in ('public', 'confidential')),
    secret_hash bytea,
    redirect_uris text[] not null default '{}',
    post_logout_redirect_uris text[] not null default '{}',
    grant_types text[] not null check (
        grant_types <@ array['authorization_code', 'refresh_token', 'client_credentials']::text[]
    ),
    scopes text[] not null default '{}',
    platform_operator boolean not null default false,
    -- The `sid` of its client_credentials tokens: revoking the client revokes them all.
    session_id uuid not null unique,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    revoked_at timestamptz,
    check ((kind = 'public') = (secret_hash is null)),
    check (not platform_operator or tenant_id is null),
    check (not ('client_credentials' = any (grant_types)) or kind = 'confidential')
);
create index oauth_clients_tenant_idx on identity.oauth_clients (tenant_id);

-- A browser session at identity (the `sid` of tokens issued through it).
create table identity.sessions (
    id uuid primary key,
    token_hash bytea not null unique,
    user_id uuid not null references identity.users (id),
    -- Chosen practice; null until chosen (and for platform operators).
    tenant_id uuid references identity.tenants (id),
    -- 'mfa' while a second factor is still owed; 'authenticated' after it.
    stage text not null check (stage in ('mfa', 'mfa_enroll', 'authenticated')),
    amr text[] not null default '{}',
    auth_time timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    expires_at timestamptz not null,
    revoked_at timestamptz,
    created_at timestamptz not null default now()
);
create index sessions_user_idx on identity.sessions (user_id);

-- A validated /authorize request, referenced by the sign-in forms while the person signs in.
create table identity.authorization_requests (
    id uuid primary key,
    client_id text not null references identity.oauth_clients (id),
    redirect_uri text not null,
    scopes text[] not null,
    state text,
    nonce text,
    code_challenge text not null,
    expires_at timestamptz not null,
    created_at timestamptz not null default now()
);

create table identity.authorization_codes (
    code_hash bytea primary key,
    client_id text not null references identity.oauth_clients (id),
    user_id uuid not null references identity.users (id),
    tenant_id uuid references identity.tenants (id),
    session_id uuid not null references identity.sessions (id),
    redirect_uri text not null,
    scopes text[] not null,
    nonce text,
    code_challenge text not null,
    auth_time timestamptz not null,
    expires_at timestamptz not null,
    used_at timestamptz,
    created_at timestamptz not null default now()
);

create table identity.refresh_tokens (
    id uuid primary key,
    -- Every rotation stays in one family; presenting a rotated token revokes the family.
    family_id uuid not null,
    token_hash bytea not null unique,
    client_id text not null references identity.oauth_clients (id),
    user_id uuid not null references identity.users (id),
    tenant_id uuid references identity.tenants (id),
    session_id uuid not null references identity.sessions (id),
    scopes text[] not null,
    expires_at timestamptz not null,
    used_at timestamptz,
    revoked_at timestamptz,
    created_at timestamptz not null default now()
);
create index refresh_tokens_family_idx on identity.refresh_tokens (family_id);
create index refresh_tokens_session_idx on identity.refresh_tokens (session_id);

-- A practice's own OpenID provider; its client secret is in Vault KV, never here.
create table identity.sso_providers (
    tenant_id uuid primary key references identity.tenants (id),
    issuer text not null check (length(issuer) <= 500),
    client_id text not null check (length(client_id) between 1 and 200),
    allowed_domains text[] not null check (cardinality(allowed_domains) > 0),
    enabled boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

-- One sign-in through a practice's IdP in flight: state, nonce and PKCE verifier.
create table identity.federation_states (
    state_hash bytea primary key,
    tenant_id uuid not null references identity.tenants (id),
    request_id uuid not null references identity.authorization_requests (id) on delete cascade,
    nonce text not null,
    pkce_verifier text not null,
    expires_at timestamptz not null,
    used_at timestamptz,
    created_at timestamptz not null default now()
);
"#;

// A person's own memberships across practices are readable in a transaction that names the
// person (`app.user_id`): the tenant chooser at sign-in needs them before a tenant is chosen.
// Policies are permissive (OR'ed): this adds reading, never writing, outside the tenant.
const OWN_MEMBERSHIPS: &str = r#"
create policy own_memberships on identity.memberships for select
    using (user_id = nullif(current_setting('app.user_id', true), '')::uuid);
"#;

const UPDATED_AT: [&str; 5] = ["tenants", "users", "memberships", "oauth_clients", "sso_providers"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(TABLES).await?;
        for table in ["memberships", "care_teams", "sso_providers"] {
            enable_tenant_rls(manager, "identity", table).await?;
        }
        db.execute_unprepared(OWN_MEMBERSHIPS).await?;
        for table in UPDATED_AT {
            tp_db::migration::add_updated_at_trigger(manager, "identity", table).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = "drop table if exists identity.federation_states, identity.sso_providers, \
                   identity.refresh_tokens, identity.authorization_codes, identity.authorization_requests, \
                   identity.sessions, identity.oauth_clients, identity.account_tokens, identity.recovery_codes, \
                   identity.care_teams, identity.memberships, identity.users, identity.tenants";
        manager.get_connection().execute_unprepared(sql).await.map(|_| ())
    }
}
