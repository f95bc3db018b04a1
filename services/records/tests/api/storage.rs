//! What is at rest: ciphertexts only, each bound to its practice, table, column and client.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::harness::{code, demographics, exec, query, spawn};

const COLUMNS: [&str; 8] =
    ["legal_name", "preferred_name", "date_of_birth", "phone", "email", "address", "emergency_contact", "name_index"];

#[tokio::test]
async fn raw_rows_read_as_superuser_hold_no_plaintext() {
    // Arrange
    let p = spawn().await;
    let tenant = p.tenant().await;
    let other = p.tenant().await;
    let staff = p.person(tenant, &["staff"]).await;
    let client = p.person(tenant, &["client"]).await;
    let (status, _) = p.put(&staff, tenant, client.user, &demographics("Zanzibar Quixote")).await;
    assert_eq!(status, StatusCode::OK);

    // Act: every column of the row, as bytes, bypassing RLS.
    let sql = format!("select {} from records.clients where tenant_id = $1", COLUMNS.join(", "));
    let rows = query(&p.records_admin, &sql, vec![Uuid::from(tenant).into()]).await;

    // Assert: no value, in any spelling the index normalises to, is in any column.
    assert_eq!(rows.len(), 1);
    let needles = [
        "Zanzibar",
        "zanzibar quixote",
        "Quixote",
        "555 867",
        "zed.quixote@example.test",
        "Wallaby",
        "Quentin",
        "brother",
        "1984-02-29",
    ];
    for column in COLUMNS {
        let bytes: Option<Vec<u8>> = rows[0].try_get("", column).unwrap();
        let bytes = bytes.unwrap_or_else(|| panic!("{column} is stored"));
        for needle in needles {
            let found = bytes.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle.as_bytes()));
            assert!(!found, "{column} contains {needle:?} in plaintext");
        }
    }
    // No column could hold plaintext: the table has ids, ciphertexts and times only.
    let sql = "select distinct data_type from information_schema.columns \
               where table_schema = 'records' and table_name = 'clients' order by 1";
    let types: Vec<String> =
        query(&p.records_admin, sql, vec![]).await.iter().map(|r| r.try_get("", "data_type").unwrap()).collect();
    assert_eq!(types, ["bytea", "timestamp with time zone", "uuid"]);
    // And the other practice has no row at all.
    let rows = query(&p.records_admin, &sql_count(), vec![Uuid::from(other).into()]).await;
    assert_eq!(rows[0].try_get::<i64>("", "n").unwrap(), 0);
}

fn sql_count() -> String {
    "select count(*) as n from records.clients where tenant_id = $1".to_owned()
}

#[tokio::test]
async fn a_ciphertext_copied_to_another_clients_row_does_not_decrypt() {
    // Arrange: two clients of one practice; B's row gets A's ciphertexts.
    let p = spawn().await;
    let tenant = p.tenant().await;
    let staff = p.person(tenant, &["staff"]).await;
    let a = p.person(tenant, &["client"]).await;
    let b = p.person(tenant, &["client"]).await;
    p.put(&staff, tenant, a.user, &demographics("Alpha Secret")).await;
    p.put(&staff, tenant, b.user, &demographics("Bravo Plain")).await;
    let sql = "update records.clients b set legal_name = a.legal_name, phone = a.phone \
               from records.clients a where a.tenant_id = $1 and a.client_id = $2 \
               and b.tenant_id = $1 and b.client_id = $3";
    exec(&p.records_admin, sql, vec![Uuid::from(tenant).into(), Uuid::from(a.user).into(), Uuid::from(b.user).into()])
        .await;

    // Act
    let (status, body) = p.chart(&staff, tenant, b.user).await;

    // Assert: an error, never A's data under B's name.
    assert_eq!((status, code(&body)), (StatusCode::INTERNAL_SERVER_ERROR, "RECORDS_INTERNAL"), "{body}");
    assert!(!body.to_string().contains("Alpha"), "{body}");
    let (status, _) = p.chart(&staff, tenant, a.user).await;
    assert_eq!(status, StatusCode::OK, "A's own chart still reads");
}

#[tokio::test]
async fn a_ciphertext_copied_to_another_practice_does_not_decrypt_there() {
    // Arrange: practice B gets a copy of A's row, same client id, only the tenant differs.
    let p = spawn().await;
    let a = p.tenant().await;
    let b = p.tenant().await;
    let a_staff = p.person(a, &["staff"]).await;
    let b_staff = p.person(b, &["staff"]).await;
    let client = p.person(a, &["client"]).await;
    p.put(&a_staff, a, client.user, &demographics("Alpha Secret")).await;
    let sql = format!(
        "insert into records.clients (tenant_id, client_id, {cols}) \
         select $2, client_id, {cols} from records.clients where tenant_id = $1 and client_id = $3",
        cols = COLUMNS.join(", ")
    );
    let values = vec![Uuid::from(a).into(), Uuid::from(b).into(), Uuid::from(client.user).into()];
    exec(&p.records_admin, &sql, values).await;

    // Act
    let (status, body) = p.chart(&b_staff, b, client.user).await;
    let (search_status, search_body) = p.search(&b_staff, b, "Alpha Secret").await;

    // Assert: B's key cannot open A's data, and A's index means nothing under B's key.
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert!(!body.to_string().contains("Alpha"), "{body}");
    assert_eq!(search_status, StatusCode::OK, "{search_body}");
    assert_eq!(search_body["clients"], serde_json::json!([]));
}
