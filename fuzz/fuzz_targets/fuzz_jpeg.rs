//! Fuzz target: `inspect` on arbitrary bytes named `input.jpg`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| baosong_fuzz::run("input.jpg", data));
