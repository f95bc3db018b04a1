//! The ids of a directory lookup (`?ids=a,b,c`), parsed once at the edge: at most
//! [`MAX_USER_LOOKUP`] user ids (duplicates counted), each well formed. Duplicates are dropped (a DataLoader may
//! repeat a key; the answer names each person once).

use tp_identity_api::paths::MAX_USER_LOOKUP;
use tp_ids::UserId;

use crate::error::Error;

pub fn parse_user_ids(raw: Option<&str>) -> Result<Vec<UserId>, Error> {
    let raw = raw.ok_or_else(|| Error::invalid("ids", "is required"))?;
    // Counted before parsing, duplicates included: the bound limits the work of a request.
    if raw.split(',').count() > MAX_USER_LOOKUP {
        return Err(Error::invalid("ids", format!("at most {MAX_USER_LOOKUP} ids per lookup")));
    }
    let mut ids = Vec::new();
    for part in raw.split(',') {
        let id = UserId::parse(part.trim()).map_err(|_| Error::invalid("ids", "holds a malformed user id"))?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_parsed_deduplicated_and_bounded() {
        let (a, b) = (UserId::generate(), UserId::generate());
        assert_eq!(parse_user_ids(Some(&format!("{a},{b},{a}"))).unwrap(), vec![a, b]);
        let too_many: Vec<String> = (0..=MAX_USER_LOOKUP).map(|_| UserId::generate().to_string()).collect();
        assert!(parse_user_ids(Some(&too_many.join(","))).is_err());
        let just_enough = &too_many[..MAX_USER_LOOKUP];
        assert_eq!(parse_user_ids(Some(&just_enough.join(","))).unwrap().len(), MAX_USER_LOOKUP);
        for bad in [None, Some(""), Some("x"), Some(&*format!("{a},")), Some(&*format!("{a},nope"))] {
            assert!(matches!(parse_user_ids(bad), Err(Error::Invalid { field: "ids", .. })), "{bad:?}");
        }
    }
}
