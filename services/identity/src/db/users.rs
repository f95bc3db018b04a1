//! Accounts (`identity.users`) as the account flows use them: sign-in records and the
//! lockout counter, invitations, passwords, email verification; plus the few statements
//! those flows need on neighbouring tables (a tenant's name and status, the invited
//! membership, revoking a person's sessions).
//!
//! `users` has no RLS (a sign-in looks a person up before any tenant is known), so these
//! take any connection; `memberships` is tenant-owned and its statements take a
//! [`TenantTx`]. MFA columns are in `db::recovery_codes`.

use super::stmt;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, QueryResult, Value};
use tp_auth::Role;
use tp_db::TenantTx;
use tp_ids::{SessionId, TenantId, UserId};

use crate::domain::email::Email;
use crate::domain::password::PasswordHash;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserStatus {
    Invited,
    Active,
    Disabled,
}

impl UserStatus {
    fn parse(stored: &str) -> Result<Self, DbErr> {
        match stored {
            "invited" => Ok(Self::Invited),
            "active" => Ok(Self::Active),
            "disabled" => Ok(Self::Disabled),
            _ => Err(DbErr::Type("unknown users.status".into())),
        }
    }
}

/// What a password sign-in needs to decide.
pub struct SignInRecord {
    pub id: UserId,
    pub password_hash: Option<PasswordHash>,
    pub status: UserStatus,
    pub totp_enabled: bool,
}

/// An account as the link pages need it.
pub struct AccountRecord {
    pub id: UserId,
    pub email: Email,
    pub status: UserStatus,
    pub has_password: bool,
}

fn user_id(row: &QueryResult) -> Result<UserId, DbErr> {
    Ok(UserId::from_uuid(row.try_get("", "id")?))
}

fn status(row: &QueryResult) -> Result<UserStatus, DbErr> {
    UserStatus::parse(&row.try_get::<String>("", "status")?)
}

pub async fn find_for_sign_in<C: ConnectionTrait>(db: &C, email: &Email) -> Result<Option<SignInRecord>, DbErr> {
    let sql = "select id, password_hash, status, totp_enabled_at is not null as totp_enabled \
               from identity.users where email = $1";
    let Some(row) = db.query_one_raw(stmt(sql, [email.as_str().into()])).await? else { return Ok(None) };
    Ok(Some(SignInRecord {
        id: user_id(&row)?,
        password_hash: row.try_get::<Option<String>>("", "password_hash")?.map(PasswordHash::from_stored),
        status: status(&row)?,
        totp_enabled: row.try_get("", "totp_enabled")?,
    }))
}

async fn find_account<C: ConnectionTrait>(db: &C, sql: &str, key: Value) -> Result<Option<AccountRecord>, DbErr> {
    let Some(row) = db.query_one_raw(stmt(sql, [key])).await? else { return Ok(None) };
    Ok(Some(AccountRecord {
        id: user_id(&row)?,
        email: Email::from_trusted(row.try_get("", "email")?),
        status: status(&row)?,
        has_password: row.try_get("", "has_password")?,
    }))
}

pub async fn find_by_email<C: ConnectionTrait>(db: &C, email: &Email) -> Result<Option<AccountRecord>, DbErr> {
    let sql = "select id, email, status, password_hash is not null as has_password \
               from identity.users where email = $1";
    find_account(db, sql, email.as_str().into()).await
}

pub async fn find_by_id<C: ConnectionTrait>(db: &C, user: UserId) -> Result<Option<AccountRecord>, DbErr> {
    let sql = "select id, email, status, password_hash is not null as has_password \
               from identity.users where id = $1";
    find_account(db, sql, (*user.as_uuid()).into()).await
}

/// The account for `email`, created as `invited` when there is none; `true` when created.
pub async fn ensure_invited<C: ConnectionTrait>(db: &C, email: &Email) -> Result<(AccountRecord, bool), DbErr> {
    // `do nothing` + re-read rather than `do update`: an existing account must not change.
    let sql = "insert into identity.users (id, email, status) values ($1, $2, 'invited') \
               on conflict (email) do nothing";
    let inserted = db.execute_raw(stmt(sql, [(*UserId::generate().as_uuid()).into(), email.as_str().into()])).await?;
    let account = find_by_email(db, email).await?.ok_or_else(|| DbErr::RecordNotFound("invited user".into()))?;
    Ok((account, inserted.rows_affected() == 1))
}

/// Claims one sign-in attempt (password or second factor) before it is checked: counts it
/// as a failure up front, unless the account is locked; the new count, `None` when locked.
///
/// Counting first is what makes the lock hold against parallel guesses. Checking
/// `locked_until` and counting only after a failed check let N concurrent requests all pass
/// the check before any of them counted: N guesses per lock window. Here the `update`
/// takes the row lock and keeps it until the caller's transaction ends; a concurrent claim
/// waits for it and then re-evaluates its `where` against the committed row, so it sees
/// the lock the claim before it set (`lock_for`, in the same transaction).
pub async fn claim_attempt<C: ConnectionTrait>(db: &C, user: UserId) -> Result<Option<i32>, DbErr> {
    // A claim while locked is refused without counting: waiting out a lock must work.
    let sql = "update identity.users set failed_logins = failed_logins + 1 \
               where id = $1 and (locked_until is null or locked_until <= now()) returning failed_logins";
    let row = db.query_one_raw(stmt(sql, [(*user.as_uuid()).into()])).await?;
    row.map(|row| row.try_get("", "failed_logins")).transpose()
}

/// Hands back a claimed attempt that turned out not to be a failure (the right password of
/// an account whose counter only the second factor resets, or of a disabled account).
/// `lifted`: the claim set the current lock, which goes with it. No other lock can have
/// been set meanwhile: claims are refused while it stands.
pub async fn release_attempt<C: ConnectionTrait>(db: &C, user: UserId, lifted: bool) -> Result<(), DbErr> {
    let sql = "update identity.users set failed_logins = greatest(failed_logins - 1, 0), \
               locked_until = case when $2 then null else locked_until end where id = $1";
    db.execute_raw(stmt(sql, [(*user.as_uuid()).into(), lifted.into()])).await.map(|_| ())
}

/// The end of the account's current lock, if it has one.
pub async fn locked_until<C: ConnectionTrait>(db: &C, user: UserId) -> Result<Option<DateTime<Utc>>, DbErr> {
    let sql = "select locked_until from identity.users where id = $1 and locked_until > now()";
    let row = db.query_one_raw(stmt(sql, [(*user.as_uuid()).into()])).await?;
    Ok(row.map(|row| row.try_get("", "locked_until")).transpose()?.flatten())
}

/// Locks until `secs` from now (never shortening a lock already longer); the lock's end.
pub async fn lock_for<C: ConnectionTrait>(db: &C, user: UserId, secs: u64) -> Result<DateTime<Utc>, DbErr> {
    let sql = "update identity.users \
               set locked_until = greatest(locked_until, now() + make_interval(secs => $2)) \
               where id = $1 returning locked_until";
    let secs = i64::try_from(secs).unwrap_or(i64::MAX);
    let row = db.query_one_raw(stmt(sql, [(*user.as_uuid()).into(), secs.into()])).await?;
    row.ok_or_else(|| DbErr::RecordNotFound("locked user".into()))?.try_get("", "locked_until")
}

pub async fn clear_failures<C: ConnectionTrait>(db: &C, user: UserId) -> Result<(), DbErr> {
    let sql = "update identity.users set failed_logins = 0, locked_until = null \
               where id = $1 and (failed_logins <> 0 or locked_until is not null)";
    db.execute_raw(stmt(sql, [(*user.as_uuid()).into()])).await.map(|_| ())
}

/// Sets the password and clears the lockout. The link that allowed it went to the address,
/// which proves it: the email is verified too. `activate` turns an invited account active.
pub async fn set_password<C: ConnectionTrait>(
    db: &C,
    user: UserId,
    hash: &PasswordHash,
    activate: bool,
) -> Result<(), DbErr> {
    let sql = "update identity.users set password_hash = $2, failed_logins = 0, locked_until = null, \
               email_verified_at = coalesce(email_verified_at, now()), \
               status = case when $3 and status = 'invited' then 'active' else status end \
               where id = $1";
    let values = [(*user.as_uuid()).into(), hash.as_str().into(), activate.into()];
    db.execute_raw(stmt(sql, values)).await.map(|_| ())
}

pub async fn mark_email_verified<C: ConnectionTrait>(db: &C, user: UserId) -> Result<(), DbErr> {
    let sql = "update identity.users set email_verified_at = coalesce(email_verified_at, now()) where id = $1";
    db.execute_raw(stmt(sql, [(*user.as_uuid()).into()])).await.map(|_| ())
}

/// Revokes every live session of `user`; the ids, for the revocation list in Redis.
pub async fn revoke_sessions<C: ConnectionTrait>(db: &C, user: UserId) -> Result<Vec<SessionId>, DbErr> {
    let sql = "update identity.sessions set revoked_at = now() \
               where user_id = $1 and revoked_at is null and expires_at > now() returning id";
    let rows = db.query_all_raw(stmt(sql, [(*user.as_uuid()).into()])).await?;
    rows.iter().map(|row| Ok(SessionId::from_uuid(row.try_get("", "id")?))).collect()
}

/// A practice as an invitation needs it: its name (for staff emails) and whether active.
pub struct TenantRecord {
    pub name: String,
    pub active: bool,
}

pub async fn find_tenant<C: ConnectionTrait>(db: &C, tenant: TenantId) -> Result<Option<TenantRecord>, DbErr> {
    let sql = "select name, status = 'active' as active from identity.tenants where id = $1";
    let Some(row) = db.query_one_raw(stmt(sql, [(*tenant.as_uuid()).into()])).await? else { return Ok(None) };
    Ok(Some(TenantRecord { name: row.try_get("", "name")?, active: row.try_get("", "active")? }))
}

/// Creates the membership as `invited` with `roles`; `false` (and nothing changes) when the
/// person is already an active member.
///
/// An existing invitation takes the new roles, replacing the pending ones: the newest
/// invitation is the one whose link works. A removed member is invited afresh with only
/// the new roles, never the ones they had before removal. An active member's roles are
/// changed through the roles endpoint, which ends their sessions and is audited as a role
/// change; an invitation must not be a side door to that.
pub async fn invite_membership(tx: &TenantTx, user: UserId, roles: &[Role]) -> Result<bool, DbErr> {
    let roles: Vec<&str> = roles.iter().map(|role| role.as_str()).collect();
    // The `where` of the conflict branch leaves an active row alone: then no row returns.
    let sql = "insert into identity.memberships (tenant_id, user_id, roles, status) \
               values ($1, $2, string_to_array($3, ','), 'invited') \
               on conflict (tenant_id, user_id) do update set roles = excluded.roles, status = 'invited' \
                 where memberships.status <> 'active' \
               returning user_id";
    let values = [(*tx.tenant().as_uuid()).into(), (*user.as_uuid()).into(), roles.join(",").into()];
    Ok(tx.query_one_raw(stmt(sql, values)).await?.is_some())
}

/// `invited` → `active`; a removed membership stays removed.
pub async fn activate_membership(tx: &TenantTx, user: UserId) -> Result<(), DbErr> {
    let sql = "update identity.memberships set status = 'active' \
               where tenant_id = $1 and user_id = $2 and status = 'invited'";
    tx.execute_raw(stmt(sql, [(*tx.tenant().as_uuid()).into(), (*user.as_uuid()).into()])).await.map(|_| ())
}
