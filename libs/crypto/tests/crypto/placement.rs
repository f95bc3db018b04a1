//! A value decrypts only where it was written: same tenant, table, column and row, unaltered.

use tp_crypto::{CryptoError, FieldContext};
use uuid::Uuid;

use crate::fixture::{note_body, records_keyring, tenant_with_key};

#[tokio::test]
async fn fields_round_trip_for_each_of_two_tenants() {
    tp_testkit::init();
    let keyring = records_keyring(300).await;
    let (a, b) = (tenant_with_key().await, tenant_with_key().await);
    let row = Uuid::now_v7();

    let for_a = keyring.encrypt(&a, &note_body(row), b"A: anxiety, follow up in 2 weeks").await.unwrap();
    let for_b = keyring.encrypt(&b, &note_body(row), b"B: no concerns").await.unwrap();

    assert_eq!(
        keyring.decrypt(&a, &note_body(row), &for_a).await.unwrap().as_slice(),
        b"A: anxiety, follow up in 2 weeks"
    );
    assert_eq!(keyring.decrypt(&b, &note_body(row), &for_b).await.unwrap().as_slice(), b"B: no concerns");
    assert!(!for_a.windows(7).any(|w| w == b"anxiety"), "ciphertext must not contain the plaintext");
}

#[tokio::test]
async fn a_value_moved_to_another_row_column_or_tenant_does_not_decrypt() {
    tp_testkit::init();
    // Arrange
    let keyring = records_keyring(300).await;
    let (tenant, other_tenant) = (tenant_with_key().await, tenant_with_key().await);
    let row = Uuid::now_v7();
    let sealed = keyring.encrypt(&tenant, &note_body(row), b"diagnosis").await.unwrap();
    // The other tenant's key is in use too, so its cache is warm.
    keyring.encrypt(&other_tenant, &note_body(row), b"x").await.unwrap();
    let moves = [
        (tenant, note_body(Uuid::now_v7()), "another row"),
        (tenant, FieldContext::new("records.notes", "title", row), "another column"),
        (tenant, FieldContext::new("records.drafts", "body", row), "another table"),
        (other_tenant, note_body(row), "another tenant"),
    ];

    for (tenant, field, moved_to) in moves {
        // Act
        let result = keyring.decrypt(&tenant, &field, &sealed).await;

        // Assert
        assert!(matches!(result, Err(CryptoError::DecryptFailed(_))), "{moved_to}: {result:?}");
    }
}

#[tokio::test]
async fn flipping_a_bit_at_any_byte_position_makes_decryption_fail() {
    tp_testkit::init();
    // One tenant: this is about tampering; a value moved to another tenant is covered by
    // `a_value_moved_to_another_row_column_or_tenant_does_not_decrypt`.
    let keyring = records_keyring(300).await;
    let tenant = tenant_with_key().await;
    let field = note_body(Uuid::now_v7());
    let sealed = keyring.encrypt(&tenant, &field, b"short").await.unwrap();

    for position in 0..sealed.len() {
        let mut flipped = sealed.clone();
        flipped[position] ^= 1 << (position % 8);

        let result = keyring.decrypt(&tenant, &field, &flipped).await;

        assert!(
            matches!(result, Err(CryptoError::DecryptFailed(_) | CryptoError::Malformed)),
            "byte {position} of {}: {result:?}",
            sealed.len()
        );
    }
    assert_eq!(keyring.decrypt(&tenant, &field, &sealed).await.unwrap().as_slice(), b"short");
}
