//! The templates a practice requires before a first appointment: keys parsed, written one
//! way, duplicates collapsed (the first occurrence keeps its place), at most 20. Whether a
//! practice template with that id exists is asked of the database by the caller.

use super::Refusal;
use super::template::TemplateRef;

pub const MAX_REQUIRED: usize = 20;

/// The distinct templates of `keys`, in first-seen order.
pub fn collapse(keys: &[String]) -> Result<Vec<TemplateRef>, Refusal> {
    let mut refs: Vec<TemplateRef> = Vec::new();
    for key in keys {
        let template = TemplateRef::parse(key)
            .ok_or(Refusal::new("before_first_appointment", "every key must be an existing template"))?;
        if !refs.contains(&template) {
            refs.push(template);
        }
        if refs.len() > MAX_REQUIRED {
            return Err(Refusal::new("before_first_appointment", "at most 20 templates"));
        }
    }
    Ok(refs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn keys(list: &[&str]) -> Vec<String> {
        list.iter().map(|k| (*k).to_owned()).collect()
    }

    #[test]
    fn duplicates_collapse_in_first_seen_order_whatever_the_spelling() {
        let id = Uuid::now_v7();
        let upper = id.to_string().to_uppercase();
        let got = collapse(&keys(&["telehealth", &upper, "informed-consent", "telehealth", &id.to_string()])).unwrap();
        let got: Vec<String> = got.into_iter().map(TemplateRef::key).collect();
        assert_eq!(got, ["telehealth".to_owned(), id.to_string(), "informed-consent".to_owned()]);
        assert_eq!(collapse(&[]).unwrap(), vec![]);
    }

    #[test]
    fn more_than_twenty_distinct_or_an_unknown_key_is_refused() {
        let twenty: Vec<String> = (0..20).map(|_| Uuid::now_v7().to_string()).collect();
        assert_eq!(collapse(&twenty).map(|r| r.len()), Ok(20));
        let mut repeated = twenty.clone();
        repeated.extend(twenty.iter().cloned());
        assert_eq!(collapse(&repeated).map(|r| r.len()), Ok(20), "duplicates do not count");
        let mut too_many = twenty;
        too_many.push(Uuid::now_v7().to_string());
        assert!(collapse(&too_many).is_err());
        assert!(collapse(&keys(&["telehealth", "no-such-template"])).is_err());
    }
}
