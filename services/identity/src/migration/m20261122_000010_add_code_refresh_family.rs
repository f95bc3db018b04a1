//! Links an authorization code to the refresh-token family its exchange starts, so that a
//! second use of the code (RFC 6749 section 4.1.2: "SHOULD revoke all tokens previously
//! issued based on that authorization code") revokes exactly that family.
//!
//! Chosen at issue time rather than derived from the code hash: the link stays explicit in
//! the schema, and nothing about the secret is reused as an identifier.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = "alter table identity.authorization_codes \
                   add column refresh_family_id uuid not null default gen_random_uuid()";
        manager.get_connection().execute_unprepared(sql).await.map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = "alter table identity.authorization_codes drop column if exists refresh_family_id";
        manager.get_connection().execute_unprepared(sql).await.map(|_| ())
    }
}
