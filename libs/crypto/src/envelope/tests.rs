//! Unit tests of the ciphertext format: round trips, binding to the field, and a parser that
//! rejects (never panics on) anything else.

use proptest::prelude::*;

use super::*;

const WRAPPED: &str = "vault:v3:c29tZSB3cmFwcGVkIGRhdGEga2V5IGJ5dGVzIGhlcmUgZm9yIHRlc3Rpbmc=";

fn key() -> FieldKey {
    FieldKey::new(&[7u8; 32], WRAPPED).unwrap()
}

fn tenant() -> TenantId {
    TenantId::from_uuid(Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef))
}

fn field() -> FieldContext<'static> {
    FieldContext::new("records.notes", "body", Uuid::from_u128(42))
}

fn decrypt(bytes: &[u8], tenant: &TenantId, field: &FieldContext<'_>) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    open(&key(), tenant, field, &Envelope::parse(bytes)?)
}

#[test]
fn sealed_values_open_and_carry_their_wrapped_key_and_version() {
    let sealed = seal(&key(), &tenant(), &field(), b"allergic to penicillin").unwrap();

    let envelope = Envelope::parse(&sealed).unwrap();
    assert_eq!(sealed.first(), Some(&FORMAT_V1));
    assert_eq!(sealed.len(), 1 + 2 + WRAPPED.len() + NONCE_LEN + 22 + TAG_LEN);
    assert_eq!(envelope.wrapped_key(), WRAPPED);
    assert_eq!(envelope.key_version(), 3);
    assert_eq!(decrypt(&sealed, &tenant(), &field()).unwrap().as_slice(), b"allergic to penicillin");
}

#[test]
fn empty_plaintext_round_trips() {
    let sealed = seal(&key(), &tenant(), &field(), b"").unwrap();

    assert_eq!(decrypt(&sealed, &tenant(), &field()).unwrap().as_slice(), b"");
}

#[test]
fn each_seal_uses_a_fresh_nonce() {
    let a = seal(&key(), &tenant(), &field(), b"same").unwrap();
    let b = seal(&key(), &tenant(), &field(), b"same").unwrap();

    assert_ne!(a, b);
}

#[test]
fn a_value_does_not_open_in_any_other_place() {
    let sealed = seal(&key(), &tenant(), &field(), b"secret").unwrap();
    let other_tenant = TenantId::from_uuid(Uuid::from_u128(1));
    let places = [
        (other_tenant, field(), "other tenant"),
        (tenant(), FieldContext { table: "records.other", ..field() }, "other table"),
        (tenant(), FieldContext { column: "title", ..field() }, "other column"),
        (tenant(), FieldContext { row_id: Uuid::from_u128(43), ..field() }, "other row"),
    ];

    for (tenant, field, place) in places {
        let result = decrypt(&sealed, &tenant, &field);
        assert!(matches!(result, Err(CryptoError::DecryptFailed(None))), "{place}: {result:?}");
    }
}

#[test]
fn associated_data_is_unambiguous_across_the_table_column_boundary() {
    let row = Uuid::from_u128(1);
    let a = associated_data(&tenant(), &FieldContext::new("ab", "c", row), WRAPPED);
    let b = associated_data(&tenant(), &FieldContext::new("a", "bc", row), WRAPPED);

    assert_ne!(a, b);
}

#[test]
fn a_value_with_an_edited_wrapped_key_does_not_open_even_with_the_right_data_key() {
    let sealed = seal(&key(), &tenant(), &field(), b"secret").unwrap();
    let mut edited = sealed.clone();
    // Same length, still a well-formed wrapped key: only the bound header can catch it.
    let version_digit = 1 + 2 + "vault:v".len();
    edited[version_digit] = b'4';

    let envelope = Envelope::parse(&edited).unwrap();
    assert_eq!(envelope.key_version(), 4);
    let result = open(&key(), &tenant(), &field(), &envelope);
    assert!(matches!(result, Err(CryptoError::DecryptFailed(None))), "{result:?}");
}

#[test]
fn unknown_versions_and_every_truncation_are_rejected() {
    let sealed = seal(&key(), &tenant(), &field(), b"x").unwrap();
    let mut other_version = sealed.clone();
    other_version[0] = 0x02;

    assert!(matches!(Envelope::parse(&other_version), Err(CryptoError::Malformed)));
    for len in 0..sealed.len() {
        let result = decrypt(&sealed[..len], &tenant(), &field());
        assert!(
            matches!(result, Err(CryptoError::Malformed | CryptoError::DecryptFailed(None))),
            "prefix of {len} bytes: {result:?}"
        );
    }
}

#[test]
fn key_versions_parse_only_from_well_formed_wrapped_keys() {
    let cases = [
        ("vault:v1:abc", Some(1)),
        ("vault:v12:abc", Some(12)),
        ("vault:v:abc", None),
        ("vault:v1:", None),
        ("vault:v+1:abc", None),
        ("vault:vx:abc", None),
        ("vault:v99999999999:abc", None),
        ("v1:abc", None),
    ];
    for (wrapped, expected) in cases {
        assert_eq!(parse_key_version(wrapped), expected, "{wrapped}");
    }
    assert!(FieldKey::new(&[0; 32], "not-a-wrapped-key").is_err());
}

#[test]
fn cached_ciphers_are_wiped_on_drop() {
    fn zeroize_on_drop<T: zeroize::ZeroizeOnDrop>() {}
    zeroize_on_drop::<Aes256Gcm>();
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_the_parser_and_never_decrypt(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let result = decrypt(&bytes, &tenant(), &field());
        prop_assert!(result.is_err());
    }

    #[test]
    fn arbitrary_bodies_behind_a_valid_header_never_decrypt(
        exact_len in any::<bool>(),
        other_len in any::<u16>(),
        wrapped in "vault:v[0-9]{1,3}:[A-Za-z0-9+/=]{0,80}",
        rest in proptest::collection::vec(any::<u8>(), 0..120),
    ) {
        let len = if exact_len { u16::try_from(wrapped.len()).unwrap() } else { other_len };
        let mut bytes = vec![FORMAT_V1];
        bytes.extend_from_slice(&len.to_be_bytes());
        bytes.extend_from_slice(wrapped.as_bytes());
        bytes.extend_from_slice(&rest);
        let result = decrypt(&bytes, &tenant(), &field());
        prop_assert!(result.is_err());
    }
}
