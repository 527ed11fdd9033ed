//! Fuzz target: `inspect` on arbitrary bytes named `input.zip`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| baosong_fuzz::run("input.zip", data));
