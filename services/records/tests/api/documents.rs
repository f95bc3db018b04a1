//! Documents: the 20 MiB limit to the byte, the type sniffed from the content whatever the
//! name says, ciphertext at rest bound to the document and its client, who may upload, list
//! and download, another practice, and the audit trail.

use reqwest::{Method, StatusCode};
use serde_json::Value;
use tp_ids::TenantId;
use tp_records_api::documents::MAX_DOCUMENT_BYTES;
use tp_records_api::paths;
use uuid::Uuid;

use crate::care_team::care_team as setup;
use crate::harness::{Event, Person, Platform, code, exec, query};

const SECRET: &str = "Quokka-Lantern disclosed";

/// `POST` a raw upload, declared as a PDF named `report.pdf` whatever it really is.
async fn upload(
    p: &Platform,
    who: &Person,
    tenant: TenantId,
    client: &Person,
    content: Vec<u8>,
) -> (StatusCode, Value) {
    let url = format!("{}{}", p.records.address, paths::documents(tenant, client.user));
    let response = p
        .http
        .post(url)
        .bearer_auth(&who.token)
        .header("content-type", "application/pdf")
        .header("x-document-title", "Intake%20letter%20%E2%80%94%20Quokka-Lantern")
        .header("x-document-filename", "report.pdf")
        .body(content)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// `GET` a document's content: status, content type and bytes.
async fn download(
    p: &Platform,
    who: &Person,
    tenant: TenantId,
    client: &Person,
    id: &str,
) -> (StatusCode, String, Vec<u8>) {
    let path = paths::document_content(tenant, client.user, id.parse().unwrap());
    let response = p.http.get(format!("{}{path}", p.records.address)).bearer_auth(&who.token).send().await.unwrap();
    let status = response.status();
    let kind = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, kind, response.bytes().await.unwrap().to_vec())
}

fn pdf(len: usize) -> Vec<u8> {
    let mut content = b"%PDF-1.7\n".to_vec();
    content.resize(len, b' ');
    content
}

fn text() -> Vec<u8> {
    format!("Session summary: {SECRET}.\n").into_bytes()
}

#[tokio::test]
async fn exactly_20_mib_is_stored_and_one_byte_more_is_refused_with_413() {
    let s = setup().await;

    let (status, body) = upload(&s.p, &s.clinician, s.tenant, &s.client, pdf(MAX_DOCUMENT_BYTES)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["size_bytes"], MAX_DOCUMENT_BYTES);
    assert_eq!(body["media_type"], "application/pdf");

    let (status, body) = upload(&s.p, &s.clinician, s.tenant, &s.client, pdf(MAX_DOCUMENT_BYTES + 1)).await;
    assert_eq!((status, code(&body)), (StatusCode::PAYLOAD_TOO_LARGE, "RECORDS_DOCUMENT_TOO_LARGE"), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("20 MiB"), "{body}");
    let (status, list) = s.p.call(&s.clinician, Method::GET, &paths::documents(s.tenant, s.client.user), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["documents"].as_array().unwrap().len(), 1, "the refused upload left nothing");
}

#[tokio::test]
async fn the_type_comes_from_the_content_and_a_program_or_page_named_pdf_is_refused_with_415() {
    let s = setup().await;
    let refused: [(&str, &[u8]); 4] = [
        ("PE", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"),
        ("ELF", b"\x7fELF\x02\x01\x01\x00\x00\x00"),
        ("HTML", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
        ("SVG", b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"),
    ];
    for (what, content) in refused {
        let (status, body) = upload(&s.p, &s.clinician, s.tenant, &s.client, content.to_vec()).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "RECORDS_DOCUMENT_TYPE_REFUSED"),
            "{what}: {body}"
        );
    }

    // A PNG declared as a PDF is stored, and served, as the PNG it is.
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    let (status, body) = upload(&s.p, &s.clinician, s.tenant, &s.client, png.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!((body["media_type"].as_str(), body["filename"].as_str()), (Some("image/png"), Some("report.pdf")));
    let (status, kind, bytes) = download(&s.p, &s.clinician, s.tenant, &s.client, body["id"].as_str().unwrap()).await;
    assert_eq!((status, kind.as_str(), bytes), (StatusCode::OK, "image/png", png));
    let (status, body) = upload(&s.p, &s.clinician, s.tenant, &s.client, Vec::new()).await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "RECORDS_INVALID_INPUT"), "{body}");
}

#[tokio::test]
async fn raw_rows_hold_no_plaintext_and_a_ciphertext_moved_to_another_client_does_not_decrypt() {
    let s = setup().await;
    let other_client = s.p.person(s.tenant, &["client"]).await;
    s.p.assign(s.tenant, s.clinician.user, other_client.user).await;
    let (_, mine) = upload(&s.p, &s.clinician, s.tenant, &s.client, text()).await;
    assert_eq!(mine["title"], "Intake letter — Quokka-Lantern", "{mine}");
    assert_eq!(mine["media_type"], "text/plain");
    let (_, theirs) = upload(&s.p, &s.clinician, s.tenant, &other_client, b"harmless".to_vec()).await;

    // At rest: no column of the row, read as superuser, holds the title, name, text or digest.
    let sql = "select meta, content from records.documents where tenant_id = $1";
    let rows = query(&s.p.records_admin, sql, vec![Uuid::from(s.tenant).into()]).await;
    let digest = mine["sha256"].as_str().unwrap();
    for row in &rows {
        for column in ["meta", "content"] {
            let bytes: Vec<u8> = row.try_get("", column).unwrap();
            for needle in ["Quokka", "Intake letter", "report.pdf", "Session summary", digest] {
                assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_bytes()), "{column} holds {needle}");
            }
        }
    }

    // Moved: my document's ciphertexts into the other client's document row.
    let sql = "update records.documents t set meta = s.meta, content = s.content \
               from records.documents s where s.id = $1 and t.id = $2";
    let (mine_id, theirs_id) = (mine["id"].as_str().unwrap(), theirs["id"].as_str().unwrap());
    exec(
        &s.p.records_admin,
        sql,
        vec![Uuid::parse_str(mine_id).unwrap().into(), Uuid::parse_str(theirs_id).unwrap().into()],
    )
    .await;
    let (status, _, bytes) = download(&s.p, &s.clinician, s.tenant, &other_client, theirs_id).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!String::from_utf8_lossy(&bytes).contains("Quokka"));
    // Re-homed: the row itself handed to the other client.
    let sql = "update records.documents set client_id = $2 where id = $1";
    exec(&s.p.records_admin, sql, vec![Uuid::parse_str(mine_id).unwrap().into(), Uuid::from(other_client.user).into()])
        .await;
    let (status, _, bytes) = download(&s.p, &s.clinician, s.tenant, &other_client, mine_id).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!String::from_utf8_lossy(&bytes).contains("Quokka"));
}

#[tokio::test]
async fn the_care_team_uploads_and_reads_the_client_reads_their_own_and_nobody_else_gets_in() {
    let s = setup().await;
    let (status, doc) = upload(&s.p, &s.clinician, s.tenant, &s.client, text()).await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    let id = doc["id"].as_str().unwrap();
    let list = paths::documents(s.tenant, s.client.user);

    // The client: lists and downloads their own, uploads nothing.
    let (status, body) = s.p.call(&s.client, Method::GET, &list, None).await;
    assert_eq!(
        (status, body["documents"][0]["title"].as_str()),
        (StatusCode::OK, Some("Intake letter — Quokka-Lantern"))
    );
    let (status, _, bytes) = download(&s.p, &s.client, s.tenant, &s.client, id).await;
    assert_eq!((status, bytes), (StatusCode::OK, text()));
    let (status, body) = upload(&s.p, &s.client, s.tenant, &s.client, text()).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "RECORDS_FORBIDDEN"), "{body}");

    // Same practice, no relationship: another client, a clinician and an admin off the team, staff.
    let neighbour = s.p.person(s.tenant, &["client"]).await;
    let outsider = s.p.person(s.tenant, &["clinician"]).await;
    let admin = s.p.person(s.tenant, &["practice_admin"]).await;
    let staff = s.p.person(s.tenant, &["staff"]).await;
    for who in [&neighbour, &outsider, &admin, &staff] {
        let (status, body) = s.p.call(who, Method::GET, &list, None).await;
        assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "RECORDS_FORBIDDEN"), "{body}");
        let (status, _, bytes) = download(&s.p, who, s.tenant, &s.client, id).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(!String::from_utf8_lossy(&bytes).contains("Quokka"));
    }
    let (status, _) = upload(&s.p, &outsider, s.tenant, &s.client, text()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Another practice: not found, with its own ids or ours.
    let intruder = s.p.person(s.other, &["clinician"]).await;
    let (status, _) = s.p.call(&intruder, Method::GET, &list, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = download(&s.p, &intruder, s.tenant, &s.client, id).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = s.p.call(&intruder, Method::GET, &paths::documents(s.other, s.client.user), None).await;
    assert_ne!(status, StatusCode::OK, "{body}");
    let (status, _, _) = download(&s.p, &intruder, s.other, &s.client, id).await;
    assert_ne!(status, StatusCode::OK);
}

#[tokio::test]
async fn uploads_lists_and_downloads_are_audited_and_refusals_recorded_as_denied() {
    let s = setup().await;
    let (_, doc) = upload(&s.p, &s.clinician, s.tenant, &s.client, text()).await;
    s.p.call(&s.client, Method::GET, &paths::documents(s.tenant, s.client.user), None).await;
    download(&s.p, &s.clinician, s.tenant, &s.client, doc["id"].as_str().unwrap()).await;
    upload(&s.p, &s.client, s.tenant, &s.client, text()).await;

    let who = Some(s.client.user);
    assert_eq!(
        s.p.events(s.tenant).await,
        vec![
            Event::new("records.document.uploaded", "success", &s.clinician, who),
            Event::new("records.document.listed", "success", &s.client, who),
            Event::new("records.document.downloaded", "success", &s.clinician, who),
            Event::new("records.document.uploaded", "denied", &s.client, who),
        ]
    );
    assert_eq!(s.p.events(s.other).await, vec![]);
}
