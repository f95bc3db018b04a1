//! `POST /oauth2/tenant`: the practice chooser's buttons. Only one of the person's own
//! active memberships in an active practice is accepted; a forged id is a 403 page.
//!
//! The choice is fixed on the session once (one token is for one practice). Working in
//! another practice means a new authorization with `prompt=select_account` (or `login`),
//! which signs in afresh and shows the chooser again.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum_extra::extract::Form;
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;
use tp_audit_log::action::identity::SIGN_IN_FAILED;
use tp_audit_log::{Actor, AuditEvent, Outcome, Subject};
use tp_ids::TenantId;

use super::authorize::{continue_with_session, fail, load_request, render, session_token};
use crate::error::Error;
use crate::http::csrf;
use crate::http::pages::signin as pages;
use crate::signin::flow;
use crate::signin::session;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/oauth2/tenant", post(choose))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TenantForm {
    csrf: String,
    request: String,
    tenant: String,
}

async fn choose(State(state): State<AppState>, jar: CookieJar, Form(form): Form<TenantForm>) -> Response {
    if let Err(rejected) = csrf::verify(&jar, &form.csrf) {
        return rejected.into_response();
    }
    let request = match load_request(&state, &form.request).await {
        Ok(request) => request,
        Err(page) => return page,
    };
    let current = match session::current(&state, session_token(&jar)).await {
        Ok(Some(current)) => current,
        Ok(None) => return continue_with_session(&state, jar, &request).await,
        Err(err) => return fail(err),
    };
    let Ok(tenant) = TenantId::parse(&form.tenant) else { return pages::not_your_practice() };
    match flow::choose_tenant(&state, &current, tenant, &request).await {
        Ok(step) => render(&state, jar, &request, step).await,
        Err(Error::Forbidden) => {
            // Platform-level: the practice named is not the person's, so its log is not theirs.
            let event = AuditEvent::new(SIGN_IN_FAILED, Outcome::Denied, Actor::User(current.user))
                .subject(Subject::new("session", current.id))
                .detail("reason", "not_a_member");
            match crate::audit::emit(&state.db, event).await {
                Ok(()) => pages::not_your_practice(),
                Err(err) => fail(err),
            }
        }
        Err(err) => fail(err),
    }
}
