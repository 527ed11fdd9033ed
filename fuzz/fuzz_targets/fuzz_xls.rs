//! Fuzz target: `inspect` on arbitrary bytes named `input.xls`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| baosong_fuzz::run("input.xls", data));
