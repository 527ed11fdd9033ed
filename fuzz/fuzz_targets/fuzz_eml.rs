//! Fuzz target: `inspect` on arbitrary bytes named `input.eml`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| baosong_fuzz::run("input.eml", data));
