//! [`AuditEvent`]: one audited fact (who did what to which subject, for which tenant, and how
//! it ended), built with typed parts so that no free text reaches the log.
//!
//! Never PHI: a subject is a kind and an id, details are a small map whose keys are code
//! constants and whose values are codes or ids (a reason code, a client id, a count), never
//! names, emails, notes or anything a person typed.

use std::collections::BTreeMap;

use tp_ids::{ClientId, RequestId, TenantId, UserId};

use crate::action::Action;

/// How the attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Failed for a reason other than authorisation (a wrong password, an expired code).
    Failure,
    /// Refused by an authorisation rule.
    Denied,
}

impl Outcome {
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }
}

/// Who acted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    User(UserId),
    Client(ClientId),
    /// A background job or the CLI, named by a constant (`"session-sweeper"`).
    System(&'static str),
    /// Nobody authenticated yet (a failed sign-in for an unknown account).
    Anonymous,
}

impl Actor {
    pub(crate) const fn kind(&self) -> &'static str {
        match self {
            Actor::User(_) => "user",
            Actor::Client(_) => "client",
            Actor::System(_) => "system",
            Actor::Anonymous => "anonymous",
        }
    }

    pub(crate) fn id(&self) -> Option<String> {
        match self {
            Actor::User(user) => Some(user.to_string()),
            Actor::Client(client) => Some(client.to_string()),
            Actor::System(name) => Some((*name).to_owned()),
            Actor::Anonymous => None,
        }
    }
}

impl From<&tp_auth::Actor> for Actor {
    fn from(actor: &tp_auth::Actor) -> Self {
        match actor {
            tp_auth::Actor::User(user) => Actor::User(*user),
            tp_auth::Actor::Client(client) => Actor::Client(client.clone()),
        }
    }
}

/// What was acted on: a kind (`"account"`, `"session"`, `"api_client"`) and its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub(crate) kind: &'static str,
    pub(crate) id: String,
}

impl Subject {
    /// `id` is an identifier (a typed id's Display), never a name or an email.
    pub fn new(kind: &'static str, id: impl ToString) -> Self {
        Self { kind, id: id.to_string() }
    }
}

/// One event, written by [`crate::record`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub(crate) action: Action,
    pub(crate) outcome: Outcome,
    pub(crate) actor: Actor,
    /// `None` for platform-level events (no tenant is known, or an operator acted).
    pub(crate) tenant: Option<TenantId>,
    pub(crate) subject: Option<Subject>,
    pub(crate) request_id: Option<RequestId>,
    /// Never PHI: keys are constants, values codes or ids (see the module docs).
    pub(crate) details: BTreeMap<&'static str, String>,
}

impl AuditEvent {
    /// A platform-level event; add [`AuditEvent::tenant`] for a tenant's.
    pub const fn new(action: Action, outcome: Outcome, actor: Actor) -> Self {
        Self { action, outcome, actor, tenant: None, subject: None, request_id: None, details: BTreeMap::new() }
    }

    /// The tenant the event belongs to. It must be the tenant of the transaction it is
    /// written in: the table refuses anything else.
    #[must_use]
    pub const fn tenant(mut self, tenant: TenantId) -> Self {
        self.tenant = Some(tenant);
        self
    }

    #[must_use]
    pub fn subject(mut self, subject: Subject) -> Self {
        self.subject = Some(subject);
        self
    }

    #[must_use]
    pub const fn request_id(mut self, request_id: RequestId) -> Self {
        self.request_id = Some(request_id);
        self
    }

    /// Adds a detail. Never PHI: `value` is a code, an id or a count.
    #[must_use]
    pub fn detail(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.details.insert(key, value.into());
        self
    }

    pub const fn action(&self) -> Action {
        self.action
    }

    pub const fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// The tenant the event belongs to (`None`: platform-level), so a writer can open the
    /// transaction the table's insert policy demands for it.
    pub const fn tenant_id(&self) -> Option<TenantId> {
        self.tenant
    }
}
