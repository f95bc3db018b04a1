//! A disclosure package request checked at the edge ([`parse`] its shape, naming the field;
//! [`check`] its categories), and what consent's decision permits of it ([`permitted`]).
//! Pure. The recipient's rules are consent's alone: it refuses a malformed one when asked
//! for the decision (`crate::consent` turns that into a 400 naming `recipient`).

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use tp_consent_api::disclosure::{Category, Decision, Grant};
use tp_records_api::disclosure::PackageRequest;

use crate::error::Error;

/// At most this many categories in a request: there are no more distinct ones.
pub const MAX_CATEGORIES: usize = 10;

/// The request's fields, each refused by name when it is missing or not of its type.
pub fn parse(body: Value) -> Result<PackageRequest, Error> {
    let Value::Object(mut fields) = body else {
        return Err(Error::invalid("body", "must be a JSON object"));
    };
    Ok(PackageRequest {
        package_id: take(&mut fields, "package_id", "must be a UUID")?,
        recipient: take(&mut fields, "recipient", "must be a practice, a clinician or an outside recipient")?,
        categories: take(&mut fields, "categories", "must be a list of categories")?,
    })
}

fn take<T: DeserializeOwned>(
    fields: &mut Map<String, Value>,
    name: &'static str,
    reason: &'static str,
) -> Result<T, Error> {
    let value = fields.remove(name).unwrap_or(Value::Null);
    serde_json::from_value(value).map_err(|_| Error::invalid(name, reason))
}

/// The request as it is asked of consent: 1 to [`MAX_CATEGORIES`] categories, distinct and
/// sorted; an outside recipient's texts trimmed and checked.
pub fn check(request: PackageRequest) -> Result<PackageRequest, Error> {
    if request.categories.is_empty() {
        return Err(Error::invalid("categories", "at least one category"));
    }
    if request.categories.len() > MAX_CATEGORIES {
        return Err(Error::invalid("categories", "at most 10 categories"));
    }
    let mut categories = request.categories;
    categories.sort();
    categories.dedup();
    Ok(PackageRequest { package_id: request.package_id, recipient: request.recipient, categories })
}

/// What a package may hold: the categories permitted and the authorizations behind them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permitted {
    /// Distinct, sorted; never empty.
    pub categories: Vec<Category>,
    /// Each with the permitted categories it grants; none without any.
    pub grants: Vec<Grant>,
}

impl Permitted {
    pub fn allows(&self, category: Category) -> bool {
        self.categories.contains(&category)
    }
}

/// What `decision` permits of the categories `asked`: only what was asked, what the decision
/// lists and what one of its grants covers (a decision disagreeing with itself permits the
/// least it says). `None` when that is nothing, or the decision is not a permit.
pub fn permitted(asked: &[Category], decision: &Decision) -> Option<Permitted> {
    if !decision.permit {
        return None;
    }
    let granted = |c: &Category| decision.grants.iter().any(|g| g.categories.contains(c));
    let categories: Vec<Category> =
        asked.iter().copied().filter(|c| decision.categories.contains(c) && granted(c)).collect();
    if categories.is_empty() {
        return None;
    }
    let grants = decision
        .grants
        .iter()
        .map(|g| Grant {
            authorization_id: g.authorization_id,
            categories: g.categories.iter().copied().filter(|c| categories.contains(c)).collect(),
        })
        .filter(|g| !g.categories.is_empty())
        .collect();
    Some(Permitted { categories, grants })
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use uuid::Uuid;

    use super::*;

    fn field_of(result: Result<PackageRequest, Error>) -> &'static str {
        match result {
            Err(Error::Invalid { field, .. }) => field,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_malformed_request_names_its_field() {
        let good = json!({ "package_id": Uuid::now_v7(), "recipient": { "kind": "practice", "tenant_id": Uuid::now_v7() },
            "categories": ["diagnoses", "diagnoses", "demographics"] });
        let request = check(parse(good.clone()).unwrap()).unwrap();
        assert_eq!(request.categories, [Category::Demographics, Category::Diagnoses]);
        let with = |key: &str, value: Value| {
            let mut body = good.clone();
            body[key] = value;
            body
        };
        assert_eq!(field_of(parse(json!([]))), "body");
        assert_eq!(field_of(parse(with("package_id", json!("nope")))), "package_id");
        assert_eq!(field_of(parse(with("recipient", json!({ "kind": "school" })))), "recipient");
        assert_eq!(field_of(parse(with("categories", json!(["gossip"])))), "categories");
        assert_eq!(field_of(check(parse(with("categories", json!([]))).unwrap())), "categories");
        assert_eq!(field_of(check(parse(with("categories", json!(vec!["diagnoses"; 11]))).unwrap())), "categories");
    }

    #[test]
    fn only_what_was_asked_listed_and_granted_is_permitted() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let decision = Decision {
            permit: true,
            categories: vec![Category::Diagnoses, Category::SudRecords, Category::Documents],
            denied: vec![Category::ProgressNotes],
            grants: vec![
                Grant { authorization_id: a, categories: vec![Category::Diagnoses, Category::Demographics] },
                Grant { authorization_id: b, categories: vec![Category::SudRecords] },
            ],
        };
        let asked = [Category::Diagnoses, Category::ProgressNotes, Category::SudRecords, Category::Documents];
        let permitted = permitted(&asked, &decision).unwrap();
        // Documents is listed but no grant covers it; demographics is granted but not asked.
        assert_eq!(permitted.categories, [Category::Diagnoses, Category::SudRecords]);
        assert_eq!(
            permitted.grants,
            [
                Grant { authorization_id: a, categories: vec![Category::Diagnoses] },
                Grant { authorization_id: b, categories: vec![Category::SudRecords] },
            ]
        );
        assert!(super::permitted(&asked, &Decision { permit: false, ..decision.clone() }).is_none());
        assert!(super::permitted(&[Category::ProgressNotes], &decision).is_none());
    }
}
