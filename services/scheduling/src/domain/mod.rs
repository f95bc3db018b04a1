//! scheduling's rules, without I/O: when an appointment may be and how long, which window
//! a list may cover, and who reaches which appointment, room and recording.

pub mod booking;
pub mod reach;

/// Why an input was refused, as a field and a rule; never the value itself.
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
