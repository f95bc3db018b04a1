//! `telehealthctl`: the operator and admin CLI. Human-readable output by default, JSON with
//! `--json`; exit code 0 on success, 1 when the platform answered with a failure, 2 on bad
//! input or configuration (clap's usage errors already exit 2).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use tp_ctl::{seed, status};

#[derive(Parser)]
#[command(name = "telehealthctl", version, about = "Operate the telehealth platform")]
struct Cli {
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the demo practices' encryption keys (idempotent). Needs APP__VAULT__* settings.
    Seed,
    /// Check every service's /readyz (gateway on --port-base, the others on the next ports).
    Status {
        /// Host the services listen on.
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// Port of the gateway; identity is +1, scheduling +2, ... audit +6.
        #[arg(long, default_value_t = 8080)]
        port_base: u16,
        /// Keep polling until all are ready or this many seconds pass (0 = check once).
        #[arg(long, default_value_t = 0)]
        wait: u64,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Seed => seed::run(cli.json).await,
        Command::Status { host, port_base, wait } => status::run(&host, port_base, wait, cli.json).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("telehealthctl: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
