//! The lockout counter as the sign-in steps use it: every attempt, password or second
//! factor, is claimed ([`claim`]) *before* its secret is checked, then settled: a failure
//! keeps the count ([`Claim::failed`]), an attempt that was no failure is handed back
//! ([`Claim::release`]), a success resets the counter (the caller, with its event).
//!
//! Why before: a lock checked before the (slow) check and counted after it let parallel
//! requests each pass the check while the counter was still low, so a burst got as many
//! guesses as it had requests. A claim is atomic (`db::users::claim_attempt`), and the
//! claim that reaches the threshold sets the lock in its own transaction, before its secret
//! is checked: every later claim is refused, uncounted, until the lock passes. If that
//! attempt then succeeds, its lock goes with it ([`Claim::release`], or the reset).
//!
//! A claim whose check cannot finish (an internal error) stays counted: fail closed.
//!
//! Not here: the backoff schedule (`domain::lockout`), the events of the attempts
//! themselves (their callers).

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::TransactionTrait as _;
use tp_audit_log::action::identity as action;
use tp_audit_log::{Actor, AuditEvent, Outcome, Subject};
use tp_ids::UserId;

use crate::audit;
use crate::db::users;
use crate::domain::lockout;
use crate::error::Error;
use crate::state::AppState;

/// What claiming an attempt gave.
pub(super) enum Claimed {
    /// Counted; the secret may now be checked.
    Counted(Claim),
    /// The account is locked until `until`: refused without checking or counting.
    Locked { until: DateTime<Utc> },
}

/// A counted attempt, to be settled once its secret is checked (a success resets the
/// counter in the transaction of its event and drops the claim).
pub(super) struct Claim {
    user: UserId,
    failures: i32,
    /// The lock this claim set (it reached the threshold), and its end.
    lock: Option<(Duration, DateTime<Utc>)>,
}

/// Counts an attempt of `user` unless the account is locked; locks it at once when this
/// attempt reaches the threshold, so that no concurrent attempt is checked after it.
pub(super) async fn claim(state: &AppState, user: UserId) -> Result<Claimed, Error> {
    let tx = state.db.begin().await?;
    let Some(failures) = users::claim_attempt(&tx, user).await? else {
        tx.rollback().await?;
        let until = users::locked_until(&state.db, user).await?;
        // No row while the lock just expired (or the account vanished): refused all the same.
        return Ok(Claimed::Locked { until: until.unwrap_or_else(Utc::now) });
    };
    let lock = match lockout::lock_for(failures) {
        Some(duration) => Some((duration, users::lock_for(&tx, user, duration.as_secs()).await?)),
        None => None,
    };
    // Commit releases the row lock: claims waiting on it now see this one's count and lock.
    tx.commit().await?;
    Ok(Claimed::Counted(Claim { user, failures, lock }))
}

impl Claim {
    /// The attempt failed: it stays counted, and the lock it set (if any) stands and is
    /// audited. The lock's end.
    pub(super) async fn failed(self, state: &AppState) -> Result<Option<DateTime<Utc>>, Error> {
        let Some((duration, until)) = self.lock else { return Ok(None) };
        let event = AuditEvent::new(action::ACCOUNT_LOCKED, Outcome::Success, Actor::System("lockout"))
            .subject(Subject::new("user", self.user))
            .detail("failures", self.failures.to_string())
            .detail("lock_secs", duration.as_secs().to_string());
        audit::emit(&state.db, event).await?;
        Ok(Some(until))
    }

    /// The attempt was no failure but does not reset the counter either (the right password
    /// where only the second factor resets it; a disabled account): uncounted again, and the
    /// lock it set, if any, lifted.
    pub(super) async fn release(self, state: &AppState) -> Result<(), Error> {
        Ok(users::release_attempt(&state.db, self.user, self.lock.is_some()).await?)
    }
}
