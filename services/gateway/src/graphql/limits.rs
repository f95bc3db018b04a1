//! The alias limit, as an async-graphql extension (depth and complexity are built into
//! the schema). An alias flood (`a1: me { id } a2: me { id } …`) stays shallow and cheap per
//! field, so neither of those catches it.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ServerError, ServerResult, Variables};

use crate::graphql::error::GqlError;

pub struct AliasLimit(pub usize);

impl ExtensionFactory for AliasLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(AliasLimitExtension(self.0))
    }
}

struct AliasLimitExtension(usize);

#[async_trait::async_trait]
impl Extension for AliasLimitExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let aliases = count_aliases(&document);
        if aliases > self.0 {
            let message = format!("the query uses {aliases} aliases; at most {} are allowed", self.0);
            let err: ServerError = GqlError::bad_input(message).into_server_error();
            return Err(err);
        }
        Ok(document)
    }
}

/// Aliases written in the document: operations and fragment definitions, each once.
fn count_aliases(document: &ExecutableDocument) -> usize {
    let operations = document.operations.iter().map(|(_, op)| in_selection(&op.node.selection_set.node));
    let fragments = document.fragments.values().map(|f| in_selection(&f.node.selection_set.node));
    operations.chain(fragments).sum()
}

fn in_selection(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(field) => {
                usize::from(field.node.alias.is_some()) + in_selection(&field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => in_selection(&fragment.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_counted_in_operations_nested_fields_and_fragments() {
        let query = "query { a: me { b: id } ...F } fragment F on Query { c: me { id } }";
        let document = async_graphql::parser::parse_query(query).unwrap();
        assert_eq!(count_aliases(&document), 3);
        let document = async_graphql::parser::parse_query("{ me { id } }").unwrap();
        assert_eq!(count_aliases(&document), 0);
    }
}
