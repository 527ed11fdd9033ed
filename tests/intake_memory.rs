//! Intake's memory does not follow the size of what arrived. This test
//! binary counts every heap allocation (its global allocator) while intake
//! reads an inbox holding a 256 MB phone video, a 96 MB "photo" over the
//! size limit and a zip with a 40 MB entry, with `max_file_bytes` at 8 MB:
//! each file is hashed (and, under its limit, copied into the store)
//! through a fixed buffer, and none is read whole. Reading any of them
//! whole (as intake did before) allocates its size and fails this test.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use baosong::inspect::{Limits, Verdict};
use baosong::intake;
use baosong::ledger::Ledger;
use baosong::store::Store;

/// The system allocator, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(size: usize) {
    let now = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed on to the system allocator unchanged; the
// counters are only arithmetic on the sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MB: u64 = 1 << 20;

/// The BLAKE3 hash of a file, read in pieces.
fn file_hash(path: &Path) -> String {
    let mut hasher = blake3::Hasher::new();
    let mut file = std::fs::File::open(path).unwrap();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    hasher.finalize().to_hex().to_string()
}

/// A zip of a few MB holding one entry of `len` bytes (64-byte lines, a
/// fixed text and 8 random hex digits: about 10:1, under the ratio check).
fn write_zip(path: &Path, len: u64) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("活动照片/现场视频片段.bin", opts).unwrap();
    let mut rng = baosong::generate::files::Rng::new(7);
    let mut chunk = vec![0u8; MB as usize];
    for _ in 0..len / MB {
        for line in chunk.chunks_mut(64) {
            let text = b"video frame data of the activity on 15 May, camera 1: ";
            line[..text.len()].copy_from_slice(text);
            let bits = rng.next_u64();
            for (i, b) in line[text.len()..].iter_mut().enumerate() {
                *b = b"0123456789abcdef"[((bits >> (4 * i)) & 15) as usize];
            }
        }
        zip.write_all(&chunk).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn large_files_are_hashed_and_stored_without_being_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox/县林业局");
    std::fs::create_dir_all(&inbox).unwrap();
    let video = inbox.join("活动视频.mp4");
    baosong::generate::files::write_video(&video, 256 * MB).unwrap();
    let big = inbox.join("活动照片.jpg");
    let mut f = std::fs::File::create(&big).unwrap();
    f.write_all(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap();
    f.set_len(96 * MB).unwrap();
    drop(f);
    let zip = inbox.join("材料.zip");
    write_zip(&zip, 40 * MB);

    let state = dir.path().join("state");
    let ledger = Ledger::open(&state).unwrap();
    let store = Store::new(&state);
    let now = chrono::Utc::now();
    let clock = now.fixed_offset();
    let batch = ledger.begin_batch(clock, clock).unwrap();
    let limits = Limits {
        max_file_bytes: 8 * MB,
        ..Limits::default()
    };
    let opts = intake::Options {
        inbox: dir.path().join("inbox"),
        settle: std::time::Duration::ZERO,
        real_now: now + chrono::Duration::seconds(5),
        clock,
        limits: limits.clone(),
        mailbox: None,
    };

    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let known = ledger.intake_snapshot(batch).unwrap();
    let intake::Intake {
        summary: report,
        record,
    } = intake::run(&known, &store, &opts, &indicatif::ProgressBar::hidden()).unwrap();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    ledger.record_intake(batch, &record).unwrap();
    assert!(report.unreadable.is_empty(), "{:?}", report.unreadable);
    assert!(
        peak < 24 * MB as usize,
        "intake's heap grew by {} MB for 392 MB of files",
        peak >> 20
    );

    let baosong::ledger::Versions {
        versions,
        unreadable,
    } = ledger.all_versions().unwrap();
    assert!(unreadable.is_empty(), "{unreadable:?}");
    let of = |name: &str| {
        versions
            .iter()
            .find(|v| v.path.ends_with(name))
            .unwrap_or_else(|| panic!("{name} not recorded"))
    };
    // The video: hashed, copied whole into the store, its index read.
    let v = of("活动视频.mp4");
    assert_eq!(v.inspection.verdict, Verdict::Ok, "{:?}", v.inspection);
    assert_eq!(v.hash, file_hash(&video));
    assert_eq!(
        std::fs::metadata(store.blob_path(&v.hash)).unwrap().len(),
        std::fs::metadata(&video).unwrap().len()
    );
    let baosong::inspect::Content::Video(facts) = &v.inspection.content else {
        panic!("{:?}", v.inspection.content)
    };
    assert_eq!(
        (facts.width, facts.height, facts.rotation),
        (1080, 1920, 90)
    );
    assert_eq!(facts.codec.as_deref(), Some("avc1"));
    // Over the limit: hashed, refused from its size, not copied.
    let p = of("活动照片.jpg");
    assert_eq!(p.inspection.verdict, Verdict::Reject);
    assert!(
        p.inspection.reason.as_deref().unwrap().contains("文件过大"),
        "{:?}",
        p.inspection.reason
    );
    assert_eq!(p.hash, file_hash(&big));
    assert!(!store.blob_path(&p.hash).exists());
    // The zip (under the limit) is read by seeking; its 40 MB entry is
    // inflated straight into the store, then refused from its size.
    assert!(std::fs::metadata(&zip).unwrap().len() < 8 * MB);
    let e = of("现场视频片段.bin");
    assert_eq!(e.size, 40 * MB);
    assert!(store.blob_path(&e.hash).exists());
    assert!(e.inspection.reason.as_deref().unwrap().contains("文件过大"));

    // `baosong check` reads the same way.
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
    let before = LIVE.load(Ordering::Relaxed);
    let lines = baosong::cli::check::check_file(&video, &limits);
    let peak = PEAK.load(Ordering::Relaxed) - before;
    assert_eq!(lines[0].verdict, Verdict::Ok);
    assert!(peak < 24 * MB as usize, "check grew by {} MB", peak >> 20);
}
