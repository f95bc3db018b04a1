//! A real external OpenID provider for federation tests: panva `oidc-provider` (a certified
//! OP), run by Node from `e2e/idp/idp.mjs` on a free loopback port, with one confidential
//! client and the accounts a test names ([`ExternalIdp::start`]), and a scripted browser for
//! its development login and consent pages ([`ExternalIdp::sign_in`]).
//!
//! The npm dependencies are installed on first use ([`node::install_once`]). Needs `node`
//! and `npm` on PATH (`TP_NODE` and `TP_NPM` override them) and the npm registry reachable
//! on a fresh machine.
//!
//! Not here: our own side of federation (the service under test does that), or any fake of
//! the provider's behaviour: the one deliberate anomaly it can serve is a discovery document
//! under a wrong issuer ([`ExternalIdp::mismatched_issuer`]).

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use reqwest::redirect::Policy;
use serde_json::{Map, Value, json};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

use crate::node;

/// How long Node may take to print its address (first start of a cold machine included).
const START_DEADLINE: Duration = Duration::from_secs(30);
/// Redirect hops a sign-in may take: /auth, login, /auth, consent, /auth, callback.
const MAX_HOPS: usize = 12;

/// One account of the provider: `login` is the name typed on its login page (and the `sub`).
pub struct IdpAccount<'a> {
    pub login: &'a str,
    pub email: &'a str,
    pub email_verified: bool,
}

/// A running provider; killed when dropped.
pub struct ExternalIdp {
    issuer: String,
    _child: Child,
    /// Kept open: closing it would make the provider's next write to stdout fail.
    _stdout: Lines<BufReader<ChildStdout>>,
}

impl ExternalIdp {
    /// Starts a provider whose one client is `client_id` / `client_secret` with exactly
    /// `redirect_uri` registered; returns once its discovery document answers.
    #[expect(clippy::expect_used, reason = "test set-up failures must stop the test with their cause")]
    pub async fn start(
        client_id: &str,
        client_secret: &str,
        redirect_uri: &str,
        accounts: &[IdpAccount<'_>],
    ) -> ExternalIdp {
        let dir = idp_dir();
        let install_dir = dir.clone();
        tokio::task::spawn_blocking(move || node::install_once(&install_dir)).await.expect("npm install task");

        let client = json!({ "client_id": client_id, "client_secret": client_secret, "redirect_uris": [redirect_uri] });
        let accounts: Map<String, Value> = accounts
            .iter()
            .map(|a| (a.login.to_owned(), json!({ "email": a.email, "email_verified": a.email_verified })))
            .collect();
        let mut child = Command::new(node::tool("TP_NODE", "node"))
            .arg("idp.mjs")
            .current_dir(&dir)
            .env("IDP_CLIENT", client.to_string())
            .env("IDP_ACCOUNTS", Value::Object(accounts).to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("start node (is Node.js installed?)");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let line = tokio::time::timeout(START_DEADLINE, stdout.next_line())
            .await
            .expect("the IdP did not start in time")
            .expect("read the IdP's stdout")
            .expect("the IdP exited before listening");
        let issuer = line.strip_prefix("listening ").expect("the IdP announces `listening <issuer>`").to_owned();
        let idp = ExternalIdp { issuer, _child: child, _stdout: stdout };
        idp.wait_for_discovery().await;
        idp
    }

    /// `http://127.0.0.1:<port>`: the issuer in its discovery document and its ID tokens.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// An issuer whose discovery document is the real one except for its `issuer`, which
    /// names this URL: discovery against it succeeds, and every ID token then carries
    /// [`Self::issuer`] instead, as from a provider impersonating another.
    pub fn mismatched_issuer(&self) -> String {
        format!("{}/mismatched-issuer", self.issuer)
    }

    /// Plays a person's browser from `authorization_url` (the provider's `/auth?...`, as our
    /// service redirected to it): signs in as `login` (any password), consents, and returns
    /// the URL the provider finally redirects to outside itself, i.e. our callback with its
    /// `code` and `state` (or its `error`). Cookies are kept for this one sign-in only.
    #[expect(clippy::expect_used, reason = "a sign-in that cannot be driven is a broken test")]
    pub async fn sign_in(&self, authorization_url: &str, login: &str) -> String {
        let browser =
            reqwest::Client::builder().cookie_store(true).redirect(Policy::none()).build().expect("browser client");
        let mut next = authorization_url.to_owned();
        let mut signed_in = false;
        for _ in 0..MAX_HOPS {
            let response = browser.get(&next).send().await.expect("GET at the IdP");
            let target = location(response).await;
            if !target.starts_with(&format!("{}/", self.issuer)) {
                return target;
            }
            if !target.contains("/interaction/") {
                next = target;
                continue;
            }
            // Login first, consent after: the order in which the provider prompts.
            let form: &[(&str, &str)] = if signed_in {
                &[("prompt", "consent")]
            } else {
                &[("prompt", "login"), ("login", login), ("password", "x")]
            };
            let response = browser.post(&target).form(form).send().await.expect("POST an interaction");
            signed_in = true;
            next = location(response).await;
        }
        panic!("the IdP did not redirect out within {MAX_HOPS} hops");
    }

    async fn wait_for_discovery(&self) {
        let url = format!("{}/.well-known/openid-configuration", self.issuer);
        let client = reqwest::Client::new();
        for _ in 0..100 {
            if client.get(&url).send().await.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the IdP's discovery document did not answer");
    }
}

/// The absolute `Location` of a redirect; panics with the status and body otherwise.
#[expect(clippy::expect_used, reason = "a sign-in that cannot be driven is a broken test")]
async fn location(response: reqwest::Response) -> String {
    let base = response.url().clone();
    let status = response.status();
    let Some(location) = response.headers().get(reqwest::header::LOCATION).cloned() else {
        let body = response.text().await.unwrap_or_default();
        panic!("expected a redirect from the IdP, got {status}: {body}");
    };
    let location = location.to_str().expect("ASCII Location");
    base.join(location).expect("valid Location").to_string()
}

fn idp_dir() -> PathBuf {
    node::e2e_dir("idp")
}
