//! Fuzz target: `inspect` on arbitrary bytes named `input.mp4`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| baosong_fuzz::run("input.mp4", data));
