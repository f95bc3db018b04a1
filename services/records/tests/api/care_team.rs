//! The arrangement most clinical-chart tests start from: a practice whose client is on a
//! clinician's care team, the other people who ask about that chart, and a second practice.

use reqwest::{Method, StatusCode};
use serde_json::Value;
use tp_ids::TenantId;

use crate::harness::{Person, Platform, spawn};

pub struct CareTeam {
    pub p: Platform,
    pub tenant: TenantId,
    pub clinician: Person,
    pub client: Person,
    /// A second practice, whose people must reach nothing of the first.
    pub other: TenantId,
}

pub async fn care_team() -> CareTeam {
    let p = spawn().await;
    let tenant = p.tenant().await;
    let clinician = p.person(tenant, &["clinician"]).await;
    let client = p.person(tenant, &["client"]).await;
    p.assign(tenant, clinician.user, client.user).await;
    let other = p.tenant().await;
    CareTeam { p, tenant, clinician, client, other }
}

impl CareTeam {
    pub async fn call(&self, who: &Person, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.p.call(who, method, path, body).await
    }

    pub async fn person(&self, roles: &[&str]) -> Person {
        self.p.person(self.tenant, roles).await
    }

    /// A practice admin of the practice, put on the client's care team.
    pub async fn admin_on_team(&self) -> Person {
        let admin = self.person(&["practice_admin"]).await;
        self.p.assign(self.tenant, admin.user, self.client.user).await;
        admin
    }

    /// The actions of the practice's audit events with `outcome`, oldest first.
    pub async fn actions(&self, outcome: &str) -> Vec<String> {
        self.p.events(self.tenant).await.into_iter().filter(|e| e.outcome == outcome).map(|e| e.action).collect()
    }
}

/// Whether `bytes` hold `needle` in plain text (ASCII case aside).
pub fn holds(bytes: &[u8], needle: &str) -> bool {
    bytes.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}
