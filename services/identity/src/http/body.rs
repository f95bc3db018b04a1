//! [`Body`]: a JSON request body whose rejections are the admin API's own errors (JSON,
//! `IDENTITY_INVALID_INPUT`, 400) instead of axum's plain-text ones. Messages are fixed:
//! serde's would echo parts of the input (an email, say) back into responses and logs.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::error::Error;

pub(crate) struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(Error::invalid("body", reason(&rejection))),
        }
    }
}

fn reason(rejection: &JsonRejection) -> &'static str {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => "send JSON with content-type application/json",
        JsonRejection::JsonSyntaxError(_) => "is not valid JSON",
        JsonRejection::JsonDataError(_) => "a field is missing or has the wrong type",
        _ => "could not be read",
    }
}
