//! baosong (报送): the nightly batch for offices that coordinate
//! multi-department campaigns.
//!
//! One pipeline, one module per stage, plain data flowing one way:
//!
//! ```text
//! campaign ─► intake ─► inspect ─► assess ─► report ─► render ─► notify
//! (config,    (scan,     (open,     (state    (one      (PDF,     (plan,
//!  schedule,   unpack,    validate,  per       report    DOCX,     receipts,
//!  roster)     store)     extract)   unit and  model)    XLSX,     reminders,
//!                                    deliverable)        board)    report mail)
//! ```
//!
//! [`pipeline`] strings the stages together for `baosong run`, one call per
//! step; every stage can be used and tested on its own. [`ledger`] owns the
//! SQLite state and every query on it; only intake, notify (its outbox and
//! the previous states it plans from), [`status`], [`archive`], the
//! pipeline and [`cli`] reach it. [`store`] is the content-addressed store
//! of every version's bytes and derived files, and defines the one
//! recorded version of a file the ledger returns and the stages read.
//! [`model`] and [`fmt`] are the vocabulary all stages share; [`assess`]
//! returns typed values and [`wording`] makes every sentence about them;
//! [`notice`] is the one channel for the office's questions and warnings;
//! [`timings`] records the wall time of each stage (`baosong run
//! --timings`). `tests/architecture.rs` keeps the imports to this shape.

pub mod allocator;
pub mod archive;
pub mod assess;
pub mod atomic;
pub mod campaign;
pub mod cli;
pub mod datetext;
pub mod doctext;
pub mod fmt;
pub mod inspect;
pub mod intake;
pub mod ledger;
pub mod model;
pub mod names;
pub mod notice;
pub mod notify;
pub mod pipeline;
pub mod portal;
pub mod render;
pub mod report;
pub mod status;
pub mod store;
pub mod timings;
pub mod whole_file;
pub mod wording;
