//! The audit log every service writes: the event type ([`AuditEvent`]), the writer
//! ([`record`]), the `audit.events` table ([`migration`]), and the events of a caller about
//! a client's record ([`client_event`], [`record_refusal`]).
//!
//! An event is written with one INSERT on the caller's own transaction, so it commits or
//! rolls back together with the access it describes: there is no audited change without its
//! event and no event for a change that did not happen. The table is append-only for
//! everyone (grants, RLS and a trigger that even the owner and superusers meet), and a
//! writer can only append events of the tenant its transaction is scoped to.
//!
//! Deliberately not here: reading, sealing (hash chain) and exporting the log, which are the
//! audit service's; and any PHI: events carry ids, codes and small allow-listed details only.

pub mod action;
mod caller;
mod event;
pub mod migration;
mod record;

pub use action::Action;
pub use caller::{client_event, record_refusal};
pub use event::{Actor, AuditEvent, Outcome, Subject};
pub use record::{AuditError, record};
