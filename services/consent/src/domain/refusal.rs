//! [`Refusal`]: why an input was refused, as a field and a rule. Never the value itself, so
//! a refusal can be shown to the caller and logged without leaking what they typed.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub field: &'static str,
    pub reason: &'static str,
}

impl Refusal {
    pub const fn new(field: &'static str, reason: &'static str) -> Self {
        Self { field, reason }
    }
}
