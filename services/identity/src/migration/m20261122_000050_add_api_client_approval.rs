//! API clients created by a platform operator wait for a practice admin's approval before
//! they obtain tokens: operators provision, but never get into a practice's data on their
//! own (ADR 0004). Clients that exist already, and every client a practice admin creates,
//! are approved.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = "alter table identity.oauth_clients add column approved_at timestamptz; \
                   update identity.oauth_clients set approved_at = created_at;";
        manager.get_connection().execute_unprepared(sql).await.map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = "alter table identity.oauth_clients drop column approved_at";
        manager.get_connection().execute_unprepared(sql).await.map(|_| ())
    }
}
