//! Commands of `telehealthctl`. Each command is a module with `run(..., json) -> Result<(), CtlError>`
//! that prints its own output; `main` only parses arguments and maps the error to an exit code.

pub mod seed;
pub mod status;

/// Why a command failed. The Display is printed to the operator as is.
#[derive(Debug, thiserror::Error)]
pub enum CtlError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("vault: {0}")]
    Vault(#[from] tp_vault::VaultError),
    #[error("{0}")]
    NotReady(String),
}

impl CtlError {
    pub const fn exit_code(&self) -> u8 {
        match self {
            CtlError::Config(_) => 2,
            CtlError::Vault(_) | CtlError::NotReady(_) => 1,
        }
    }
}
