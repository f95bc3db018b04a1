//! Audit events: placeholder until the identity issue lands it.
