//! The `baosong` command line. On the inspect branch only `check` is wired;
//! the lead merges the full command set.

use baosong::inspect::{Limits, check};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "baosong",
    about = "报送: nightly batch processor for campaign submissions"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Inspect files (folders recursively): real type, verdict, reason.
    Check {
        /// One JSON object per line instead of text.
        #[arg(long)]
        json: bool,
        /// Files or folders to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { json, files } => {
            let mut out = std::io::stdout().lock();
            match check::run(&files, json, &Limits::default(), &mut out) {
                Ok(0) => ExitCode::SUCCESS,
                Ok(_) => ExitCode::from(1),
                Err(e) => {
                    eprintln!("baosong check: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}
