//! Intake and assessment forms: practice templates (JSON Schemas, versioned), responses to a
//! template version or to a built-in instrument (PHQ-9, GAD-7, scored here), and a client's
//! score history per instrument.
//!
//! Templates hold questions, not answers: any member who manages or fills in forms reads
//! them, and only saving one is audited. Responses and scores are PHI: submitting needs
//! `FormsRespond` (a client for themself, a clinician for a client on their care team),
//! reading needs `ClinicalRead`, both through `admit_clinical`, each audited in the
//! transaction of the access. Answers and scores are sealed bound to the response and its
//! client. A refused response names the rule it broke, never a value it contained.
//!
//! Not here: editing or deleting a response (a response is a record of what was answered).

use anyhow::anyhow;
use tp_audit_log::Outcome;
use tp_audit_log::action::records::{
    ASSESSMENT_HISTORY_READ, FORM_RESPONSE_SUBMITTED, FORM_RESPONSES_READ, FORM_TEMPLATE_SAVED,
};
use tp_authz::Permission;
use tp_crypto::FieldContext;
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use tp_records_api::forms::{
    Answers, AssessmentHistory, FormResponse, FormResponseList, FormTemplate, FormTemplateList, Instrument,
    ResponseInput, Score, ScorePoint, TemplateInput,
};
use uuid::Uuid;

use crate::audit::{Caller, record};
use crate::chart::access::{admit, admit_clinical};
use crate::db::forms::{self as rows, NewResponse, ResponseRow, TemplateRow};
use crate::domain::form_schema::{Refusal, check_answers, check_answers_shape, check_template};
use crate::domain::instrument;
use crate::error::Error;
use crate::state::AppState;

const TABLE: &str = "records.form_responses";

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        Error::invalid(refusal.field, refusal.reason)
    }
}

/// The latest version of each of the practice's templates.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn templates(state: &AppState, caller: &Caller<'_>, tenant: TenantId) -> Result<FormTemplateList, Error> {
    if tp_authz::authorize(caller.principal, Some(tenant), Permission::FormTemplatesManage).is_err() {
        tp_authz::authorize(caller.principal, Some(tenant), Permission::FormsRespond)?;
    }
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let rows = rows::latest_templates(&tx).await?;
    tx.commit().await?;
    Ok(FormTemplateList { templates: rows.into_iter().map(template).collect::<Result<_, _>>()? })
}

/// A template: version 1 of a new one, or (with `id`) the next version of an existing one.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn save_template(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    id: Option<Uuid>,
    input: TemplateInput,
) -> Result<FormTemplate, Error> {
    admit(state, caller, tenant, None, Permission::FormTemplatesManage, FORM_TEMPLATE_SAVED).await?;
    let title = check_template(&input.title, &input.schema)?;
    let by = caller_user(caller)?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = rows::insert_template(&tx, id.unwrap_or_else(Uuid::now_v7), id.is_some(), (&title, &input.schema, by))
        .await?
        .ok_or(Error::NotFound)?;
    let event = caller
        .event(FORM_TEMPLATE_SAVED, Outcome::Success, tenant, None)
        .detail("template_id", row.id.to_string())
        .detail("version", row.version.to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    template(row)
}

fn caller_user(caller: &Caller<'_>) -> Result<UserId, Error> {
    match caller.principal.actor() {
        tp_auth::Actor::User(user) => Ok(*user),
        _ => Err(Error::Forbidden),
    }
}

/// A response for `client`, validated against what it answers, sealed, audited.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn submit(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: UserId,
    input: ResponseInput,
) -> Result<FormResponse, Error> {
    let reach =
        admit_clinical(state, caller, tenant, client, Permission::FormsRespond, FORM_RESPONSE_SUBMITTED).await?;
    let (template, instrument, score) = validate(state, tenant, &input).await?;
    let id = Uuid::now_v7();
    let seal = Seal { state, tenant, client, response: id };
    let answers = seal.seal("answers", &to_json(&input.answers)?).await?;
    let sealed_score = match &score {
        Some(score) => Some(seal.seal("score", &to_json(score)?).await?),
        None => None,
    };
    let new = NewResponse {
        id,
        client,
        template,
        instrument: instrument.map(Instrument::code),
        answers,
        score: sealed_score,
        responded_by: reach.user(),
    };
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = rows::insert_response(&tx, new).await?;
    record(&*tx, &reach.event(caller, FORM_RESPONSE_SUBMITTED, tenant, client).detail("response_id", id.to_string()))
        .await?;
    tx.commit().await?;
    wire(row, input.answers, score)
}

type Validated = (Option<(Uuid, i32)>, Option<Instrument>, Option<Score>);

/// What the response answers, once its answers are valid for it, and an instrument's score.
/// The template is read in a transaction of its own, closed before sealing (which may wait on
/// Vault); versions never change, so nothing can move in between.
async fn validate(state: &AppState, tenant: TenantId, input: &ResponseInput) -> Result<Validated, Error> {
    check_answers_shape(&input.answers)?;
    match input.form {
        Answers::Template { template_id, version } => {
            let version = i32::try_from(version).map_err(|_| Error::NotFound)?;
            let tx = TenantTx::begin(&state.db, tenant).await?;
            let row = rows::template_version(&tx, template_id, version).await?.ok_or(Error::NotFound)?;
            tx.commit().await?;
            check_answers(&row.schema, &input.answers)?;
            Ok((Some((template_id, version)), None, None))
        }
        Answers::Instrument { instrument: which } => {
            let items = instrument::parse(which, &input.answers).map_err(|invalid| match invalid {
                instrument::Invalid::ItemCount => Error::invalid("answers", "must list every item of the instrument"),
                instrument::Invalid::ItemValue => Error::invalid("answers", "each item must be an integer from 0 to 3"),
            })?;
            Ok((None, Some(which), Some(instrument::score(which, &items))))
        }
    }
}

/// Every response of the client, decrypted, oldest first; one audit event for the list.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn responses(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: UserId,
) -> Result<FormResponseList, Error> {
    let reach = admit_clinical(state, caller, tenant, client, Permission::ClinicalRead, FORM_RESPONSES_READ).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let responses = all_responses(state, &tx, client).await?;
    let event =
        reach.event(caller, FORM_RESPONSES_READ, tenant, client).detail("responses", responses.len().to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(FormResponseList { responses })
}

/// Every response of the client, decrypted, oldest first, read in the caller's transaction
/// (which has admitted and audits the access: `responses` and the chart export).
pub(crate) async fn all_responses(state: &AppState, tx: &TenantTx, client: UserId) -> Result<Vec<FormResponse>, Error> {
    let tenant = tx.tenant();
    let mut responses = Vec::new();
    for row in rows::responses(tx, client, None).await? {
        let seal = Seal { state, tenant, client, response: row.id };
        let answers = serde_json::from_slice(&seal.open("answers", &row.answers).await?)
            .map_err(|_| Error::Internal(anyhow!("answers are not JSON")))?;
        let score = seal.open_score(row.score.as_deref()).await?;
        responses.push(wire(row, answers, score)?);
    }
    Ok(responses)
}

/// The client's scores on `instrument`, oldest first (answers are not opened).
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn history(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: UserId,
    instrument: Instrument,
) -> Result<AssessmentHistory, Error> {
    let reach =
        admit_clinical(state, caller, tenant, client, Permission::ClinicalRead, ASSESSMENT_HISTORY_READ).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let mut scores = Vec::new();
    for row in rows::responses(&tx, client, Some(instrument.code())).await? {
        let seal = Seal { state, tenant, client, response: row.id };
        let score = seal.open_score(row.score.as_deref()).await?.ok_or_else(|| Error::Internal(anyhow!("no score")))?;
        scores.push(ScorePoint { response_id: row.id, score, created_at: row.created_at });
    }
    let event = reach.event(caller, ASSESSMENT_HISTORY_READ, tenant, client).detail("instrument", instrument.code());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(AssessmentHistory { instrument, scores })
}

struct Seal<'a> {
    state: &'a AppState,
    tenant: TenantId,
    client: UserId,
    response: Uuid,
}

impl Seal<'_> {
    async fn seal(&self, column: &str, plaintext: &[u8]) -> Result<Vec<u8>, Error> {
        let column = format!("{column}:{}", self.client);
        let field = FieldContext::new(TABLE, &column, self.response);
        Ok(self.state.keyring.encrypt(&self.tenant, &field, plaintext).await?)
    }

    async fn open(&self, column: &str, ciphertext: &[u8]) -> Result<zeroize::Zeroizing<Vec<u8>>, Error> {
        let column = format!("{column}:{}", self.client);
        let field = FieldContext::new(TABLE, &column, self.response);
        Ok(self.state.keyring.decrypt(&self.tenant, &field, ciphertext).await?)
    }

    async fn open_score(&self, ciphertext: Option<&[u8]>) -> Result<Option<Score>, Error> {
        let Some(ciphertext) = ciphertext else { return Ok(None) };
        let json = self.open("score", ciphertext).await?;
        Ok(Some(serde_json::from_slice(&json).map_err(|_| Error::Internal(anyhow!("a score is not a score")))?))
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(value).map_err(|e| Error::Internal(e.into()))
}

fn template(row: TemplateRow) -> Result<FormTemplate, Error> {
    Ok(FormTemplate {
        id: row.id,
        version: u32::try_from(row.version).map_err(|e| Error::Internal(e.into()))?,
        title: row.title,
        schema: row.schema,
        created_by: row.created_by,
        created_at: row.created_at,
    })
}

fn wire(row: ResponseRow, answers: serde_json::Value, score: Option<Score>) -> Result<FormResponse, Error> {
    let form = match (row.instrument.as_deref().and_then(Instrument::parse), row.template_id, row.template_version) {
        (Some(instrument), _, _) => Answers::Instrument { instrument },
        (None, Some(template_id), Some(version)) => {
            Answers::Template { template_id, version: u32::try_from(version).map_err(|e| Error::Internal(e.into()))? }
        }
        _ => return Err(Error::Internal(anyhow!("a response answers nothing"))),
    };
    Ok(FormResponse {
        id: row.id,
        client_id: row.client,
        form,
        answers,
        score,
        responded_by: row.responded_by,
        created_at: row.created_at,
    })
}
