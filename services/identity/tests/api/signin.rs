//! The browser half of the OpenID provider against the real service: the authorize
//! endpoint's validation and redirects, the sign-in pages driven like a browser (cookie
//! store, redirects not followed, CSRF fields read from the HTML), MFA, the practice
//! chooser, timeouts and sign-out.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test helpers: a failed step is a broken test"
)]

pub mod harness;
mod mfa;
mod practices;
mod refusals;
mod sessions;
mod sign_in;
mod step_up;
