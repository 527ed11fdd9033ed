//! glibc's allocator, set up for a batch that works in stages: decode
//! photos on two threads, then lay out a long report in parts.
//!
//! - two malloc arenas, not one per thread ([`configure`]): memory freed in
//!   an idle thread's arena is never reused by the others;
//! - freed memory is handed back to the system where a stage ends (before
//!   the report is laid out and after each of its parts,
//!   [`release_freed_memory`]) and every few dozen files read in the photo
//!   stage ([`ReleaseEvery`], counted in [`crate::whole_file`]): glibc
//!   returns memory from the middle of its heaps only on a trim, so without
//!   them the resident set grows with the number of photos.
//!
//! What each of these saves, and what was tried instead, is measured in
//! benches/README.md ("Where the time and memory go", "The trims").

use std::sync::atomic::{AtomicUsize, Ordering};

/// Sets the allocator up. Call first thing in `main`, before any thread
/// starts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn configure() {
    // SAFETY: mallopt only sets an allocator parameter; no other thread
    // exists yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn configure() {}

/// Hands memory freed by a finished stage back to the system.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn release_freed_memory() {
    // SAFETY: malloc_trim only returns unused heap pages; it is thread-safe.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn release_freed_memory() {}

/// Files read between two hand-backs of freed memory in the photo stage:
/// about a second of work on two cores.
pub const FILES_BETWEEN_RELEASES: usize = 32;

/// Hands freed memory back after every `every`-th finished piece of work,
/// counted across threads: for a long parallel stage whose freed buffers
/// would otherwise pile up in glibc's heaps.
#[derive(Debug)]
pub struct ReleaseEvery {
    every: usize,
    done: AtomicUsize,
}

impl ReleaseEvery {
    /// Releases after every `every` pieces (at least 1).
    pub const fn new(every: usize) -> ReleaseEvery {
        ReleaseEvery {
            every: if every == 0 { 1 } else { every },
            done: AtomicUsize::new(0),
        }
    }

    /// One piece of work finished; `true` if memory was released for it.
    pub fn finished_one(&self) -> bool {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let due = done.is_multiple_of(self.every);
        if due {
            release_freed_memory();
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_after_every_nth_piece_across_threads() {
        let release = ReleaseEvery::new(4);
        let released: usize = std::thread::scope(|s| {
            let workers: Vec<_> = (0..2)
                .map(|_| s.spawn(|| (0..6).filter(|_| release.finished_one()).count()))
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).sum()
        });
        // 12 pieces, a release after the 4th, 8th and 12th.
        assert_eq!(released, 3);
        assert!(ReleaseEvery::new(0).finished_one());
    }
}
