//! Node.js test tools kept under `e2e/<name>` (a package.json and its committed lock file):
//! where they are ([`e2e_dir`]), which `node`/`npm` to run ([`tool`]), and installing their
//! npm dependencies on first use ([`install_once`]).
//!
//! Not here: what any tool does (see [`crate::idp`], [`crate::fhir`]).

use std::path::{Path, PathBuf};
use std::process::Stdio;

use sha2::{Digest, Sha256};

/// `e2e/<name>` in the repository.
pub fn e2e_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../e2e").join(name)
}

/// The program named by the environment variable `var` (`TP_NODE`, `TP_NPM`), else `default`.
pub fn tool(var: &str, default: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| default.to_owned())
}

/// `npm ci` in `dir` unless its `node_modules` was installed from this very lock file. The
/// file lock (released when `lock` drops) serialises parallel test processes, which must not
/// race one install against another; the marker is written last, so an interrupted install
/// is redone.
#[expect(clippy::expect_used, reason = "test set-up failures must stop the test with their cause")]
pub fn install_once(dir: &Path) {
    let shown = dir.display();
    let lock = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(".install.lock"))
        .unwrap_or_else(|e| panic!("open {shown}/.install.lock: {e}"));
    lock.lock().unwrap_or_else(|e| panic!("lock {shown}/.install.lock: {e}"));
    let package_lock =
        std::fs::read(dir.join("package-lock.json")).unwrap_or_else(|e| panic!("read {shown}/package-lock.json: {e}"));
    let digest = hex::encode(Sha256::digest(&package_lock));
    let marker = dir.join("node_modules/.tp-installed");
    if std::fs::read_to_string(&marker).is_ok_and(|installed| installed == digest) {
        return;
    }
    let output = std::process::Command::new(tool("TP_NPM", "npm"))
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run npm (is Node.js installed?)");
    assert!(output.status.success(), "npm ci failed in {shown}: {}", String::from_utf8_lossy(&output.stderr));
    std::fs::write(&marker, digest).expect("write the install marker");
}
