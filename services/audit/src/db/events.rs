//! The read API's SQL over `audit.events`, inside a [`TenantTx`]: one newest-first page of a
//! [`Scope`] (the whole practice, or the records events about one client) narrowed by a
//! [`Filter`], with keyset pagination on `(occurred_at, id)`.
//!
//! Every statement names the tenant explicitly as well (`e.tenant_id = $1`) although RLS
//! already confines the audit role to the transaction's tenant: defence in depth.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, QueryResult, Statement, Value};
use tp_audit_api::events::Event;
use tp_db::TenantTx;
use tp_ids::UserId;
use uuid::Uuid;

use crate::domain::search::Filter;

/// Which events the caller may see at all, before any filter.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// Every event of the practice (practice admins).
    Practice,
    /// The events of the services holding the client's record ([`RECORD_SERVICES`]) whose
    /// subject is this client (the client's own view). `client` is the subject kind those
    /// services write (`audit.rs` in services/records and services/consent).
    RecordAbout(UserId),
}

/// The services whose events about a client are accesses to their record: the chart, and
/// their consent documents, authorizations and disclosures.
pub const RECORD_SERVICES: [&str; 2] = ["records", "consent"];

/// A statement's predicates and their values, numbered as they are added (`$1` is the tenant).
struct Where {
    clauses: Vec<String>,
    values: Vec<Value>,
}

impl Where {
    fn new(tx: &TenantTx) -> Self {
        Self { clauses: vec!["e.tenant_id = $1".to_owned()], values: vec![Uuid::from(tx.tenant()).into()] }
    }

    /// The placeholder (`$n`) of `value`, added to the statement's values.
    fn bind(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        format!("${}", self.values.len())
    }

    /// Adds `clause`, whose `{}` is replaced by the placeholder of `value`.
    fn and(&mut self, clause: &str, value: impl Into<Value>) {
        let placeholder = self.bind(value);
        self.clauses.push(clause.replace("{}", &placeholder));
    }

    fn scope(&mut self, scope: Scope) {
        if let Scope::RecordAbout(client) = scope {
            let services: Vec<String> = RECORD_SERVICES.iter().map(|service| self.bind(*service)).collect();
            self.clauses.push(format!("e.service in ({})", services.join(", ")));
            self.and("e.subject_kind = {}", "client");
            self.and("e.subject_id = {}", client.to_string());
        }
    }

    fn filter(&mut self, filter: &Filter) {
        if let Some(prefix) = &filter.action {
            // Not `like`: `_` is a pattern character and a valid one in action names.
            self.and("starts_with(e.action, {})", prefix.clone());
        }
        if let Some(actor) = &filter.actor_id {
            self.and("e.actor_id = {}", actor.clone());
        }
        if let Some(subject) = &filter.subject_id {
            self.and("e.subject_id = {}", subject.clone());
        }
        if let Some(since) = filter.since {
            self.and("e.occurred_at >= {}", since);
        }
        if let Some(until) = filter.until {
            self.and("e.occurred_at < {}", until);
        }
    }

    fn sql(&self) -> String {
        self.clauses.join(" and ")
    }
}

/// The position of event `id` in the scope, or `None` when the scope has no such event
/// (another tenant's, another client's, or none at all: the caller cannot tell which).
pub async fn cursor(tx: &TenantTx, scope: Scope, id: Uuid) -> Result<Option<(DateTime<Utc>, Uuid)>, DbErr> {
    let mut predicates = Where::new(tx);
    predicates.scope(scope);
    predicates.and("e.id = {}", id);
    let sql = format!("select e.occurred_at from audit.events e where {}", predicates.sql());
    let row =
        tx.query_one_raw(Statement::from_sql_and_values(tx.get_database_backend(), sql, predicates.values)).await?;
    row.map(|row| Ok((row.try_get("", "occurred_at")?, id))).transpose()
}

/// Up to `limit` events of the scope matching `filter`, newest first, strictly after `after`.
pub async fn page(
    tx: &TenantTx,
    scope: Scope,
    filter: &Filter,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: usize,
) -> Result<Vec<Event>, DbErr> {
    let mut predicates = Where::new(tx);
    predicates.scope(scope);
    predicates.filter(filter);
    if let Some((at, id)) = after {
        // Keyset: strictly older in the listing's own order, so pages never overlap and
        // events written meanwhile (newer) never shift a later page.
        let (at, id) = (predicates.bind(at), predicates.bind(id));
        predicates.clauses.push(format!("(e.occurred_at, e.id) < ({at}, {id})"));
    }
    let limit = predicates.bind(i64::try_from(limit).unwrap_or(i64::MAX));
    let sql = format!(
        "select e.id, e.occurred_at, e.service, e.action, e.outcome, e.actor_kind, e.actor_id, \
                e.subject_kind, e.subject_id, e.details::text as details \
         from audit.events e where {} order by e.occurred_at desc, e.id desc limit {limit}",
        predicates.sql(),
    );
    let rows =
        tx.query_all_raw(Statement::from_sql_and_values(tx.get_database_backend(), sql, predicates.values)).await?;
    rows.iter().map(event_from_row).collect()
}

fn event_from_row(row: &QueryResult) -> Result<Event, DbErr> {
    let details: String = row.try_get("", "details")?;
    Ok(Event {
        id: row.try_get("", "id")?,
        occurred_at: row.try_get("", "occurred_at")?,
        service: row.try_get("", "service")?,
        action: row.try_get("", "action")?,
        outcome: row.try_get("", "outcome")?,
        actor_kind: row.try_get("", "actor_kind")?,
        actor_id: row.try_get("", "actor_id")?,
        subject_kind: row.try_get("", "subject_kind")?,
        subject_id: row.try_get("", "subject_id")?,
        details: serde_json::from_str(&details).map_err(|e| DbErr::Custom(format!("details: {e}")))?,
    })
}
