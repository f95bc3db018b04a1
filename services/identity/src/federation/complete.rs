//! The hand-over point between federation and the sign-in flow: called once a practice's
//! IdP vouched for a linked member. This placeholder only confirms the sign-in; the sign-in
//! flow replaces it with session creation and the redirect that carries the authorization
//! code for `request`. It shows ids only: no name, no email.

use axum::response::{Html, IntoResponse, Response};

use super::sign_in::{AuthorizationRequestId, FederatedSignIn};
use crate::state::AppState;

pub(crate) async fn complete_federated_sign_in(
    _state: &AppState,
    signin: FederatedSignIn,
    _request: AuthorizationRequestId,
) -> Response {
    let page = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signed in</title></head>\n\
         <body><h1>Signed in</h1>\n<p>Signed in as user <code id=\"user\">{}</code> of practice \
         <code id=\"tenant\">{}</code>.</p></body></html>\n",
        signin.user, signin.tenant
    );
    Html(page).into_response()
}
