//! glibc's allocator, set up for a batch that works in stages: decode
//! photos on two threads, then lay out a long report in parts.
//!
//! - every thread gets its own malloc arena, and little of it is handed
//!   back: after typst's layout, spread over rayon's threads, ~50 MB of the
//!   440 MB peak at 200 units sat in idle arenas. Two arenas measured as
//!   fast ([`configure`]);
//! - freed memory is handed back where a stage ends: before the report is
//!   laid out and after each of its parts ([`release_freed_memory`]), so
//!   peak memory does not grow with the number of units.
//!
//! Keeping photo-sized buffers in the heap instead (mmap threshold 32 MB,
//! trim threshold 256 MB) was measured and dropped: it saves the page
//! faults of 2000×1500 decodes at 1600 px, but at the report's 1000 px the
//! photo stage is no faster and peak memory at 200 units rose by ~9 MB
//! (benches/README.md).

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
