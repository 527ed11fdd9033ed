//! Stage 1, campaign: what the office asked for. The campaign file, the
//! office's schedule spreadsheet, the unit roster with aliases, the
//! deliverables and their deadline rules, and the working-day calendar.

pub mod calendar;
