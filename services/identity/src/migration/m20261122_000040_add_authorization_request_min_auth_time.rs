//! Records on an authorization request how recent the person's sign-in must be, so that
//! `prompt=login` and `max_age` hold through every step of the sign-in, not only on the
//! first page: a code is issued only from a session whose `auth_time` is at or after
//! `min_auth_time`. Null means any live session will do.
//!
//! A column rather than re-checking the prompt at each step: the later steps (MFA, the
//! tenant chooser) see the stored request only, never the original query.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = "alter table identity.authorization_requests add column min_auth_time timestamptz";
        manager.get_connection().execute_unprepared(sql).await.map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = "alter table identity.authorization_requests drop column if exists min_auth_time";
        manager.get_connection().execute_unprepared(sql).await.map(|_| ())
    }
}
