//! Lockout with exponential backoff: how long an account stays locked after its n-th
//! consecutive failed sign-in (wrong password or wrong second factor).
//!
//! The first [`THRESHOLD`] - 1 failures cost nothing; the [`THRESHOLD`]-th locks for one
//! minute and each further one doubles that, up to an hour. Against an online guesser that
//! means ~30 guesses in the first day, instead of thousands, while a person who mistypes a
//! few times is never stopped. A lock that expires does not reset the counter: only a
//! successful sign-in (or a password reset) does, so the next failure locks again at once,
//! for twice as long.
//!
//! Not here: where the counter lives (`users.failed_logins`, `users.locked_until`) and when
//! it is reset (`accounts::sign_in`).

use std::time::Duration;

/// Consecutive failures that lock the account.
pub const THRESHOLD: i32 = 5;
const FIRST_LOCK: Duration = Duration::from_secs(60);
const MAX_LOCK: Duration = Duration::from_secs(3600);

/// How long to lock after `failures` consecutive failures, if at all.
pub fn lock_for(failures: i32) -> Option<Duration> {
    let beyond = failures.checked_sub(THRESHOLD)?;
    let beyond = u32::try_from(beyond).ok()?;
    // 2^6 minutes is already past the cap: larger exponents need no arithmetic.
    let factor = 1u32 << beyond.min(6);
    Some(FIRST_LOCK.saturating_mul(factor).min(MAX_LOCK))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_starts_at_the_fifth_failure_and_doubles_up_to_an_hour() {
        let minutes = |n| lock_for(n).map(|d| d.as_secs() / 60);
        assert_eq!(minutes(-1), None);
        assert_eq!(minutes(0), None);
        assert_eq!(minutes(4), None);
        assert_eq!(minutes(5), Some(1));
        assert_eq!(minutes(6), Some(2));
        assert_eq!(minutes(7), Some(4));
        assert_eq!(minutes(10), Some(32));
        assert_eq!(minutes(11), Some(60));
        assert_eq!(minutes(i32::MAX), Some(60));
    }
}
