//! The `servicedesk` binary, built as part of this crate so that tests which kill a server
//! process (`TestApp::process`) always run the current code.

fn main() {
    std::process::exit(api::cli::main());
}
