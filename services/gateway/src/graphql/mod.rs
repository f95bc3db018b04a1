//! The schema: one module per domain, merged into the Query, Mutation and Subscription
//! roots, with the limits every operation is held to.

mod audit;
mod consent;
pub mod context;
pub mod error;
mod identity;
mod ids;
mod limits;
pub(crate) mod records;
mod scheduling;

use async_graphql::{MergedObject, MergedSubscription, Schema, SchemaBuilder};

use crate::config::Limits;
use crate::downstream::identity::IdentityClient;
use crate::graphql::context::RequestCtx;
use crate::graphql::identity::loaders::DirectoryLoader;

#[derive(MergedObject, Default)]
pub struct Query(
    identity::query::IdentityQuery,
    records::query::RecordsQuery,
    records::notes::NotesQuery,
    records::psychotherapy::PsychotherapyQuery,
    records::break_glass::BreakGlassQuery,
    records::export::ExportQuery,
    records::forms::FormsQuery,
    audit::query::AuditQuery,
    consent::templates::ConsentTemplatesQuery,
    consent::documents::ConsentDocumentsQuery,
    consent::disclosure::DisclosureQuery,
    consent::transfers::TransfersQuery,
    consent::outside_transfers::OutsideTransfersQuery,
    scheduling::appointments::AppointmentsQuery,
    scheduling::rooms::RoomsQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    identity::mutation::IdentityMutation,
    records::mutation::RecordsMutation,
    records::notes::NotesMutation,
    records::psychotherapy::PsychotherapyMutation,
    records::break_glass::BreakGlassMutation,
    records::clinical::ClinicalMutation,
    records::amendments::AmendmentsMutation,
    records::forms::FormsMutation,
    consent::templates::ConsentTemplatesMutation,
    consent::documents::ConsentDocumentsMutation,
    consent::disclosure::DisclosureMutation,
    consent::transfers::TransfersMutation,
    consent::outside_transfers::OutsideTransfersMutation,
    scheduling::appointments::AppointmentsMutation,
    scheduling::rooms::RoomsMutation,
);

#[derive(MergedSubscription, Default)]
pub struct Subscription(identity::subscription::IdentitySubscription);

pub type ApiSchema = Schema<Query, Mutation, Subscription>;

/// The schema with its limits; the caller adds the shared data (clients, the event hub).
pub fn builder(limits: &Limits, introspection: bool) -> SchemaBuilder<Query, Mutation, Subscription> {
    let builder = Schema::build(Query::default(), Mutation::default(), Subscription::default())
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_recursive_depth(limits.max_depth.saturating_mul(2))
        .limit_directives(8)
        .disable_suggestions()
        .extension(limits::AliasLimit(limits.max_aliases));
    if introspection { builder } else { builder.disable_introspection() }
}

/// What each request carries besides the schema data: who calls, and its own loaders
/// (never shared between requests, so never between tenants).
pub fn request_data(cx: RequestCtx, identity: IdentityClient) -> async_graphql::Data {
    let mut data = async_graphql::Data::default();
    data.insert(DirectoryLoader::data_loader(cx.clone(), identity));
    data.insert(cx);
    data
}

#[cfg(test)]
mod tests {
    /// The public schema is committed (`services/gateway/schema.graphql`), so every change to
    /// it shows in review. `UPDATE_SCHEMA=1 cargo test -p tp-gateway committed_schema` rewrites it.
    #[test]
    fn the_committed_schema_is_the_schema() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
        let live = super::builder(&crate::config::Limits::default(), true).finish().sdl();
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::write(path, &live).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == live,
            "the schema changed: review it, then run UPDATE_SCHEMA=1 cargo test -p tp-gateway committed_schema"
        );
    }
}
