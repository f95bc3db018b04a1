//! The admin API (`/v1/tenants/...`) and the internal care-team check, driven over HTTP with
//! real tokens: the operator boundary, tenant isolation, lifecycle and crypto-shredding.

mod care_teams;
mod directory;
mod events;
mod harness;
mod lifecycle;
mod matrix;
mod me;
mod members;
mod operators;
mod records_link;
