//! `tp-scheduling [serve|migrate]`: settings from `APP__*` variables; see `tp_server::run`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tp_server::run::<tp_scheduling::Scheduling>(env!("CARGO_PKG_VERSION")).await
}
