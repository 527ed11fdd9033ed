//! Fuzz target: `inspect` on arbitrary bytes named `input.bin`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| baosong_fuzz::run("input.bin", data));
