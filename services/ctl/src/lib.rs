//! Commands of `telehealthctl`. Each command is a module with `run(..., json) -> Result<(), CtlError>`
//! that prints its own output; `main` only parses arguments and maps the error to an exit code.

pub mod api_client;
pub mod audit;
pub mod identity;
pub mod mailbox;
pub mod seed;
pub mod status;
pub mod tenant;
pub mod user;

/// Why a command failed. The Display is printed to the operator as is.
#[derive(Debug, thiserror::Error)]
pub enum CtlError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("{0}")]
    NotReady(String),
    /// The request was refused as invalid: the operator's input, exit code 2.
    #[error("{0}")]
    BadInput(String),
    /// identity answered with a failure (refused, not found, conflict, unavailable).
    #[error("{0}")]
    Api(String),
    #[error("{0}")]
    Unreachable(String),
    /// A check ran and found problems (an audit chain that is not intact).
    #[error("{0}")]
    Failed(String),
}

impl CtlError {
    pub const fn exit_code(&self) -> u8 {
        match self {
            CtlError::Config(_) | CtlError::BadInput(_) => 2,
            CtlError::NotReady(_) | CtlError::Api(_) | CtlError::Unreachable(_) | CtlError::Failed(_) => 1,
        }
    }
}
