//! Shared body of the fuzz targets: inspect the input under a name that
//! selects the parser, with small limits so each run stays fast, then check
//! the invariants the pipeline relies on. A panic inside a reader is caught
//! by `inspect` and turned into a rejection, so that rejection is asserted
//! against here to make the fuzzer see it.

use baosong::inspect::{Limits, PANIC_REASON, Verdict, inspect_nested};

/// Limits small enough that one input never takes long.
pub fn limits() -> Limits {
    Limits {
        max_file_bytes: 4 * 1024 * 1024,
        max_image_pixels: 4_000_000,
        max_entry_bytes: 8 * 1024 * 1024,
        max_total_expanded_bytes: 16 * 1024 * 1024,
        max_xml_part_bytes: 4 * 1024 * 1024,
        max_sheet_cells: 200_000,
        max_video_frame_pixels: 1_000_000,
        ..Limits::default()
    }
}

/// Inspects `data` as `name` and its children, checking invariants.
pub fn run(name: &str, data: &[u8]) {
    let limits = limits();
    check(name, data, 0, &limits);
}

fn check(name: &str, data: &[u8], depth: u32, limits: &Limits) {
    let got = inspect_nested(name, data, limits, depth);
    let i = &got.inspection;
    assert_ne!(
        i.reason.as_deref(),
        Some(PANIC_REASON),
        "a reader panicked on {name}"
    );
    assert!(
        i.verdict == Verdict::Ok || i.reason.is_some(),
        "no reason for {:?}",
        i.verdict
    );
    assert!(got.children.len() <= limits.max_entries);
    for child in &got.children {
        assert_eq!(child.depth, depth + 1);
        assert!(!child.path.starts_with('/') && !child.path.split('/').any(|p| p == ".."));
        check(&child.path, &child.bytes, child.depth, limits);
    }
}
