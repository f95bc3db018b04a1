//! Disclosure packages, what goes in them: only the categories consent's decision permits
//! (a real consent, driven as the client drives it: sign a built-in, authorize); SUD-flagged
//! items (a diagnosis by its F10 code too) only under a Part 2 consent as well, and then with
//! the Part 2 labels and the redisclosure notice; psychotherapy notes, every author's, only
//! under their own authorization. The sealed package is opened here with records' keyring
//! and the Bundle checked by the same independent FHIR validator as the export.
//! Who may ask, failures, sealing and audit: `disclosure_access`.

use std::collections::BTreeSet;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tp_consent_api::paths as consent_paths;
use tp_crypto::FieldContext;
use tp_ids::TenantId;
use tp_records_api::disclosure::{PACKAGE_COLUMN, PACKAGE_TABLE, PackageContents};
use tp_records_api::paths;
use tp_testkit::fhir::validate;
use uuid::Uuid;

use crate::harness::{Person, Platform, demographics, keyring, spawn_with_consent};

pub const NOTICE_START: &str = "This record which has been disclosed to you is protected by Federal confidentiality";

/// A practice with consent, a client on two clinicians' care team, and a second practice.
pub struct Practice {
    pub p: Platform,
    pub tenant: TenantId,
    pub clinician: Person,
    pub colleague: Person,
    pub client: Person,
    pub other: TenantId,
}

/// Ids of what [`fill`] recorded, plain and SUD-flagged.
pub struct Filled {
    pub plain_note: Uuid,
    pub sud_note: Uuid,
    pub sud_amendment: Uuid,
    pub plain_diagnosis: Uuid,
    pub f10_diagnosis: Uuid,
    pub flagged_diagnosis: Uuid,
    pub plain_medication: Uuid,
    pub sud_medication: Uuid,
    pub plain_document: Uuid,
    pub sud_document: Uuid,
    pub psychotherapy: [Uuid; 2],
}

pub async fn practice() -> Practice {
    let p = spawn_with_consent().await;
    let tenant = p.tenant().await;
    let clinician = p.person(tenant, &["clinician"]).await;
    let colleague = p.person(tenant, &["clinician"]).await;
    let client = p.person(tenant, &["client"]).await;
    p.assign(tenant, clinician.user, client.user).await;
    p.assign(tenant, colleague.user, client.user).await;
    let other = p.tenant().await;
    Practice { p, tenant, clinician, colleague, client, other }
}

impl Practice {
    async fn created(&self, who: &Person, path: &str, body: Value) -> Uuid {
        let (status, body) = self.p.call(who, Method::POST, path, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().unwrap().parse().unwrap()
    }

    async fn signed_note(&self, path: &str, text: &str, sud: bool) -> Uuid {
        let note = json!({ "template": "soap", "sections": { "subjective": text }, "sud": sud });
        let id = self.created(&self.clinician, path, note).await;
        let sign = paths::note_sign(self.tenant, self.client.user, id);
        let (status, body) = self.p.call(&self.clinician, Method::POST, &sign, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        id
    }

    async fn upload(&self, title: &str, sud: bool, content: &[u8]) -> Uuid {
        let url = format!("{}{}", self.p.records.address, paths::documents(self.tenant, self.client.user));
        let response = self.p.http.post(url).bearer_auth(&self.clinician.token).header("x-document-title", title);
        let response = response.header("x-document-sud", sud.to_string()).body(content.to_vec()).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        body["id"].as_str().unwrap().parse().unwrap()
    }

    /// Every kind of content, each SUD kind both plain and flagged (a diagnosis by code too),
    /// and a psychotherapy note by each clinician.
    pub async fn fill(&self) -> Filled {
        let (t, c) = (self.tenant, self.client.user);
        let (status, _) = self.p.put(&self.clinician, t, c, &demographics("Quill Ransome")).await;
        assert_eq!(status, StatusCode::OK);
        let plain_note = self.signed_note(&paths::notes(t, c), "Plain-Heron", false).await;
        let sud_note = self.signed_note(&paths::notes(t, c), "Sud-Walrus", true).await;
        let sud_amendment = self.signed_note(&paths::note_amendments(t, c, sud_note), "Amend-Walrus", false).await;
        let diagnosis = |code: &str, text: &str, sud: bool| json!({ "code": code, "description": text, "status": "active", "onset_date": null, "sud": sud });
        let who = &self.clinician;
        let plain_diagnosis =
            self.created(who, &paths::diagnoses(t, c), diagnosis("F41.1", "Panic-Heron", false)).await;
        let f10_diagnosis = self.created(who, &paths::diagnoses(t, c), diagnosis("F10.20", "Code-Walrus", false)).await;
        let flagged = diagnosis("F32.1", "Flag-Walrus", true);
        let flagged_diagnosis = self.created(who, &paths::diagnoses(t, c), flagged).await;
        let medication = |name: &str, sud: bool| {
            json!({ "name": name, "dose": "1", "frequency": "daily", "prescriber": null,
                    "started_on": null, "stopped_on": null, "sud": sud })
        };
        let plain_medication = self.created(who, &paths::medications(t, c), medication("Sertraline", false)).await;
        let sud_medication = self.created(who, &paths::medications(t, c), medication("Buprenorphine", true)).await;
        let plan = json!({ "problem": "Plan-Heron", "goals": [] });
        let (status, _) = self.p.call(who, Method::PUT, &paths::treatment_plan(t, c), Some(plan)).await;
        assert_eq!(status, StatusCode::OK);
        let phq9 =
            json!({ "form": { "kind": "instrument", "instrument": "phq9" }, "answers": [1, 1, 1, 1, 1, 1, 1, 1, 0] });
        self.created(who, &paths::form_responses(t, c), phq9).await;
        let plain_document = self.upload("Plain letter", false, b"Plain-Heron letter").await;
        let sud_document = self.upload("Intake", true, b"Walrus intake").await;
        let psychotherapy = [
            self.created(who, &paths::psychotherapy_notes(t, c), json!({ "text": "Lighthouse-A" })).await,
            self.created(&self.colleague, &paths::psychotherapy_notes(t, c), json!({ "text": "Lighthouse-B" })).await,
        ];
        Filled {
            plain_note,
            sud_note,
            sud_amendment,
            plain_diagnosis,
            f10_diagnosis,
            flagged_diagnosis,
            plain_medication,
            sud_medication,
            plain_document,
            sud_document,
            psychotherapy,
        }
    }

    /// The client signs the built-in `key` (as shown) and authorizes `categories` to go to
    /// `recipient` under it: the authorization's id.
    pub async fn authorize(&self, key: &str, recipient: &Value, categories: Value) -> Uuid {
        let (t, me) = (self.tenant, &self.client);
        let (status, template) = self.p.consent_call(me, Method::GET, &consent_paths::template(t, key), None).await;
        assert_eq!(status, StatusCode::OK, "{template}");
        let sign = json!({ "template": key, "version": template["version"], "text_sha256": template["body_sha256"],
            "typed_name": "Quill Ransome" });
        let (status, signed) =
            self.p.consent_call(me, Method::POST, &consent_paths::signatures(t, me.user), Some(sign)).await;
        assert_eq!(status, StatusCode::CREATED, "{signed}");
        let body = json!({ "signature_id": signed["id"], "recipient": recipient, "categories": categories,
            "purpose": "Continuity of care", "expires_at": Utc::now() + chrono::Duration::days(30), "expires_on": null });
        let (status, authorization) =
            self.p.consent_call(me, Method::POST, &consent_paths::authorizations(t, me.user), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{authorization}");
        authorization["id"].as_str().unwrap().parse().unwrap()
    }

    /// `who` asks for a package of the client's `categories` for `recipient`.
    pub async fn package(&self, who: &Person, recipient: &Value, categories: Value) -> (StatusCode, Value) {
        let body = json!({ "package_id": Uuid::now_v7(), "recipient": recipient, "categories": categories });
        self.p.call(who, Method::POST, &paths::disclosure_packages(self.tenant, self.client.user), Some(body)).await
    }

    /// [`Practice::package`] by the client, expecting one: the answer and what it seals.
    pub async fn packaged(&self, recipient: &Value, categories: Value) -> (Value, PackageContents) {
        let (status, package) = self.package(&self.client, recipient, categories).await;
        assert_eq!(status, StatusCode::OK, "{package}");
        let contents = open(self.tenant, &package).await.unwrap();
        (package, contents)
    }
}

/// An outside recipient.
pub fn outside() -> Value {
    json!({ "kind": "outside", "name": "Dr Ada Lovelace", "organisation": "Heron Clinic", "email": "ada@heron.example" })
}

/// Opens a package's `sealed` as consent will: under `tenant`'s key, bound to its package id.
pub async fn open(tenant: TenantId, package: &Value) -> Result<PackageContents, tp_crypto::CryptoError> {
    let id: Uuid = package["package_id"].as_str().unwrap().parse().unwrap();
    open_as(tenant, id, package["sealed"].as_str().unwrap()).await
}

pub async fn open_as(tenant: TenantId, id: Uuid, sealed: &str) -> Result<PackageContents, tp_crypto::CryptoError> {
    let sealed = STANDARD.decode(sealed).unwrap();
    let json = keyring().await.decrypt(&tenant, &FieldContext::new(PACKAGE_TABLE, PACKAGE_COLUMN, id), &sealed).await?;
    Ok(serde_json::from_slice(&json).unwrap())
}

pub fn of_type<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    let entries = bundle["entry"].as_array().unwrap();
    entries.iter().map(|e| &e["resource"]).filter(|r| r["resourceType"] == kind).collect()
}

/// The ids of the resources of `kind`.
pub fn ids(bundle: &Value, kind: &str) -> BTreeSet<Uuid> {
    of_type(bundle, kind).iter().map(|r| r["id"].as_str().unwrap().parse().unwrap()).collect()
}

pub fn set<const N: usize>(ids: [Uuid; N]) -> BTreeSet<Uuid> {
    ids.into_iter().collect()
}

fn security(resource: &Value) -> Vec<&str> {
    let labels = resource["meta"]["security"].as_array().map(Vec::as_slice).unwrap_or_default();
    labels.iter().map(|l| l["code"].as_str().unwrap()).collect()
}

async fn assert_valid(bundle: &Value) {
    let verdict = validate(bundle).await;
    assert!(verdict.valid, "the package's Bundle is not valid FHIR R4: {:?}", verdict.errors);
}

#[tokio::test]
async fn a_release_of_diagnoses_alone_packages_conditions_only_and_an_anonymous_patient() {
    // Arrange: a release of diagnoses to an outside doctor; the client asks for more.
    let c = practice().await;
    let k = c.fill().await;
    let authorization = c.authorize("release-of-information", &outside(), json!(["diagnoses"])).await;

    // Act
    let (package, contents) = c.packaged(&outside(), json!(["diagnoses", "progress_notes", "medications"])).await;

    // Assert: the answer and the sealed contents agree on what was permitted.
    assert_eq!(package["categories"], json!(["diagnoses"]));
    assert_eq!(package["grants"], json!([{ "authorization_id": authorization, "categories": ["diagnoses"] }]));
    assert_eq!(
        (contents.package_id.to_string(), json!(contents.categories)),
        (package["package_id"].as_str().unwrap().to_owned(), json!(["diagnoses"]))
    );
    let bundle = &contents.bundle;
    assert_eq!(bundle["id"], package["package_id"]);
    assert_eq!(ids(bundle, "Condition"), set([k.plain_diagnosis]), "SUD diagnoses (flag or F10 code) withheld");
    for kind in ["DocumentReference", "MedicationStatement", "CarePlan", "QuestionnaireResponse", "Observation"] {
        assert!(of_type(bundle, kind).is_empty(), "{kind} is not permitted");
    }
    let patient = of_type(bundle, "Patient")[0];
    assert_eq!(patient["id"], c.client.user.to_string());
    assert!(patient.get("name").is_none() && patient.get("telecom").is_none(), "no demographics: {patient}");
    assert!(!bundle.to_string().contains("Quill"), "the name is nowhere in it");
    let consents = of_type(bundle, "Consent");
    assert_eq!(consents.len(), 1);
    assert_eq!(consents[0]["id"], authorization.to_string());
    assert_eq!(consents[0]["provision"]["code"][0]["coding"][0]["code"], "diagnoses");
    assert_eq!(consents[0]["provision"]["actor"][0]["reference"]["identifier"]["value"], "mailto:ada@heron.example");
    assert!(consents[0]["policy"][0]["uri"].as_str().unwrap().ends_with("section-164.508"));
    assert_eq!(security(bundle), ["R"], "no Part 2 label without SUD records");
    assert!(!bundle.to_string().contains(NOTICE_START));
    assert_valid(bundle).await;
}

#[tokio::test]
async fn sud_items_go_only_with_a_part2_consent_too_and_then_with_the_labels_and_the_notice() {
    // Arrange
    let c = practice().await;
    let k = c.fill().await;
    let everything = json!([
        "demographics",
        "progress_notes",
        "diagnoses",
        "medications",
        "treatment_plan",
        "assessments",
        "documents",
        "sud_records"
    ]);
    let release = c
        .authorize(
            "release-of-information",
            &outside(),
            json!([
                "demographics",
                "progress_notes",
                "diagnoses",
                "medications",
                "treatment_plan",
                "assessments",
                "documents"
            ]),
        )
        .await;

    // Act: under the release alone, then with a Part 2 consent as well.
    let (without, before) = c.packaged(&outside(), everything.clone()).await;
    let part2 = c.authorize("part2-sud", &outside(), json!(["sud_records"])).await;
    let (with, after) = c.packaged(&outside(), everything).await;

    // Assert: without Part 2 consent no flagged item, nor the amendment of a flagged note.
    assert!(!without["categories"].as_array().unwrap().contains(&json!("sud_records")));
    let b = &before.bundle;
    assert_eq!(ids(b, "DocumentReference"), set([k.plain_note, k.plain_document]));
    assert_eq!(ids(b, "Condition"), set([k.plain_diagnosis]));
    assert_eq!(ids(b, "MedicationStatement"), set([k.plain_medication]));
    assert_eq!(of_type(b, "Patient")[0]["name"][0]["text"], "Quill Ransome");
    assert_eq!((of_type(b, "CarePlan").len(), of_type(b, "QuestionnaireResponse").len()), (1, 1));
    for secret in ["Walrus", "Buprenorphine", "F10.20", "42CFRPart2", NOTICE_START] {
        let encoded = STANDARD.encode(secret);
        assert!(!b.to_string().contains(secret) && !b.to_string().contains(&encoded[..8]), "{secret} leaked");
    }
    assert_eq!(security(b), ["R"]);
    // With it: everything, labelled, and the notice in the Part 2 Consent.
    assert_eq!(with["grants"].as_array().unwrap().len(), 2);
    let a = &after.bundle;
    let notes_and_documents = set([k.plain_note, k.sud_note, k.sud_amendment, k.plain_document, k.sud_document]);
    assert_eq!(ids(a, "DocumentReference"), notes_and_documents);
    assert_eq!(ids(a, "Condition"), set([k.plain_diagnosis, k.f10_diagnosis, k.flagged_diagnosis]));
    assert_eq!(ids(a, "MedicationStatement"), set([k.plain_medication, k.sud_medication]));
    assert_eq!(security(a), ["R", "42CFRPart2", "NORDSCLCD"]);
    let entries = a["entry"].as_array().unwrap().iter().map(|e| &e["resource"]);
    let labelled: BTreeSet<Uuid> =
        entries.filter(|r| security(r).contains(&"ETH")).map(|r| r["id"].as_str().unwrap().parse().unwrap()).collect();
    let flagged = [k.sud_note, k.f10_diagnosis, k.flagged_diagnosis, k.sud_medication, k.sud_document];
    assert_eq!(labelled, set(flagged), "every flagged item, and only those, carries the SUD label");
    let consents = of_type(a, "Consent");
    let part2_consent = consents.iter().find(|r| r["id"] == part2.to_string()).unwrap();
    assert!(part2_consent["policy"][0]["uri"].as_str().unwrap().contains("part-2"));
    assert!(part2_consent["text"]["div"].as_str().unwrap().contains(NOTICE_START), "the notice goes with it");
    assert!(consents.iter().any(|r| r["id"] == release.to_string()));
    assert_valid(a).await;
}

#[tokio::test]
async fn psychotherapy_notes_go_only_under_their_own_authorization_and_then_every_authors() {
    // Arrange
    let c = practice().await;
    let k = c.fill().await;
    c.authorize("release-of-information", &outside(), json!(["progress_notes"])).await;
    let asked = json!(["progress_notes", "psychotherapy_notes"]);

    // Act
    let (without, before) = c.packaged(&outside(), asked.clone()).await;
    c.authorize("psychotherapy-notes", &outside(), json!(["psychotherapy_notes"])).await;
    let (with, after) = c.packaged(&outside(), asked).await;

    // Assert
    assert_eq!(without["categories"], json!(["progress_notes"]));
    assert_eq!(ids(&before.bundle, "DocumentReference"), set([k.plain_note]));
    assert!(!before.bundle.to_string().contains(&STANDARD.encode("Lighthouse-A")));
    assert_eq!(with["categories"], json!(["progress_notes", "psychotherapy_notes"]));
    let psychotherapy: Vec<&Value> = of_type(&after.bundle, "DocumentReference")
        .into_iter()
        .filter(|r| r["type"]["coding"][0]["code"] == "psychotherapy-note")
        .collect();
    let texts: BTreeSet<String> = psychotherapy
        .iter()
        .map(|r| {
            String::from_utf8(STANDARD.decode(r["content"][0]["attachment"]["data"].as_str().unwrap()).unwrap())
                .unwrap()
        })
        .collect();
    assert_eq!(texts, ["Lighthouse-A".to_owned(), "Lighthouse-B".to_owned()].into(), "both authors' notes");
    for note in &psychotherapy {
        assert_eq!(security(note), ["V", "PSYTHPN"]);
    }
    let ids: BTreeSet<Uuid> = psychotherapy.iter().map(|r| r["id"].as_str().unwrap().parse().unwrap()).collect();
    assert_eq!(ids, set(k.psychotherapy));
    // The author-only rule stands everywhere else: each clinician still lists their own.
    let (_, own) =
        c.p.call(&c.colleague, Method::GET, &paths::psychotherapy_notes(c.tenant, c.client.user), None).await;
    assert_eq!(own["notes"].as_array().unwrap().len(), 1);
    assert_valid(&after.bundle).await;
}
