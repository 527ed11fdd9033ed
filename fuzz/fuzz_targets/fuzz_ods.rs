//! Fuzz target: `inspect` on arbitrary bytes named `input.ods`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| baosong_fuzz::run("input.ods", data));
