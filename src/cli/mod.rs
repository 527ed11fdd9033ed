//! What the command line prints for people: the status table at the end of
//! `run` and under `status`, `check`'s verdicts, and the `outbox` command's
//! listings. The binary (`main.rs`) parses arguments and
//! calls the pipeline; the text the office reads is made here.

pub mod archive;
pub mod check;
pub mod outbox;
pub mod status;
