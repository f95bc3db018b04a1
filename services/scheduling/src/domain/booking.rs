//! When an appointment may be booked and which window a list may cover. Time is passed in:
//! the rules are the same in tests and in production.

use chrono::{DateTime, Duration, Utc};

use super::Refusal;

/// Shortest and longest session.
pub const MIN_LENGTH: Duration = Duration::minutes(5);
pub const MAX_LENGTH: Duration = Duration::hours(8);
/// How far ahead a booking may be.
pub const MAX_AHEAD: Duration = Duration::days(400);
/// The widest window one list may cover.
pub const MAX_WINDOW: Duration = Duration::days(92);

/// An appointment from `starts` to `ends`, booked at `now`: in the future, not too far
/// ahead, 5 minutes to 8 hours long.
pub fn check_slot(starts: DateTime<Utc>, ends: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), Refusal> {
    if starts <= now {
        return Err(Refusal::new("starts_at", "must be in the future"));
    }
    if starts - now > MAX_AHEAD {
        return Err(Refusal::new("starts_at", "must be at most 400 days ahead"));
    }
    let length = ends - starts;
    if length < MIN_LENGTH || length > MAX_LENGTH {
        return Err(Refusal::new("ends_at", "must be 5 minutes to 8 hours after starts_at"));
    }
    Ok(())
}

/// A list's window `[from, to)`: not empty, at most 92 days.
pub fn check_window(from: DateTime<Utc>, to: DateTime<Utc>) -> Result<(), Refusal> {
    if to <= from {
        return Err(Refusal::new("to", "must be after from"));
    }
    if to - from > MAX_WINDOW {
        return Err(Refusal::new("to", "must be at most 92 days after from"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_000) + Duration::hours(hours)
    }

    #[test]
    fn a_slot_is_in_the_future_and_5_minutes_to_8_hours_long() {
        let now = at(0);
        assert_eq!(check_slot(at(1), at(2), now), Ok(()));
        assert_eq!(check_slot(now, at(1), now).unwrap_err().field, "starts_at");
        assert_eq!(check_slot(at(-1), at(1), now).unwrap_err().field, "starts_at");
        assert_eq!(check_slot(at(2), at(2), now).unwrap_err().field, "ends_at");
        assert_eq!(check_slot(at(2), at(1), now).unwrap_err().field, "ends_at");
        assert_eq!(check_slot(at(1), at(1) + Duration::minutes(4), now).unwrap_err().field, "ends_at");
        assert_eq!(check_slot(at(1), at(1) + MIN_LENGTH, now), Ok(()));
        assert_eq!(check_slot(at(1), at(1) + MAX_LENGTH, now), Ok(()));
        assert_eq!(check_slot(at(1), at(9) + Duration::seconds(1), now).unwrap_err().field, "ends_at");
        let far = now + MAX_AHEAD;
        assert_eq!(check_slot(far, far + Duration::hours(1), now), Ok(()));
        let too_far = far + Duration::minutes(1);
        assert_eq!(check_slot(too_far, too_far + Duration::hours(1), now).unwrap_err().field, "starts_at");
    }

    #[test]
    fn a_window_is_not_empty_and_at_most_92_days() {
        assert_eq!(check_window(at(0), at(1)), Ok(()));
        assert_eq!(check_window(at(0), at(0) + MAX_WINDOW), Ok(()));
        assert!(check_window(at(1), at(1)).is_err());
        assert!(check_window(at(1), at(0)).is_err());
        assert!(check_window(at(0), at(0) + MAX_WINDOW + Duration::seconds(1)).is_err());
    }
}
