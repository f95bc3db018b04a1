//! A fresh PostgreSQL database per test, cloned from a migrated template.
//!
//! The template for a migrator is named after a hash of its migration names *and* of the
//! test binary (path, size, modification time), so editing a migration and rebuilding gives a
//! new template instead of silently testing the old schema. It is created once under an
//! advisory lock (test processes run in parallel), migrated as `tp_migrator`, then frozen
//! (`IS_TEMPLATE`, no connections). Each test then gets `CREATE DATABASE t_<uuid> TEMPLATE
//! ...` in tens of milliseconds, with the schemas, RLS policies and grants of the real
//! migrations. Databases and templates are recorded in `testkit_databases` and dropped by a
//! later run once they are an hour old, so a long-lived test profile does not fill up;
//! `just test` discards the whole cluster anyway.

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
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
        let admin = admin_pool(env).await;
        cleanup_stale_once(&admin).await;
        let template = template_name::<M>();
        // Held while cloning too, so the stale-cleanup of another process cannot drop the
        // template between our existence check and our CREATE DATABASE.
        exec(&admin, &format!("select pg_advisory_lock(hashtext('{template}'))")).await.expect("take template lock");
        ensure_template::<M>(env, &admin, &template).await;
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        exec(&admin, &format!("create database {name} template {template} owner tp_migrator"))
            .await
            .expect("create test database from template");
        exec(&admin, &format!("select pg_advisory_unlock(hashtext('{template}'))"))
            .await
            .expect("release template lock");
        exec(&admin, &format!("insert into testkit_databases (name) values ('{name}') on conflict do nothing"))
            .await
            .expect("register test database");
        admin.close().await.expect("close admin pool");
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

/// One connection: advisory locks are per session, so the lock and the work must share it.
#[expect(clippy::expect_used, reason = "test set-up failures must stop the test with their cause")]
async fn admin_pool(env: &TestEnv) -> DatabaseConnection {
    let url = SecretString::from(env.admin_url().to_owned());
    tp_db::connect(&url, &PoolOptions { max_connections: 1, ..PoolOptions::default() })
        .await
        .expect("connect to the test PostgreSQL as superuser; is `infra/dev/deps up --profile test` running?")
}

/// `tpl_<hash of the migrator, its migration names and this test binary>`.
fn template_name<M: MigratorTrait>() -> String {
    let mut hasher = Sha256::new();
    hasher.update(std::any::type_name::<M>());
    for migration in M::migrations() {
        hasher.update(migration.name());
        hasher.update([0]);
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
async fn ensure_template<M: MigratorTrait>(env: &TestEnv, admin: &DatabaseConnection, template: &str) {
    let ready = admin
        .query_one_raw(Statement::from_string(
            admin.get_database_backend(),
            format!("select 1 from pg_database where datname = '{template}' and datistemplate"),
        ))
        .await
        .expect("look up template")
        .is_some();
    if ready {
        return;
    }
    // A half-built template from an interrupted run is rebuilt from scratch.
    exec(admin, &format!("drop database if exists {template}")).await.expect("drop stale template");
    exec(admin, &format!("create database {template} owner tp_migrator")).await.expect("create template");
    let base = env.migrator_url().rsplit_once('/').map_or(env.migrator_url(), |(base, _)| base);
    let url = SecretString::from(format!("{base}/{template}"));
    tp_db::migration::run::<M>(&url).await.expect("migrate template database");
    // CREATE DATABASE ... TEMPLATE refuses while anything is connected to the template.
    exec(admin, &format!("alter database {template} is_template true allow_connections false"))
        .await
        .expect("freeze template");
    exec(admin, &format!("insert into testkit_databases (name) values ('{template}') on conflict do nothing"))
        .await
        .expect("register template");
}

async fn cleanup_stale_once(admin: &DatabaseConnection) {
    static DONE: OnceCell<()> = OnceCell::const_new();
    DONE.get_or_init(|| async {
        // Serialised: concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog.
        let _ = exec(admin, "select pg_advisory_lock(hashtext('testkit_databases'))").await;
        let _ = exec(
            admin,
            "create table if not exists testkit_databases (name text primary key, created_at timestamptz not null default now())",
        )
        .await;
        let _ = exec(admin, "select pg_advisory_unlock(hashtext('testkit_databases'))").await;
        let stale = admin
            .query_all_raw(Statement::from_string(
                admin.get_database_backend(),
                "select name from testkit_databases where created_at < now() - interval '1 hour'",
            ))
            .await
            .unwrap_or_default();
        for row in stale {
            let Ok(name) = row.try_get::<String>("", "name") else { continue };
            // Best effort, and never a template another process is cloning right now (it holds
            // the template's lock); whatever is skipped goes in a later run.
            let locked = admin
                .query_one_raw(Statement::from_string(
                    admin.get_database_backend(),
                    format!("select pg_try_advisory_lock(hashtext('{name}')) as locked"),
                ))
                .await
                .ok()
                .flatten()
                .and_then(|r| r.try_get::<bool>("", "locked").ok())
                .unwrap_or(false);
            if !locked {
                continue;
            }
            let _ = exec(admin, &format!("alter database {name} is_template false")).await;
            if exec(admin, &format!("drop database if exists {name} with (force)")).await.is_ok() {
                let _ = exec(admin, &format!("delete from testkit_databases where name = '{name}'")).await;
            }
            let _ = exec(admin, &format!("select pg_advisory_unlock(hashtext('{name}'))")).await;
        }
    })
    .await;
}

async fn exec(db: &DatabaseConnection, sql: &str) -> Result<(), sea_orm::DbErr> {
    db.execute_unprepared(sql).await.map(|_| ())
}
