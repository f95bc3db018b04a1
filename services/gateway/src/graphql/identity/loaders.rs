//! The directory DataLoader: every `User` resolved while answering one request is fetched
//! in one identity call per batch, however many care-team rows ask for one.
//!
//! Built per request with the caller's context (never schema-wide: a shared cache would
//! hand one tenant's answers to another).

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use tp_identity_api::admin::DirectoryEntry;
use tp_identity_api::paths::MAX_USER_LOOKUP;
use tp_ids::UserId;

use crate::downstream::identity::IdentityClient;
use crate::graphql::context::RequestCtx;
use crate::graphql::error::GqlError;

pub struct DirectoryLoader {
    cx: RequestCtx,
    identity: IdentityClient,
}

impl DirectoryLoader {
    pub fn data_loader(cx: RequestCtx, identity: IdentityClient) -> DataLoader<Self> {
        DataLoader::new(Self { cx, identity }, tokio::spawn).max_batch_size(MAX_USER_LOOKUP)
    }
}

impl Loader<UserId> for DirectoryLoader {
    type Value = DirectoryEntry;
    type Error = GqlError;

    async fn load(&self, keys: &[UserId]) -> Result<HashMap<UserId, DirectoryEntry>, GqlError> {
        let tenant = self.cx.tenant()?;
        let directory = self.identity.directory(&self.cx, tenant, keys).await?;
        Ok(directory.users.into_iter().map(|entry| (entry.user_id, entry)).collect())
    }
}
