//! Signing: the signature request, the signed document (immutable once signed; a consent
//! is withdrawn by a record of its own), and the readiness answer other services ask for.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tp_ids::UserId;
use uuid::Uuid;

use crate::templates::{DocumentKind, TemplateKey};

/// `POST …/consent-documents`: the client signs the template they were shown. A version or
/// hash that is not the template's current one answers 409 (read it again); the typed name
/// is 1–200 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInput {
    pub template: TemplateKey,
    pub version: u32,
    pub text_sha256: String,
    pub typed_name: String,
}

/// A signed document. `text` is what was signed, exactly; `ip` and `user_agent` are as the
/// gateway saw the client's request; `withdrawn_at` is set once the client withdrew it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub id: Uuid,
    pub client_id: UserId,
    pub template: TemplateKey,
    pub kind: DocumentKind,
    pub title: String,
    pub version: u32,
    pub text: String,
    pub text_sha256: String,
    pub typed_name: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub signed_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

/// `GET …/consent-documents`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureList {
    pub signatures: Vec<Signature>,
}

/// `GET /internal/v1/…/consent-readiness`: whether the client may book a first appointment
/// (every required template signed at some version and not withdrawn), the titles still to
/// sign, and whether they consented to session recording (a signed recording document not
/// withdrawn).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Readiness {
    pub ready_to_book: bool,
    pub missing: Vec<MissingDocument>,
    pub recording_consented: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingDocument {
    pub template: TemplateKey,
    pub title: String,
}
