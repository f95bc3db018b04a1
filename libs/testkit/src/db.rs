//! A fresh PostgreSQL database per test, cloned from a migrated template.
//!
//! The template for a migrator is named after a hash of its migration names *and* of the
//! test binary (path, size, modification time), so editing a migration and rebuilding gives a
//! new template instead of silently testing the old schema. It is created once under an
//! advisory lock (test processes run in parallel), migrated as `tp_migrator`, then frozen
//! (`IS_TEMPLATE`, no connections). Each test then gets `CREATE DATABASE t_<uuid> TEMPLATE
//! ...` in tens of milliseconds, with the schemas, RLS policies and grants of the real
//! migrations. Databases and templates are recorded in `testkit_databases` and dropped by a
//! later run once they are an hour old and unused, so a long-lived test profile does not
//! fill up; `just test` discards the whole cluster anyway.
//!
//! Every template also gets the audit log's migrations (`tp_audit_log::migration`, tracked in
//! their own `audit_migrations` table) unless `M` already includes them, as the audit
//! service's migrator does: services write audit events in the same transaction as the
//! access they describe, so their tests need `audit.events` as production has it.
//!
//! All administration goes through one dedicated superuser connection ([`Admin`]): advisory
//! locks belong to a session, so a pooled connection that might be swapped underneath would
//! lose them silently. Values are bound as parameters; the identifiers that cannot be
//! (database names in DDL) are generated here and checked against a strict pattern.

use sea_orm::DatabaseConnection;
use sea_orm::sqlx::{self, Connection, PgConnection};
use sea_orm_migration::MigratorTrait;
use secrecy::SecretString;
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;
use tp_db::PoolOptions;
use tp_ids::Service;

use crate::TestEnv;

/// A throwaway database owned by the migrator role, migrated by `M`.
pub struct TestDb {
    name: String,
}

impl TestDb {
    /// A new database with `M`'s migrations applied.
    #[expect(clippy::expect_used, reason = "test set-up failures must stop the test with their cause")]
    pub async fn fresh<M: MigratorTrait>() -> TestDb {
        crate::init();
        let env = TestEnv::get();
        let mut admin = Admin::connect(env).await;
        cleanup_stale_once(&mut admin).await;
        let template = template_name::<M>();
        // Held while cloning too, so the stale-cleanup of another process cannot drop the
        // template between our existence check and our CREATE DATABASE.
        admin.lock(&template).await;
        ensure_template::<M>(env, &mut admin, &template).await;
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        // Registered first: a crash right after CREATE must not leak an unlisted database.
        admin.register(&name).await;
        admin
            .ddl(&format!("create database {name} template {template} owner tp_migrator"))
            .await
            .expect("create test database from template");
        admin.unlock(&template).await;
        TestDb { name }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// URL of `service`'s own role (not owner, not BYPASSRLS) on this database.
    pub fn url_as(&self, service: Service) -> SecretString {
        self.rebase(TestEnv::get().service_url(service))
    }

    pub fn migrator_url(&self) -> SecretString {
        self.rebase(TestEnv::get().migrator_url())
    }

    /// Superuser on this database: for arranging states no service could create, and for
    /// checks that must not be filtered by RLS.
    pub fn admin_url(&self) -> SecretString {
        self.rebase(TestEnv::get().admin_url())
    }

    #[expect(clippy::expect_used, reason = "test set-up failures must stop the test with their cause")]
    pub async fn connect_as(&self, service: Service) -> DatabaseConnection {
        tp_db::connect(&self.url_as(service), &PoolOptions::default()).await.expect("connect as service role")
    }

    #[expect(clippy::expect_used, reason = "test set-up failures must stop the test with their cause")]
    pub async fn connect_admin(&self) -> DatabaseConnection {
        tp_db::connect(&self.admin_url(), &PoolOptions::default()).await.expect("connect as superuser")
    }

    fn rebase(&self, url: &str) -> SecretString {
        let base = url.rsplit_once('/').map_or(url, |(base, _db)| base);
        SecretString::from(format!("{base}/{}", self.name))
    }
}

/// Whether `M` already applies the audit log's migrations (the audit service's migrator).
fn includes_audit_log<M: MigratorTrait>() -> bool {
    let events = tp_audit_log::migration::CreateAuditEvents;
    let events = sea_orm_migration::MigrationName::name(&events);
    M::migrations().iter().any(|migration| migration.name() == events)
}

/// `tpl_<hash of the migrator, its migration names, the audit log's, and this test binary>`.
fn template_name<M: MigratorTrait>() -> String {
    let mut hasher = Sha256::new();
    hasher.update(std::any::type_name::<M>());
    for migration in M::migrations() {
        hasher.update(migration.name());
        hasher.update([0]);
    }
    if !includes_audit_log::<M>() {
        hasher.update(std::any::type_name::<tp_audit_log::migration::Migrator>());
        for migration in tp_audit_log::migration::Migrator::migrations() {
            hasher.update(migration.name());
            hasher.update([0]);
        }
    }
    if let Ok(exe) = std::env::current_exe() {
        hasher.update(exe.to_string_lossy().as_bytes());
        if let Ok(meta) = exe.metadata() {
            hasher.update(meta.len().to_le_bytes());
            let modified = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
            hasher.update(modified.unwrap_or_default().as_nanos().to_le_bytes());
        }
    }
    let digest = hasher.finalize();
    format!("tpl_{}", hex::encode(digest.get(..8).unwrap_or_default()))
}

/// Builds `template` with `M`'s migrations unless it exists. The caller holds its lock.
#[expect(clippy::expect_used, reason = "test set-up failures must stop the test with their cause")]
async fn ensure_template<M: MigratorTrait>(env: &TestEnv, admin: &mut Admin, template: &str) {
    let ready: bool =
        sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1 and datistemplate)")
            .bind(template)
            .fetch_one(&mut admin.conn)
            .await
            .expect("look up template");
    if ready {
        return;
    }
    // A half-built template from an interrupted run is rebuilt from scratch.
    admin.register(template).await;
    admin.ddl(&format!("drop database if exists {template}")).await.expect("drop half-built template");
    admin.ddl(&format!("create database {template} owner tp_migrator")).await.expect("create template");
    let base = env.migrator_url().rsplit_once('/').map_or(env.migrator_url(), |(base, _)| base);
    let url = SecretString::from(format!("{base}/{template}"));
    tp_db::migration::run::<M>(&url).await.expect("migrate template database");
    if !includes_audit_log::<M>() {
        tp_db::migration::run::<tp_audit_log::migration::Migrator>(&url)
            .await
            .expect("apply the audit log's migrations to the template database");
    }
    // CREATE DATABASE ... TEMPLATE refuses while anything is connected to the template.
    admin
        .ddl(&format!("alter database {template} is_template true allow_connections false"))
        .await
        .expect("freeze template");
}

/// Drops databases and templates registered over an hour ago, once per process. Best effort:
/// a database still in use (no FORCE) or a template another process holds is left for a
/// later run.
async fn cleanup_stale_once(admin: &mut Admin) {
    static DONE: OnceCell<()> = OnceCell::const_new();
    if DONE.initialized() {
        return;
    }
    // Serialised: concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog.
    admin.lock("testkit_databases").await;
    let created = admin
        .ddl("create table if not exists testkit_databases (name text primary key, created_at timestamptz not null default now())")
        .await;
    admin.unlock("testkit_databases").await;
    if created.is_err() {
        return;
    }
    let stale: Vec<String> =
        sqlx::query_scalar("select name from testkit_databases where created_at < now() - interval '1 hour'")
            .fetch_all(&mut admin.conn)
            .await
            .unwrap_or_default();
    for name in stale.iter().filter(|n| is_generated_name(n)) {
        if !admin.try_lock(name).await {
            continue;
        }
        let _ = admin.ddl(&format!("alter database {name} is_template false")).await;
        if admin.ddl(&format!("drop database if exists {name}")).await.is_ok() {
            let _ =
                sqlx::query("delete from testkit_databases where name = $1").bind(name).execute(&mut admin.conn).await;
        }
        admin.unlock(name).await;
    }
    let _ = DONE.set(());
}

/// Only names this module generates may reach DDL: `t_` or `tpl_` and lowercase hex.
fn is_generated_name(name: &str) -> bool {
    let hex = name.strip_prefix("tpl_").or_else(|| name.strip_prefix("t_"));
    hex.is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

/// One dedicated superuser connection to the cluster's `postgres` database.
struct Admin {
    conn: PgConnection,
}

impl Admin {
    #[expect(clippy::expect_used, reason = "test set-up failures must stop the test with their cause")]
    async fn connect(env: &TestEnv) -> Self {
        let conn = PgConnection::connect(env.admin_url())
            .await
            .expect("connect to the test PostgreSQL as superuser; is `infra/dev/deps up --profile test` running?");
        Self { conn }
    }

    #[expect(clippy::expect_used, reason = "test set-up failures must stop the test with their cause")]
    async fn lock(&mut self, key: &str) {
        sqlx::query("select pg_advisory_lock(hashtext($1))")
            .bind(key)
            .execute(&mut self.conn)
            .await
            .expect("take lock");
    }

    async fn try_lock(&mut self, key: &str) -> bool {
        sqlx::query_scalar("select pg_try_advisory_lock(hashtext($1))")
            .bind(key)
            .fetch_one(&mut self.conn)
            .await
            .unwrap_or(false)
    }

    /// Releases `key`, asserting it was still held: a lost lock would mean two processes
    /// built or dropped the same template at once.
    #[expect(clippy::expect_used, reason = "test set-up failures must stop the test with their cause")]
    async fn unlock(&mut self, key: &str) {
        let released: bool = sqlx::query_scalar("select pg_advisory_unlock(hashtext($1))")
            .bind(key)
            .fetch_one(&mut self.conn)
            .await
            .expect("release lock");
        assert!(released, "advisory lock {key} was not held when released");
    }

    #[expect(clippy::expect_used, reason = "test set-up failures must stop the test with their cause")]
    async fn register(&mut self, name: &str) {
        sqlx::query("insert into testkit_databases (name) values ($1) on conflict do nothing")
            .bind(name)
            .execute(&mut self.conn)
            .await
            .expect("register test database");
    }

    /// DDL whose identifiers cannot be bound; every caller passes generated names only
    /// (`is_generated_name`), which is what makes the assertion below true.
    async fn ddl(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).execute(&mut self.conn).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::is_generated_name;

    #[test]
    fn only_generated_names_may_reach_ddl() {
        assert!(is_generated_name("t_0123abcdef"));
        assert!(is_generated_name("tpl_00ff"));
        for bad in ["t_", "x_12", "t_12; drop database postgres", "tpl_ABCD", "t_12 ", "postgres"] {
            assert!(!is_generated_name(bad), "{bad:?}");
        }
    }
}
