//! The edge: the `baosong` command line. [`main`] parses the arguments
//! (in Chinese, [`lang`]), runs one command's body (a module each: `run`,
//! `status` in [`snapshot`], [`check`], [`init`], [`archive`], [`assign`],
//! [`outbox`])
//! and turns an error into one Chinese line and its exit code ([`exit`]).
//! The text the office reads is made here; the work is the library's.

pub mod archive;
mod args;
pub mod assign;
pub mod check;
pub mod exit;
mod imap;
mod init;
mod lang;
pub mod outbox;
mod run;
mod snapshot;
pub mod status;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};

pub use args::{Cli, VERSION};
use args::{Command, OutboxCmd};
use lang::Chinese;
use outbox::OutboxAction;

/// The command line with its frame in Chinese: what `main` parses, and
/// what the man page and shell completion are made from.
pub fn command() -> clap::Command {
    lang::localize(Cli::command())
}

/// `baosong`: parses the command line, runs the command, and exits with
/// its code.
pub fn main() -> ExitCode {
    let cmd = command();
    let parsed = cmd
        .clone()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (m, cli)));
    let (matches, cli) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => return usage(&e.apply::<Chinese>()),
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    crate::inspect::contain::quiet_contained_panics();
    match dispatch(&cmd, &matches, cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) if exit::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => match e.downcast_ref::<clap::error::Error<Chinese>>() {
            Some(usage_mistake) => usage(usage_mistake),
            None => {
                eprintln!("错误: {}", exit::describe(&e));
                ExitCode::from(exit::code(&e))
            }
        },
    }
}

/// Prints a usage mistake (or the help or version asked for) as clap does,
/// with its exit code.
fn usage(e: &clap::error::Error<Chinese>) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp => print!("{}", lang::help_text(&e.render().to_string())),
        // No command given: the help, as a usage mistake, on stderr.
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprint!("{}", lang::help_text(&e.render().to_string()));
        }
        _ => {
            let _ = e.print();
        }
    }
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(exit::USAGE))
}

fn dispatch(cmd: &clap::Command, matches: &ArgMatches, cli: Cli) -> anyhow::Result<u8> {
    let campaign = cli.campaign.as_path();
    let stdout = || std::io::stdout().lock();
    match cli.command {
        Command::Run(args) => run::run(campaign, args),
        Command::Status { json } => snapshot::run(campaign, json),
        Command::Check { imap: true, .. } => imap::run(campaign),
        Command::Check { files, json, .. } => {
            let limits = crate::inspect::Limits::default();
            let rejected = check::run(&files, json, &limits, &mut stdout())?;
            Ok(if rejected > 0 {
                exit::REJECTED
            } else {
                exit::SUCCESS
            })
        }
        Command::Init {
            campaign: _,
            schedule,
            out,
            force,
        } => {
            // -C is hidden from init's help; given all the same (before or
            // after `init`), it is refused rather than ignored.
            if matches.value_source("campaign") == Some(ValueSource::CommandLine) {
                return Err(lang::usage_error(
                    cmd,
                    "init",
                    "init 不使用 -C：它根据活动安排表生成 campaign.toml，默认写在活动安排表旁边；\
                     要写到别处请用 --out（如 baosong init --schedule 活动安排表.xlsx --out /srv/baosong/活动/campaign.toml）"
                        .into(),
                )
                .into());
            }
            init::run(&schedule, out, force)?;
            Ok(exit::SUCCESS)
        }
        Command::Archive { at, final_ } => {
            let campaign = crate::campaign::Campaign::load(campaign)?;
            archive::run(&campaign, at.as_deref(), final_, &mut stdout())?;
            Ok(exit::SUCCESS)
        }
        Command::Assign {
            path,
            unit,
            deliverable,
            undo,
        } => {
            let campaign = crate::campaign::Campaign::load(campaign)?;
            let action = match unit {
                Some(unit) if !undo => assign::AssignAction::Assign {
                    path,
                    unit,
                    deliverable,
                },
                _ => assign::AssignAction::Undo { path },
            };
            assign::run(&campaign, action, &mut stdout())?;
            Ok(exit::SUCCESS)
        }
        Command::Outbox { action } => {
            let campaign = crate::campaign::Campaign::load(campaign)?;
            let ledger = crate::ledger::Ledger::open(&campaign.state_dir())?;
            let action = match action.unwrap_or(OutboxCmd::List { all: false }) {
                OutboxCmd::List { all } => OutboxAction::List { all },
                OutboxCmd::Retry { id } => OutboxAction::Retry { id },
                OutboxCmd::Drop { id } => OutboxAction::Drop { id },
                OutboxCmd::Resend { id } => OutboxAction::Resend {
                    id,
                    now: chrono::Utc::now()
                        .with_timezone(&campaign.tz)
                        .fixed_offset(),
                },
            };
            outbox::run(&ledger, action, &mut stdout())?;
            Ok(exit::SUCCESS)
        }
    }
}
