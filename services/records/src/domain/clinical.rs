//! Checking the clinical chart's input at the edge: an ICD-10-CM code's shape (normalised to
//! upper case), bounded free text without control characters (line breaks allowed where text
//! is prose), plausible dates. Values are trimmed and blank optional ones become `None`.
//!
//! Deliberately not here: whether a code exists in the ICD-10-CM tables (the code set changes
//! every year; the shape keeps typos and injection out, the clinician owns the meaning).

use chrono::NaiveDate;
use tp_records_api::amendments::{AmendmentRequestInput, AmendmentReview};
use tp_records_api::clinical::{DiagnosisInput, Goal, MedicationInput, TreatmentPlanInput};

use crate::error::Error;

pub const MAX_GOALS: usize = 20;

/// An ICD-10-CM code: a letter, a digit, a letter or digit, then optionally `.` and one to
/// four letters or digits (`F41.1`, `F33.0`, `Z63.0`, `S72.001A`). Normalised to upper case
/// and to the dotted form (`f411` is `F41.1`), so one code is stored one way.
pub fn icd10_code(code: &str) -> Result<String, Error> {
    let code = code.trim().to_ascii_uppercase();
    let (category, rest) = code.split_at_checked(3).unwrap_or((&code, ""));
    let alnum = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit();
    let category_ok =
        matches!(category.as_bytes(), [a, b, c] if a.is_ascii_uppercase() && b.is_ascii_digit() && alnum(*c));
    let sub = rest.strip_prefix('.').unwrap_or(rest);
    let sub_ok = (rest.is_empty() || (1..=4).contains(&sub.len())) && sub.bytes().all(alnum);
    match (category_ok, sub.is_empty()) {
        (true, true) if sub_ok => Ok(category.to_owned()),
        (true, false) if sub_ok => Ok(format!("{category}.{sub}")),
        _ => Err(Error::invalid("code", "not an ICD-10-CM code")),
    }
}

/// Whether an ICD-10-CM code is a substance use disorder under 42 CFR Part 2: categories
/// F10–F16, F18 and F19 (mental and behavioural disorders due to psychoactive substance use).
/// F17 (nicotine dependence) is not: Part 2's definition excludes tobacco (42 CFR 2.11).
/// Case-insensitive, so a code stored before normalisation is judged the same.
pub fn is_sud_code(code: &str) -> bool {
    let category = code.trim().get(..3).map(str::to_ascii_uppercase);
    matches!(category.as_deref(), Some("F10" | "F11" | "F12" | "F13" | "F14" | "F15" | "F16" | "F18" | "F19"))
}

pub fn diagnosis(input: DiagnosisInput, today: NaiveDate) -> Result<DiagnosisInput, Error> {
    Ok(DiagnosisInput {
        code: icd10_code(&input.code)?,
        description: required("description", &input.description, 500, false)?,
        status: input.status,
        onset_date: past_date("onset_date", input.onset_date, today)?,
        sud: input.sud,
    })
}

pub fn medication(input: MedicationInput) -> Result<MedicationInput, Error> {
    let (started_on, stopped_on) =
        (plausible("started_on", input.started_on)?, plausible("stopped_on", input.stopped_on)?);
    if let (Some(started), Some(stopped)) = (started_on, stopped_on)
        && stopped < started
    {
        return Err(Error::invalid("stopped_on", "before started_on"));
    }
    Ok(MedicationInput {
        name: required("name", &input.name, 200, false)?,
        dose: required("dose", &input.dose, 100, false)?,
        frequency: required("frequency", &input.frequency, 100, false)?,
        prescriber: optional("prescriber", input.prescriber.as_deref(), 200, false)?,
        started_on,
        stopped_on,
        sud: input.sud,
    })
}

pub fn treatment_plan(input: TreatmentPlanInput) -> Result<TreatmentPlanInput, Error> {
    if input.goals.len() > MAX_GOALS {
        return Err(Error::invalid("goals", "at most 20 goals"));
    }
    let goals = input
        .goals
        .into_iter()
        .map(|goal| {
            Ok(Goal {
                description: required("goals.description", &goal.description, 500, true)?,
                objective: required("goals.objective", &goal.objective, 500, true)?,
                target_date: plausible("goals.target_date", goal.target_date)?,
                status: goal.status,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(TreatmentPlanInput { problem: required("problem", &input.problem, 2000, true)?, goals })
}

pub fn amendment_request(input: AmendmentRequestInput) -> Result<AmendmentRequestInput, Error> {
    Ok(AmendmentRequestInput {
        what_is_wrong: required("what_is_wrong", &input.what_is_wrong, 4000, true)?,
        should_say: required("should_say", &input.should_say, 4000, true)?,
        item: optional("item", input.item.as_deref(), 200, false)?,
    })
}

pub fn review(input: AmendmentReview) -> Result<AmendmentReview, Error> {
    Ok(AmendmentReview { decision: input.decision, reason: required("reason", &input.reason, 2000, true)? })
}

fn required(field: &'static str, value: &str, max: usize, prose: bool) -> Result<String, Error> {
    optional(field, Some(value), max, prose)?.ok_or(Error::invalid(field, "required"))
}

/// `prose` allows line breaks and tabs; any other control character is refused.
fn optional(field: &'static str, value: Option<&str>, max: usize, prose: bool) -> Result<Option<String>, Error> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if value.chars().count() > max {
        return Err(Error::invalid(field, "too long"));
    }
    if value.chars().any(|c| c.is_control() && !(prose && matches!(c, '\n' | '\r' | '\t'))) {
        return Err(Error::invalid(field, "contains control characters"));
    }
    Ok(Some(value.to_owned()))
}

/// A date within 1900-01-01 ..= 2200-12-31: bounds typos, not clinical judgement.
fn plausible(field: &'static str, date: Option<NaiveDate>) -> Result<Option<NaiveDate>, Error> {
    let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN);
    let latest = NaiveDate::from_ymd_opt(2200, 12, 31).unwrap_or(NaiveDate::MAX);
    match date {
        Some(d) if d < earliest || d > latest => Err(Error::invalid(field, "out of range")),
        other => Ok(other),
    }
}

fn past_date(field: &'static str, date: Option<NaiveDate>, today: NaiveDate) -> Result<Option<NaiveDate>, Error> {
    match plausible(field, date)? {
        Some(d) if d > today => Err(Error::invalid(field, "in the future")),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substance_use_disorder_codes_are_f10_to_f16_f18_and_f19_but_not_nicotine() {
        for code in ["F10", "F10.20", "f11.23", "F12.9", "F13.10", "F14", "F15.921", "F16.0", "F18.20", "F19.99"] {
            assert!(is_sud_code(code), "{code} is a substance use disorder");
        }
        for code in ["F17.210", "F17", "F09", "F20.9", "F41.1", "F1", "", "Z72.0", "E10.9", "G10"] {
            assert!(!is_sud_code(code), "{code} is not a substance use disorder");
        }
    }

    #[test]
    fn icd10_codes_of_the_right_shape_are_accepted_and_upper_cased() {
        for (input, want) in [
            ("F41.1", "F41.1"),
            ("f33.0", "F33.0"),
            (" Z63.0 ", "Z63.0"),
            ("S72.001A", "S72.001A"),
            ("F32", "F32"),
            ("c4a.1", "C4A.1"),
            ("f411", "F41.1"),
        ] {
            assert_eq!(icd10_code(input).unwrap(), want, "{input}");
        }
    }

    #[test]
    fn icd10_codes_of_another_shape_are_refused() {
        for input in [
            "",
            "F4",
            "41.1",
            "FF1.1",
            "F41.",
            "F41.12345",
            "F41-1",
            "F41.1;",
            "F41 .1",
            "F41..1",
            "Ф41.1",
            "F41.1\u{0}",
            "F4\u{301}1",
        ] {
            assert!(icd10_code(input).is_err(), "{input:?} accepted");
        }
    }

    #[test]
    fn a_medication_stopped_before_it_started_is_refused() {
        let d = |m| NaiveDate::from_ymd_opt(2024, m, 1);
        let input = MedicationInput {
            name: "Sertraline".into(),
            dose: "50 mg".into(),
            frequency: "daily".into(),
            prescriber: Some("  ".into()),
            started_on: d(5),
            stopped_on: d(4),
            sud: false,
        };
        assert!(medication(input.clone()).is_err());
        let ok = medication(MedicationInput { stopped_on: d(6), ..input }).unwrap();
        assert_eq!(ok.prescriber, None);
    }
}
