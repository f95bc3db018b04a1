//! consent's rules, without I/O: what a template's title and body may be, what a signature
//! must quote, who reaches whose documents, which keys a practice may require, and the
//! readiness answer computed from what a client signed; what an authorization may say and
//! the disclosure decision table; the secrets of an outside provider's link.

pub mod access;
pub mod authorization;
pub mod decision;
pub mod evidence;
pub mod link;
pub mod readiness;
mod refusal;
pub mod requirements;
pub mod signing;
pub mod template;
pub mod transfer;

pub use refusal::Refusal;
