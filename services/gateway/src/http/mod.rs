//! HTTP routes of the gateway: `POST /graphql`, the WebSocket and GraphiQL at
//! `GET /graphql`, the SDL at `GET /schema.graphql`, document files at `/files/…`, and the
//! outside providers' page for shared records at `/shared-records/…`.

mod admission;
mod files;
mod post;
mod reply;
mod shared_records;
mod ws;

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/graphql", get(ws::get_graphql).post(post::post_graphql))
        .route("/schema.graphql", get(sdl))
        .merge(files::router())
        .merge(shared_records::router())
        .with_state(state)
}

async fn sdl(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    ([(CONTENT_TYPE, "text/plain; charset=utf-8")], state.schema.sdl()).into_response()
}

/// GraphiQL, in dev only: a page that runs queries with the token the developer pastes.
fn graphiql() -> Response {
    let page =
        async_graphql::http::GraphiQLSource::build().endpoint("/graphql").subscription_endpoint("/graphql").finish();
    Html(page).into_response()
}
