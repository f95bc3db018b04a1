//! Practice form templates: a JSON Schema checked once when it is saved (a valid schema,
//! bounded in size and depth, compilable without fetching anything), and answers checked
//! against the exact template version they answer.
//!
//! `jsonschema` is built without its default features, so a `$ref` to a URL or a file is an
//! error, never a fetch; `pattern` uses the linear-time `regex` engine, so a hostile pattern
//! cannot make a validation run for minutes. Failures name the rule broken, never a value:
//! answers are PHI, and the validator's own messages quote them.
//!
//! Not here: storage, versions, access (chart::forms).

use serde_json::Value;

/// Largest template schema, as compact JSON.
pub const MAX_SCHEMA_BYTES: usize = 64 * 1024;
/// Largest response, as compact JSON.
pub const MAX_ANSWERS_BYTES: usize = 64 * 1024;
/// Deepest nesting of arrays and objects in a schema or a response.
pub const MAX_DEPTH: usize = 16;
const MAX_TITLE_CHARS: usize = 200;

/// Why a template or a response is refused: the field and a reason, both fixed strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub field: &'static str,
    pub reason: &'static str,
}

const fn refuse(field: &'static str, reason: &'static str) -> Refusal {
    Refusal { field, reason }
}

/// The trimmed title and the schema of a new template (version), once both are acceptable.
pub fn check_template(title: &str, schema: &Value) -> Result<String, Refusal> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        return Err(refuse("title", "must be 1 to 200 characters"));
    }
    if compact_len(schema) > MAX_SCHEMA_BYTES {
        return Err(refuse("schema", "is larger than 64 KiB"));
    }
    if depth(schema) > MAX_DEPTH {
        return Err(refuse("schema", "is nested deeper than 16 levels"));
    }
    if !schema.is_object() {
        return Err(refuse("schema", "must be a JSON Schema object"));
    }
    if !jsonschema::meta::is_valid(schema) {
        return Err(refuse("schema", "is not a valid JSON Schema"));
    }
    compile(schema).map(|_| title.to_owned())
}

/// Whether `answers` satisfy `schema` (a template already accepted by [`check_template`]).
pub fn check_answers(schema: &Value, answers: &Value) -> Result<(), Refusal> {
    check_answers_shape(answers)?;
    if compile(schema)?.is_valid(answers) { Ok(()) } else { Err(refuse("answers", "do not match the form template")) }
}

/// Size and depth of any response, before it is looked at further.
pub fn check_answers_shape(answers: &Value) -> Result<(), Refusal> {
    if compact_len(answers) > MAX_ANSWERS_BYTES {
        return Err(refuse("answers", "are larger than 64 KiB"));
    }
    if depth(answers) > MAX_DEPTH {
        return Err(refuse("answers", "are nested deeper than 16 levels"));
    }
    Ok(())
}

fn compile(schema: &Value) -> Result<jsonschema::Validator, Refusal> {
    jsonschema::options()
        .with_pattern_options(jsonschema::PatternOptions::regex())
        .build(schema)
        .map_err(|_| refuse("schema", "cannot be used: an unsupported pattern, format or external $ref"))
}

fn compact_len(value: &Value) -> usize {
    serde_json::to_vec(value).map_or(usize::MAX, |bytes| bytes.len())
}

/// Nesting depth without recursion, so a pathological document cannot exhaust the stack.
fn depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 1_usize)];
    while let Some((value, level)) = stack.pop() {
        deepest = deepest.max(level);
        match value {
            Value::Array(items) => stack.extend(items.iter().map(|v| (v, level + 1))),
            Value::Object(map) => stack.extend(map.values().map(|v| (v, level + 1))),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn mood() -> Value {
        json!({
            "type": "object",
            "properties": { "mood": { "type": "integer", "minimum": 0, "maximum": 10 }, "notes": { "type": "string" } },
            "required": ["mood"],
            "additionalProperties": false
        })
    }

    #[test]
    fn a_valid_schema_is_accepted_and_validates_answers() {
        assert_eq!(check_template("  Intake  ", &mood()), Ok("Intake".to_owned()));
        assert_eq!(check_answers(&mood(), &json!({"mood": 3, "notes": "fine"})), Ok(()));
        let refused = check_answers(&mood(), &json!({"mood": 11})).unwrap_err();
        assert_eq!(refused.field, "answers");
        assert!(check_answers(&mood(), &json!({"mood": 1, "extra": "secret"})).is_err());
    }

    #[test]
    fn invalid_oversized_deep_or_fetching_schemas_are_refused() {
        let bad = [
            ("not an object", json!([1, 2])),
            ("bad keyword value", json!({"type": "objekt"})),
            ("negative minLength", json!({"type": "string", "minLength": -1})),
            ("remote ref", json!({"$ref": "https://example.com/schema.json"})),
            ("file ref", json!({"$ref": "file:///etc/passwd"})),
            ("too big", json!({"description": "x".repeat(MAX_SCHEMA_BYTES)})),
        ];
        for (what, schema) in bad {
            assert_eq!(check_template("t", &schema).map_err(|r| r.field), Err("schema"), "{what}");
        }
        let mut deep = json!({"type": "object"});
        for _ in 0..MAX_DEPTH {
            deep = json!({ "type": "object", "properties": { "a": deep } });
        }
        assert!(check_template("t", &deep).is_err(), "too deep");
        assert_eq!(check_template(" ", &mood()).map_err(|r| r.field), Err("title"));
    }

    #[test]
    fn a_refusal_never_quotes_the_answers() {
        let refused = check_answers(&mood(), &json!({"mood": "Secret-Answer-42"})).unwrap_err();
        assert!(!format!("{refused:?}").contains("Secret-Answer-42"));
    }
}
