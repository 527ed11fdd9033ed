//! baosong (报送): the nightly batch for offices that coordinate
//! multi-department campaigns.
//!
//! One pipeline, one module per stage, plain data flowing one way:
//!
//! ```text
//! campaign ─► intake ─► inspect ─► assess ─► report ─► render ─► notify
//! (config,    (scan,     (open,     (state    (one      (PDF,     (receipts,
//!  schedule,   unpack,    validate,  per       report    DOCX,     reminders,
//!  calendar)   identify,  extract)   unit and  model)    XLSX)     report mail)
//!              ledger)               deliverable)
//! ```
//!
//! [`pipeline`] strings the stages together for `baosong run`; every stage
//! can be used and tested on its own; [`timings`] records the wall time of
//! each (`baosong run --timings`).

pub mod allocator;
pub mod archive;
pub mod assess;
pub mod atomic;
pub mod campaign;
pub mod cli;
pub mod fmt;
pub mod generate;
pub mod inspect;
pub mod intake;
pub mod ledger;
pub mod model;
pub mod notify;
pub mod pipeline;
pub mod portal;
pub mod render;
pub mod report;
pub mod timings;
pub mod whole_file;
