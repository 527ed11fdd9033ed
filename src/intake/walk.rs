//! One submitted file, and everything inside it, into the store and through
//! the inspect stage, with memory bounded by the limits, never by the size
//! of what arrived.
//!
//! The file is hashed and copied into the store in pieces, through a fixed
//! buffer; one over its kind's size limit is only hashed, and refused from
//! its size. It is then inspected from the stored copy: a video or a zip by
//! seeking, anything else read whole (under [`Limits::max_file_bytes`]). A
//! zip's entries are inflated straight into the store and inspected from
//! there in turn; an e-mail's attachments and a document's pasted photos,
//! in memory already, are stored and inspected from memory.
//!
//! What one blob gave, with everything found inside it at every depth, is
//! kept as one record ([`Node`]) keyed by its content, written only once
//! the blobs of its entries and its print JPEG or poster are stored, and
//! reused only when it and every part it names are there: a renamed copy
//! of a file, or a batch after one that died, gets the whole of it or
//! inspects again. A file whose parts cannot be stored (a full disk) is
//! not read this batch, rather than recorded with parts missing.
//!
//! Whatever one submitted file holds, at every depth, draws on one budget
//! ([`Limits::max_entries_per_file`], [`Limits::max_expanded_bytes_per_file`],
//! [`Limits::max_seconds_per_file`]: unpacking, inspecting every part,
//! decoding photos and video posters); over it, the submitted file is
//! refused as a whole, with one reason naming the limit, and none of its
//! entries is kept.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::inspect::{
    self, Content, EmailMeta, Entries, FileKind, HEAD_BYTES, Input, Inspection, Limits, Verdict,
};

use crate::store::{Blob, BlobWriter, Store, WriteFailure, hash_bytes};

/// A blob read and inspected, with the entries found inside it: what the
/// store keeps per content and inspect engine.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Node {
    pub hash: String,
    pub size: u64,
    pub inspection: Inspection,
    pub email: Option<EmailMeta>,
    /// A print JPEG (or a video's poster) was made from it and stored.
    #[serde(default)]
    pub derived: bool,
    /// (path inside the container, node)
    pub children: Vec<(String, Node)>,
}

impl Node {
    /// Every node below this one, at every depth.
    pub fn descendants(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        let mut stack: Vec<&Node> = self.children.iter().map(|(_, n)| n).collect();
        while let Some(n) = stack.pop() {
            stack.extend(n.children.iter().map(|(_, c)| c));
            out.push(n);
        }
        out
    }
}

/// What the inspect step did, counted across threads.
#[derive(Debug, Default)]
pub struct Counters {
    /// Blobs inspected (cache misses).
    pub inspected: AtomicUsize,
    /// Photos decoded.
    pub photos: AtomicUsize,
}

/// Reads submitted files into a store under one set of limits.
pub struct Walker<'a> {
    pub store: &'a Store,
    /// The inspect engine's identity ([`super::engine_id`]).
    pub engine: &'a str,
    pub limits: &'a Limits,
    pub counters: &'a Counters,
}

/// The size of the buffer a file is hashed and copied through.
const COPY_BUFFER: usize = 256 * 1024;

impl Walker<'_> {
    /// Reads the submitted file at `path`, named `name` (its path in the
    /// inbox), and everything inside it. An error means the file could not
    /// be read, or what it holds could not be stored, at all (it is then
    /// left for the next batch).
    pub fn file(&self, name: &str, path: &Path) -> io::Result<Node> {
        let mut file = File::open(path)?;
        let mut head = Vec::with_capacity(HEAD_BYTES);
        (&mut file).take(HEAD_BYTES as u64).read_to_end(&mut head)?;
        let size = file.metadata()?.len();
        let (kind, limit) = inspect::size_limit(name, &head, path, self.limits);
        let too_large = size > limit;
        if !too_large && self.store.writes() && inspect::read_whole(kind) {
            // Read once: hashed, kept and inspected from the same memory.
            drop(file);
            return crate::whole_file::with_contents(path, limit, |bytes| {
                let hash = hash_bytes(bytes);
                self.store.put_blob(&hash, bytes)?;
                self.read_whole(name, Input::Bytes(bytes), hash)
            })?;
        }
        let mut writer = self.store.blob_writer(!too_large && self.store.writes())?;
        writer.write_all(&head)?;
        copy(&mut file, &mut writer)?;
        let blob = self.store.finish_blob(writer)?;
        if too_large {
            let inspection = inspect::too_large(name, kind, blob.size, limit);
            return Ok(leaf(blob.hash, blob.size, inspection));
        }
        let at = blob.path.as_deref().unwrap_or(path);
        self.read_whole(name, Input::File(at, blob.size), blob.hash)
    }

    /// Inspects a submitted file already in the store (a message taken
    /// from the mailbox) and everything inside it, under one budget.
    pub fn read_whole(&self, name: &str, input: Input, hash: String) -> io::Result<Node> {
        let mut budget = Budget::new(self.limits);
        let part = Part {
            name,
            input,
            hash,
            depth: 0,
        };
        let node = self.node(part, &mut budget)?;
        Ok(match budget.over {
            Some(reason) => Node {
                inspection: refused(node.inspection.kind, reason),
                children: Vec::new(),
                ..node
            },
            None => node,
        })
    }

    /// The record kept for `hash`, when it and every part it names are in
    /// the store.
    fn cached(&self, hash: &str) -> Option<Node> {
        let node: Node = self.store.cached(hash, self.engine)?;
        let whole = node.hash == hash
            && (!node.derived || self.store.has_derived(hash))
            && node.descendants().iter().all(|n| {
                self.store.has_blob(&n.hash) && (!n.derived || self.store.has_derived(&n.hash))
            });
        whole.then_some(node)
    }

    /// Inspects one blob (already stored) and, for containers, what it
    /// holds; kept whole in the store unless the budget ran out meanwhile.
    fn node(&self, part: Part, budget: &mut Budget) -> io::Result<Node> {
        let Part {
            name,
            input,
            hash,
            depth,
        } = part;
        let size = match input {
            Input::Bytes(bytes) => bytes.len() as u64,
            Input::File(_, size) => size,
        };
        if let Some(node) = self.cached(&hash) {
            for n in node.descendants() {
                budget.spend(n.size);
            }
            return Ok(node);
        }
        let failure = WriteFailure::default();
        let mut unpacked = ToStore {
            store: self.store,
            budget,
            failure: &failure,
            blobs: Vec::new(),
        };
        let inspected = inspect::inspect_input(name, input, self.limits, depth, &mut unpacked);
        let blobs = unpacked.blobs;
        if let Some(e) = failure.lock().ok().and_then(|mut f| f.take()) {
            return Err(e);
        }
        self.counters.inspected.fetch_add(1, Ordering::Relaxed);
        let derived = inspected.derived_jpeg.is_some();
        if let Some(jpeg) = &inspected.derived_jpeg {
            // A video's poster is stored the same way but is no photo.
            if inspected.inspection.kind != FileKind::Video {
                self.counters.photos.fetch_add(1, Ordering::Relaxed);
            }
            self.store.put_derived(&hash, jpeg)?;
        }
        let inspection = inspected.inspection;
        let email = match &inspection.content {
            Content::Container(c) => c.email.clone(),
            _ => None,
        };
        let mut children = Vec::new();
        if inspection.keeps_entries() {
            for (path, depth, blob) in blobs {
                if budget.over.is_some() {
                    break;
                }
                let at = blob
                    .path
                    .as_deref()
                    .ok_or_else(|| io::Error::other(UNSTORED))?;
                let part = Part {
                    name: &path,
                    input: Input::File(at, blob.size),
                    hash: blob.hash,
                    depth,
                };
                let child = self.node(part, budget)?;
                children.push((path, child));
            }
            for child in inspected.children {
                if !budget.spend(child.bytes.len() as u64) {
                    break;
                }
                let hash = hash_bytes(&child.bytes);
                self.store.put_blob(&hash, &child.bytes)?;
                let part = Part {
                    name: &child.path,
                    input: Input::Bytes(&child.bytes),
                    hash,
                    depth: child.depth,
                };
                let node = self.node(part, budget)?;
                children.push((child.path, node));
            }
        }
        let node = Node {
            hash,
            size,
            inspection,
            email,
            derived,
            children,
        };
        // Inspecting this blob itself (decoding, the poster) counts too.
        if budget.in_time()
            && let Err(e) = self.store.put_cached(&node.hash, self.engine, &node)
        {
            tracing::warn!("无法缓存{name}的检查结果: {e}");
        }
        Ok(node)
    }
}

/// One blob to inspect: its name (path in the inbox or in its container),
/// its bytes, its hash, and how many containers deep it is.
struct Part<'a> {
    name: &'a str,
    input: Input<'a>,
    hash: String,
    depth: u32,
}

/// A message refused from its size alone, never downloaded.
pub fn message_too_large(name: &str, hash: String, size: u64, limits: &Limits) -> Node {
    let inspection = inspect::too_large(name, FileKind::Eml, size, limits.max_file_bytes);
    leaf(hash, size, inspection)
}

/// Why an entry unpacked from a zip has no copy to read back.
const UNSTORED: &str = "压缩包中的文件未能保存到状态目录";

fn leaf(hash: String, size: u64, inspection: Inspection) -> Node {
    Node {
        hash,
        size,
        inspection,
        email: None,
        derived: false,
        children: Vec::new(),
    }
}

fn refused(kind: FileKind, reason: String) -> Inspection {
    Inspection {
        kind,
        verdict: Verdict::Reject,
        reason: Some(reason),
        notes: Vec::new(),
        content: Content::None,
    }
}

/// Copies `from` into `to` through a fixed buffer.
fn copy(from: &mut File, to: &mut BlobWriter) -> io::Result<()> {
    let mut buffer = vec![0u8; COPY_BUFFER];
    loop {
        match from.read(&mut buffer) {
            Ok(0) => return Ok(()),
            Ok(n) => to.write_all(&buffer[..n])?,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// A zip's entries, inflated into the store as they come. A failure to
/// store one (a full disk) is kept in `failure`: the zip is not damaged,
/// the state folder is.
struct ToStore<'a, 'b> {
    store: &'a Store,
    budget: &'b mut Budget,
    failure: &'b WriteFailure,
    /// (path, depth, blob) of each entry.
    blobs: Vec<(String, u32, Blob)>,
}

impl ToStore<'_, '_> {
    fn fail(&self, e: io::Error) {
        if let Ok(mut slot) = self.failure.lock() {
            slot.get_or_insert(e);
        }
    }
}

impl Entries for ToStore<'_, '_> {
    type Writer = BlobWriter;

    fn begin(&mut self, _path: &str) -> io::Result<BlobWriter> {
        match self.store.blob_writer(true) {
            Ok(w) => Ok(w.reporting(self.failure)),
            Err(e) => {
                let err = io::Error::new(e.kind(), e.to_string());
                self.fail(e);
                Err(err)
            }
        }
    }

    fn done(&mut self, path: String, depth: u32, writer: BlobWriter) -> bool {
        let blob = match self.store.finish_blob(writer) {
            Ok(blob) => blob,
            Err(e) => {
                self.fail(e);
                return false;
            }
        };
        let go_on = self.budget.spend(blob.size);
        self.blobs.push((path, depth, blob));
        go_on
    }
}

/// What one submitted file may still spend on what it holds.
struct Budget {
    started: Instant,
    entries: usize,
    bytes: u64,
    max_entries: usize,
    max_bytes: u64,
    max_time: Duration,
    /// Why the budget ran out, once it has.
    over: Option<String>,
}

impl Budget {
    fn new(limits: &Limits) -> Budget {
        Budget {
            started: Instant::now(),
            entries: 0,
            bytes: 0,
            max_entries: limits.max_entries_per_file,
            max_bytes: limits.max_expanded_bytes_per_file,
            max_time: Duration::from_secs(limits.max_seconds_per_file),
            over: None,
        }
    }

    /// Counts one entry of `bytes`; `false` once the budget has run out.
    fn spend(&mut self, bytes: u64) -> bool {
        self.entries += 1;
        self.bytes = self.bytes.saturating_add(bytes);
        if self.over.is_none() {
            self.over = if self.entries > self.max_entries {
                Some(format!(
                    "文件内层层嵌套的压缩包/邮件共含{}个以上文件，超过上限{}个（[limits] max_entries_per_file），疑似压缩炸弹，已拒绝，请直接报送其中的文件",
                    self.max_entries, self.max_entries
                ))
            } else if self.bytes > self.max_bytes {
                Some(format!(
                    "文件内层层嵌套的压缩包/邮件展开后超过{}（[limits] max_expanded_bytes_per_file），疑似压缩炸弹，已拒绝，请直接报送其中的文件",
                    crate::fmt::size(self.max_bytes)
                ))
            } else {
                None
            };
        }
        self.in_time()
    }

    /// Whether the budget still holds, time included; once the time is up
    /// it has run out for good.
    fn in_time(&mut self) -> bool {
        if self.over.is_none() && self.started.elapsed() > self.max_time {
            self.over = Some(format!(
                "文件检查用时超过{}秒的上限（[limits] max_seconds_per_file：解压、检查其中每个文件、解码照片和视频封面都计在内），已拒绝；请把文件拆分后分别报送",
                self.max_time.as_secs()
            ));
        }
        self.over.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zip of two small files, one of them a zip of one file.
    fn nested_zip(dir: &Path) -> std::path::PathBuf {
        let inner = baosong_generate::files::zip(&[("c.txt".into(), b"c".to_vec())]);
        let outer = baosong_generate::files::zip(&[
            ("a.txt".into(), b"a".to_vec()),
            ("inner.zip".into(), inner),
        ]);
        let path = dir.join("材料.zip");
        std::fs::write(&path, outer).unwrap();
        path
    }

    fn walk(path: &Path, limits: &Limits) -> Node {
        let state = tempfile::tempdir().unwrap();
        let store = Store::new(state.path());
        let counters = Counters::default();
        let walker = Walker {
            store: &store,
            engine: "test",
            limits,
            counters: &counters,
        };
        walker.file("材料.zip", path).unwrap()
    }

    #[test]
    fn every_level_draws_on_one_budget() {
        let dir = tempfile::tempdir().unwrap();
        let path = nested_zip(dir.path());
        let node = walk(&path, &Limits::default());
        assert_eq!(node.inspection.verdict, Verdict::Ok);
        assert_eq!(node.children.len(), 2);
        assert_eq!(node.children[1].1.children[0].0, "c.txt");
        // Three entries at two levels: a budget of two refuses the zip.
        let two = Limits {
            max_entries_per_file: 2,
            ..Limits::default()
        };
        let node = walk(&path, &two);
        assert_eq!(node.inspection.verdict, Verdict::Reject);
        assert!(node.children.is_empty());
        assert!(node.inspection.reason.unwrap().contains("上限2个"));
        // Out of time: refused the same way.
        let no_time = Limits {
            max_seconds_per_file: 0,
            ..Limits::default()
        };
        let node = walk(&path, &no_time);
        assert!(node.inspection.reason.unwrap().contains("0秒"));
        let few_bytes = Limits {
            max_expanded_bytes_per_file: 1,
            ..Limits::default()
        };
        let node = walk(&path, &few_bytes);
        assert!(node.inspection.reason.unwrap().contains("展开后超过1 字节"));
    }

    /// A Word summary with `n` photos pasted in it.
    fn docx_with_photos(n: u64) -> Vec<u8> {
        let spec = baosong_generate::files::PhotoSpec {
            width: 640,
            height: 480,
            orientation: 1,
            taken: Some("2025:05:15 09:30:00".into()),
            quality: 70,
            grain: 4,
        };
        let photos: Vec<(Vec<u8>, u32, u32)> = (0..n)
            .map(|i| (baosong_generate::files::photo(100 + i, &spec), 640, 480))
            .collect();
        baosong_generate::files::summary_docx(
            "县林业局活动总结",
            &["本单位组织开展了主题宣传活动，现将情况总结如下。".to_string()],
            &photos,
        )
    }

    #[test]
    fn a_renamed_copy_gets_every_part_and_a_record_missing_one_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let docx = docx_with_photos(9);
        let first = dir.path().join("活动总结.docx");
        let copy = dir.path().join("活动总结（副本）.docx");
        std::fs::write(&first, &docx).unwrap();
        std::fs::write(&copy, &docx).unwrap();
        let state = tempfile::tempdir().unwrap();
        let store = Store::new(state.path());
        let counters = Counters::default();
        let walker = Walker {
            store: &store,
            engine: "test",
            limits: &Limits::default(),
            counters: &counters,
        };
        let read = walker.file("县林业局/活动总结.docx", &first).unwrap();
        assert_eq!(read.children.len(), 9);
        // Kept as it was read, and so is every picture inside it.
        assert_eq!(store.read(&read.hash).unwrap(), docx);
        for (_, picture) in &read.children {
            assert_eq!(
                hash_bytes(&store.read(&picture.hash).unwrap()),
                picture.hash
            );
        }
        assert_eq!(counters.inspected.load(Ordering::Relaxed), 10);
        assert_eq!(counters.photos.load(Ordering::Relaxed), 9);

        // The copy under another name: the whole record, nothing decoded.
        let again = walker.file("已处理/活动总结（副本）.docx", &copy).unwrap();
        assert_eq!(again.children.len(), 9);
        assert_eq!(counters.inspected.load(Ordering::Relaxed), 10);
        let hashes =
            |n: &Node| -> Vec<String> { n.children.iter().map(|(_, c)| c.hash.clone()).collect() };
        assert_eq!(hashes(&again), hashes(&read));

        // A part gone from the store (a print JPEG): the record is not
        // used; the document is read again and the part made again.
        let picture = &read.children[3].1;
        assert!(picture.derived);
        std::fs::remove_file(store.derived_path(&picture.hash)).unwrap();
        let third = walker.file("活动总结.docx", &first).unwrap();
        assert_eq!(third.children.len(), 9);
        assert_eq!(counters.inspected.load(Ordering::Relaxed), 12);
        assert!(store.has_derived(&picture.hash));
        // ... and so is a pasted photo's blob.
        std::fs::remove_file(store.blob_path(&picture.hash)).unwrap();
        walker.file("活动总结.docx", &first).unwrap();
        assert!(store.has_blob(&picture.hash));
    }

    #[test]
    fn what_runs_out_of_budget_is_refused_whole_and_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = nested_zip(dir.path());
        let state = tempfile::tempdir().unwrap();
        let store = Store::new(state.path());
        let counters = Counters::default();
        let two = Limits {
            max_entries_per_file: 2,
            ..Limits::default()
        };
        let walker = Walker {
            store: &store,
            engine: "test",
            limits: &two,
            counters: &counters,
        };
        let node = walker.file("材料.zip", &path).unwrap();
        assert_eq!(node.inspection.verdict, Verdict::Reject);
        let hash = crate::store::hash_file(&path).unwrap();
        assert!(store.cached::<Node>(&hash, "test").is_none());
    }
}
