//! The `pdp` command line: check, train and evaluate networks headless.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    // No panic reaches the user as a backtrace: it is reported as an internal error, exit 2.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("internal error (a bug in pdp, please report it): {info}");
    }));
    match std::panic::catch_unwind(cli::run) {
        Ok(code) => code,
        Err(_) => ExitCode::from(2),
    }
}
