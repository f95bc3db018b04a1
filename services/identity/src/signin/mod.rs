//! The browser half of the OpenID provider: validating authorization requests, the
//! session a person signs in with (password, second factor, practice), the state machine
//! that leads to a code, and sign-out. HTTP framing and pages live in `http::{authorize,
//! login, mfa, tenant_choice, end_session}` and `http::pages::signin`.

pub(crate) mod federated;
pub(crate) mod flow;
pub(crate) mod logout;
pub(crate) mod password;
pub(crate) mod policy;
pub(crate) mod request;
pub(crate) mod second_factor;
pub(crate) mod session;
