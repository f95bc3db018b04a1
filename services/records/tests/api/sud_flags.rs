//! The SUD flag (42 CFR Part 2) on notes, diagnoses, medications and documents: set, changed
//! and read back on each kind (a diagnosis code of F10–F16, F18, F19 flags it whatever the
//! flag says), fixed when a note is signed, its own on an amendment; a note body sealed
//! before the flag existed still opens; and at rest the flag is inside the ciphertexts only:
//! no column, no row of its own.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tp_crypto::FieldContext;
use tp_records_api::documents::SUD_HEADER;
use tp_records_api::paths;
use uuid::Uuid;

use crate::care_team::{CareTeam, care_team, holds};
use crate::harness::{Person, code, exec, keyring, query};

fn soap(text: &str, sud: Option<bool>) -> Value {
    let mut note = json!({ "template": "soap", "sections": { "subjective": text } });
    if let Some(sud) = sud {
        note["sud"] = json!(sud);
    }
    note
}

async fn created(c: &CareTeam, path: &str, body: Value) -> Value {
    let (status, body) = c.call(&c.clinician, Method::POST, path, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

/// `POST` a text document as the care team's clinician, with the SUD header when given.
pub async fn upload(c: &CareTeam, who: &Person, sud: Option<&str>, content: &[u8]) -> (StatusCode, Value) {
    let url = format!("{}{}", c.p.records.address, paths::documents(c.tenant, c.client.user));
    let mut request =
        c.p.http.post(url).bearer_auth(&who.token).header("x-document-title", "Referral").body(content.to_vec());
    if let Some(sud) = sud {
        request = request.header(SUD_HEADER, sud);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_notes_flag_is_set_on_create_and_edit_fixed_at_signing_and_an_amendment_has_its_own() {
    // Arrange
    let c = care_team().await;
    let (t, client) = (c.tenant, c.client.user);

    // Act: a draft created flagged, edited unflagged, edited flagged again, then signed.
    let draft = created(&c, &paths::notes(t, client), soap("Cravings-Walrus", Some(true))).await;
    let id: Uuid = draft["id"].as_str().unwrap().parse().unwrap();
    let (_, unflagged) = c.call(&c.clinician, Method::PUT, &paths::note(t, client, id), Some(soap("a", None))).await;
    let (_, flagged) =
        c.call(&c.clinician, Method::PUT, &paths::note(t, client, id), Some(soap("b", Some(true)))).await;
    let (status, signed) = c.call(&c.clinician, Method::POST, &paths::note_sign(t, client, id), None).await;
    assert_eq!(status, StatusCode::OK, "{signed}");
    let amendment = created(&c, &paths::note_amendments(t, client, id), soap("corrected", Some(false))).await;
    let plain = created(&c, &paths::notes(t, client), soap("no flag given", None)).await;

    // Assert
    assert_eq!(draft["sud"], true);
    assert_eq!(unflagged["sud"], false, "an edit without the flag unflags the draft");
    assert_eq!(flagged["sud"], true);
    assert_eq!(signed["sud"], true, "signing keeps the flag");
    assert_eq!(amendment["sud"], false, "an amendment carries its own flag");
    assert_eq!(plain["sud"], false, "absent is false");
    let (_, read) = c.call(&c.clinician, Method::GET, &paths::note(t, client, id), None).await;
    assert_eq!((read["sud"].clone(), read["content_hash"].clone()), (json!(true), signed["content_hash"].clone()));
    // The client's own view shows their signed notes as they are, flag included.
    let (status, own) = c.call(&c.client, Method::GET, &paths::notes(t, client), None).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    let flags: Vec<&Value> = own["notes"].as_array().unwrap().iter().map(|n| &n["sud"]).collect();
    assert_eq!(flags, [&json!(true)]);
    // Another practice's clinician reaches none of it.
    let stranger = c.p.person(c.other, &["clinician"]).await;
    let (status, _) = c.call(&stranger, Method::GET, &paths::note(t, client, id), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_flag_round_trips_on_diagnoses_medications_and_documents_and_sud_codes_flag_themselves() {
    // Arrange
    let c = care_team().await;
    let (t, client) = (c.tenant, c.client.user);
    let diagnosis = |code: &str, sud: bool| json!({ "code": code, "description": "d", "status": "active", "onset_date": null, "sud": sud });

    // Act
    let flagged = created(&c, &paths::diagnoses(t, client), diagnosis("F41.1", true)).await;
    let by_code = created(&c, &paths::diagnoses(t, client), diagnosis("f10.20", false)).await;
    let nicotine = created(&c, &paths::diagnoses(t, client), diagnosis("F17.210", false)).await;
    let unflagged_body = json!({ "code": "F32.1", "description": "d", "status": "active", "onset_date": null });
    let unflagged = created(&c, &paths::diagnoses(t, client), unflagged_body).await;
    let medication = json!({ "name": "Buprenorphine", "dose": "8 mg", "frequency": "daily", "prescriber": null,
        "started_on": null, "stopped_on": null, "sud": true });
    let medication = created(&c, &paths::medications(t, client), medication).await;
    let (status, document) = upload(&c, &c.clinician, Some("true"), b"Intake: Cravings-Walrus").await;
    assert_eq!(status, StatusCode::CREATED, "{document}");
    let (_, plain_document) = upload(&c, &c.clinician, None, b"Ordinary letter").await;
    let (status, refused) = upload(&c, &c.clinician, Some("yes"), b"Misspelt flag").await;
    let id: Uuid = flagged["id"].as_str().unwrap().parse().unwrap();
    let path = paths::diagnosis(t, client, id);
    let (_, cleared) = c.call(&c.clinician, Method::PUT, &path, Some(diagnosis("F41.1", false))).await;

    // Assert: on the answers, and as the client's own views read them back.
    assert_eq!(flagged["sud"], true);
    assert_eq!((by_code["sud"].clone(), by_code["code"].clone()), (json!(true), json!("F10.20")));
    assert_eq!(nicotine["sud"], false, "F17 (nicotine) is not a Part 2 code");
    assert_eq!(unflagged["sud"], false);
    assert_eq!(cleared["sud"], false);
    assert_eq!(medication["sud"], true);
    assert_eq!((document["sud"].clone(), plain_document["sud"].clone()), (json!(true), json!(false)));
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(code(&refused), "RECORDS_INVALID_INPUT");
    assert!(refused["error"]["message"].as_str().unwrap().contains(SUD_HEADER), "{refused}");
    let flags = |list: &Value, key: &str| -> Vec<Value> {
        list[key].as_array().unwrap().iter().map(|item| item["sud"].clone()).collect()
    };
    let (_, diagnoses) = c.call(&c.client, Method::GET, &paths::diagnoses(t, client), None).await;
    assert_eq!(flags(&diagnoses, "diagnoses"), [json!(false), json!(true), json!(false), json!(false)]);
    let (_, medications) = c.call(&c.client, Method::GET, &paths::medications(t, client), None).await;
    assert_eq!(flags(&medications, "medications"), [json!(true)]);
    let (_, documents) = c.call(&c.client, Method::GET, &paths::documents(t, client), None).await;
    assert_eq!(flags(&documents, "documents"), [json!(true), json!(false)], "the refused upload stored nothing");
    let stranger = c.p.person(c.other, &["clinician"]).await;
    let (status, _) = c.call(&stranger, Method::GET, &paths::diagnoses(t, client), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_note_body_sealed_before_the_flag_existed_still_opens_unflagged_and_signs() {
    // Arrange: a draft whose body is replaced by a bare sections map, sealed for its place
    // exactly as records sealed bodies before the flag.
    let c = care_team().await;
    let (t, client) = (c.tenant, c.client.user);
    let draft = created(&c, &paths::notes(t, client), soap("new format", Some(true))).await;
    let id: Uuid = draft["id"].as_str().unwrap().parse().unwrap();
    let sections = json!({ "subjective": "Old-Format-Otter", "objective": "", "assessment": "", "plan": "" });
    let field = FieldContext::new("records.notes", "body", id);
    let old = keyring().await.encrypt(&t, &field, sections.to_string().as_bytes()).await.unwrap();
    let sql = "update records.notes set body = $1 where tenant_id = $2 and id = $3";
    exec(&c.p.records_admin, sql, vec![old.into(), Uuid::from(t).into(), id.into()]).await;

    // Act
    let (status, read) = c.call(&c.clinician, Method::GET, &paths::note(t, client, id), None).await;
    let (signed_status, signed) = c.call(&c.clinician, Method::POST, &paths::note_sign(t, client, id), None).await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!((read["sud"].clone(), read["sections"].clone()), (json!(false), sections));
    assert_eq!(signed_status, StatusCode::OK, "{signed}");
    assert_eq!(signed["sud"], false);
}

#[tokio::test]
async fn at_rest_the_flag_is_only_inside_ciphertexts_never_a_column_or_a_row_of_its_own() {
    // Arrange: one flagged item of each kind, and the same unflagged, for one client.
    let c = care_team().await;
    let (t, client) = (c.tenant, c.client.user);
    for sud in [true, false] {
        created(&c, &paths::notes(t, client), soap("s", Some(sud))).await;
        let diagnosis =
            json!({ "code": "F41.1", "description": "d", "status": "active", "onset_date": null, "sud": sud });
        created(&c, &paths::diagnoses(t, client), diagnosis).await;
        let medication = json!({ "name": "m", "dose": "d", "frequency": "f", "prescriber": null,
            "started_on": null, "stopped_on": null, "sud": sud });
        created(&c, &paths::medications(t, client), medication).await;
        let (status, _) = upload(&c, &c.clinician, Some(if sud { "true" } else { "false" }), b"letter").await;
        assert_eq!(status, StatusCode::CREATED);
    }

    // Act: the raw rows as the superuser sees them, and every column of records' schema.
    let tables = [
        ("records.notes", "body"),
        ("records.diagnoses", "body"),
        ("records.medications", "body"),
        ("records.documents", "meta"),
    ];
    for (table, column) in tables {
        let sql = format!("select {column} as sealed from {table} where tenant_id = $1");
        let rows = query(&c.p.records_admin, &sql, vec![Uuid::from(t).into()]).await;

        // Assert: two rows each (flagged or not, the same kind of row), no plaintext flag.
        assert_eq!(rows.len(), 2, "{table}");
        for row in rows {
            let sealed: Vec<u8> = row.try_get("", "sealed").unwrap();
            assert!(!holds(&sealed, "sud") && !holds(&sealed, "true"), "{table}.{column} holds a plaintext flag");
        }
    }
    let sql = "select table_name, column_name from information_schema.columns \
               where table_schema = 'records' and (column_name ilike '%sud%' or column_name ilike '%part2%')";
    assert!(query(&c.p.records_admin, sql, vec![]).await.is_empty(), "no column holds the flag");
    let sql = "select table_name from information_schema.tables \
               where table_schema = 'records' and (table_name ilike '%sud%' or table_name ilike '%part2%')";
    assert!(query(&c.p.records_admin, sql, vec![]).await.is_empty(), "no table of flagged rows");
    // The other practice has no row at all.
    let sql = "select count(*) as n from records.notes where tenant_id = $1";
    let n: i64 = query(&c.p.records_admin, sql, vec![Uuid::from(c.other).into()]).await[0].try_get("", "n").unwrap();
    assert_eq!(n, 0);
}
