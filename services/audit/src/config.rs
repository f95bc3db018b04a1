//! The audit service's own settings, the `audit.*` section (`APP__AUDIT__*`): whose tokens it
//! accepts and how the sealer runs. Every field but `auth` has a default.

use serde::Deserialize;
use tp_auth::VerifierConfig;

#[derive(Debug, Clone, Deserialize)]
pub struct AuditSettings {
    /// How access tokens are verified: identity's issuer and the API audience.
    pub auth: VerifierConfig,
    /// Seconds between sealing passes. Each pass seals what was committed since the last,
    /// so this bounds how long an event stays outside the chain.
    #[serde(default = "defaults::seal_interval_secs")]
    pub seal_interval_secs: u64,
    /// Events sealed per chain per pass, so one busy tenant cannot hold a transaction open
    /// for long; a backlog drains over several passes.
    #[serde(default = "defaults::seal_batch")]
    pub seal_batch: u64,
    /// How far behind the chain's newest sealed event an event may still arrive: longer than
    /// any transaction of a service lives (an event's time is its transaction's start). An
    /// unsealed event older than that is not sealed but reported as `inserted`.
    #[serde(default = "defaults::late_commit_window_secs")]
    pub late_commit_window_secs: u64,
    /// The Vault transit key (ed25519) that signs checkpoints; created at start-up.
    #[serde(default = "defaults::checkpoint_key")]
    pub checkpoint_key: String,
}

mod defaults {
    pub const fn seal_interval_secs() -> u64 {
        2
    }
    pub const fn seal_batch() -> u64 {
        1000
    }
    pub const fn late_commit_window_secs() -> u64 {
        600
    }
    pub fn checkpoint_key() -> String {
        "audit-checkpoints".to_owned()
    }
}
