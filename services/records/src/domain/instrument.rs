//! Scoring of the built-in instruments, PHQ-9 and GAD-7: fixed items answered 0-3, summed,
//! banded by the published cut-offs. PHQ-9 item 9 (thoughts of self-harm) answered above 0
//! is flagged whatever the total, so a low score never hides it.
//!
//! Not here: storage, encryption or who may answer (chart::forms).

use tp_records_api::forms::{Instrument, Score, Severity};

/// Why answers are not a valid response; no answer value is ever part of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    /// Not a list of exactly the instrument's number of items.
    ItemCount,
    /// An item that is not an integer from 0 to 3.
    ItemValue,
}

pub const fn items(instrument: Instrument) -> usize {
    match instrument {
        Instrument::Phq9 => 9,
        Instrument::Gad7 => 7,
    }
}

/// The items of `answers` (a JSON list), checked against the instrument.
pub fn parse(instrument: Instrument, answers: &serde_json::Value) -> Result<Vec<u8>, Invalid> {
    let list = answers.as_array().ok_or(Invalid::ItemCount)?;
    if list.len() != items(instrument) {
        return Err(Invalid::ItemCount);
    }
    list.iter()
        .map(|item| item.as_u64().filter(|v| *v <= 3).and_then(|v| u8::try_from(v).ok()).ok_or(Invalid::ItemValue))
        .collect()
}

/// The score of valid `items` (see [`parse`]).
pub fn score(instrument: Instrument, items: &[u8]) -> Score {
    let total: u8 = items.iter().sum();
    let severity = match instrument {
        Instrument::Phq9 => match total {
            0..=4 => Severity::None,
            5..=9 => Severity::Mild,
            10..=14 => Severity::Moderate,
            15..=19 => Severity::ModeratelySevere,
            _ => Severity::Severe,
        },
        Instrument::Gad7 => match total {
            0..=4 => Severity::Minimal,
            5..=9 => Severity::Mild,
            10..=14 => Severity::Moderate,
            _ => Severity::Severe,
        },
    };
    let self_harm_flagged = instrument == Instrument::Phq9 && items.get(8).is_some_and(|item| *item > 0);
    Score { total, severity, self_harm_flagged }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Items summing to `total`, filled from the first item, item 9 left at 0.
    fn items_for(instrument: Instrument, total: u8) -> Vec<u8> {
        let mut left = total;
        (0..items(instrument))
            .map(|i| {
                let item = if instrument == Instrument::Phq9 && i == 8 { 0 } else { left.min(3) };
                left -= item;
                item
            })
            .collect()
    }

    fn band(instrument: Instrument, total: u8) -> Severity {
        let items = items_for(instrument, total);
        assert_eq!(items.iter().sum::<u8>(), total, "{instrument:?} {total} fits the items");
        score(instrument, &items).severity
    }

    #[test]
    fn phq9_bands_change_exactly_at_the_published_cut_offs() {
        use Severity::*;
        let cases =
            [(0, None), (4, None), (5, Mild), (9, Mild), (10, Moderate), (14, Moderate), (15, ModeratelySevere)];
        for (total, expected) in cases.into_iter().chain([(19, ModeratelySevere), (20, Severe), (24, Severe)]) {
            assert_eq!(band(Instrument::Phq9, total), expected, "PHQ-9 total {total}");
        }
        // 25 to 27 need item 9, which also raises the flag.
        let all_threes = vec![3; 9];
        assert_eq!(
            score(Instrument::Phq9, &all_threes),
            Score { total: 27, severity: Severe, self_harm_flagged: true }
        );
    }

    #[test]
    fn gad7_bands_change_exactly_at_the_published_cut_offs() {
        use Severity::*;
        let cases = [(0, Minimal), (4, Minimal), (5, Mild), (9, Mild), (10, Moderate), (14, Moderate), (15, Severe)];
        for (total, expected) in cases.into_iter().chain([(21, Severe)]) {
            assert_eq!(band(Instrument::Gad7, total), expected, "GAD-7 total {total}");
        }
        assert!(!score(Instrument::Gad7, &[3; 7]).self_harm_flagged);
    }

    #[test]
    fn phq9_item_9_above_zero_is_flagged_even_with_a_low_total() {
        let items = [0, 0, 0, 0, 0, 0, 0, 0, 1];
        assert_eq!(
            score(Instrument::Phq9, &items),
            Score { total: 1, severity: Severity::None, self_harm_flagged: true }
        );
        assert!(!score(Instrument::Phq9, &[3, 3, 3, 3, 3, 3, 3, 3, 0]).self_harm_flagged);
    }

    #[test]
    fn answers_must_be_the_items_in_range() {
        assert_eq!(parse(Instrument::Gad7, &json!([0, 1, 2, 3, 0, 1, 2])), Ok(vec![0, 1, 2, 3, 0, 1, 2]));
        assert_eq!(parse(Instrument::Gad7, &json!([0, 1, 2])), Err(Invalid::ItemCount));
        assert_eq!(parse(Instrument::Phq9, &json!({"q1": 1})), Err(Invalid::ItemCount));
        assert_eq!(parse(Instrument::Gad7, &json!([0, 1, 2, 4, 0, 1, 2])), Err(Invalid::ItemValue));
        assert_eq!(parse(Instrument::Gad7, &json!([0, 1, 2, -1, 0, 1, 2])), Err(Invalid::ItemValue));
        assert_eq!(parse(Instrument::Gad7, &json!([0, 1, 2, 1.5, 0, 1, 2])), Err(Invalid::ItemValue));
        assert_eq!(parse(Instrument::Gad7, &json!([0, 1, 2, "3", 0, 1, 2])), Err(Invalid::ItemValue));
    }
}
