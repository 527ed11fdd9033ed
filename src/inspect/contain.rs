//! Readers of untrusted files run contained: a panic in one (a parser bug a
//! damaged or hostile file reaches) becomes that file's refusal, whose
//! reason says so in Chinese; the terminal and the cron log do not get
//! Rust's English panic message for it.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

thread_local! {
    /// How many [`contained`] calls this thread is inside.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Runs `f`; None when it panicked.
pub fn contained<T>(f: impl FnOnce() -> T) -> Option<T> {
    DEPTH.with(|d| d.set(d.get() + 1));
    let out = catch_unwind(AssertUnwindSafe(f)).ok();
    DEPTH.with(|d| d.set(d.get() - 1));
    out
}

/// Makes a panic inside [`contained`] a debug line (`RUST_LOG=debug`, for
/// whoever fixes the reader); any other panic still reaches the default
/// hook. Called once by the binary.
pub fn quiet_contained_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if DEPTH.with(Cell::get) > 0 {
            tracing::debug!("a reader panicked; the file is refused: {info}");
        } else {
            default(info);
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_none_and_the_depth_unwinds() {
        assert_eq!(contained(|| 7), Some(7));
        assert_eq!(contained(|| -> u8 { panic!("reader bug") }), None);
        assert_eq!(DEPTH.with(Cell::get), 0);
    }
}
