//! [`Body`]: a JSON request body of the expected shape, or 400 `CONSENT_INVALID_INPUT`. The
//! refusal never quotes the body (it may hold a typed name) nor serde's message (which
//! would).

use axum::Json;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::error::Error;

pub(crate) struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(_) => Err(Error::invalid("body", "not JSON of the expected shape")),
        }
    }
}
