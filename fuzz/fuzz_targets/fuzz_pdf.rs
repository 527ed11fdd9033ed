//! Fuzz target: `inspect` on arbitrary bytes named `input.pdf`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| baosong_fuzz::run("input.pdf", data));
