//! The `escalate` binary: parse the command line, run it, map errors to exit codes.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let result = match cli::Args::try_parse() {
        Ok(args) => cli::run(args),
        Err(e) => cli::usage(e),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if cli::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            cli::tell(&format!("error: {}", cli::message(&e)));
            cli::exit_code(&e)
        }
    }
}
