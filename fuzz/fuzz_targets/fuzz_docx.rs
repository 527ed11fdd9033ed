//! Fuzz target: `inspect` on arbitrary bytes named `input.docx`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| baosong_fuzz::run("input.docx", data));
