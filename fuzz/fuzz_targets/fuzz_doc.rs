//! Fuzz target: `inspect` on arbitrary bytes named `input.doc`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| baosong_fuzz::run("input.doc", data));
