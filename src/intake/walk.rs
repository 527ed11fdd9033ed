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
//! Whatever one submitted file holds, at every depth, draws on one budget
//! ([`Limits::max_entries_per_file`], [`Limits::max_expanded_bytes_per_file`],
//! [`Limits::max_seconds_per_file`]); over it, the submitted file is
//! refused as a whole, with one reason, and none of its entries is kept.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::inspect::{
    self, Content, EmailMeta, Entries, FileKind, HEAD_BYTES, Input, Inspection, Limits, Verdict,
};

use crate::store::{Blob, BlobWriter, Store, hash_bytes};

/// A file read and inspected, with the entries found inside it.
#[derive(Debug)]
pub struct Node {
    pub hash: String,
    pub size: u64,
    pub inspection: Inspection,
    pub email: Option<EmailMeta>,
    /// (path inside the container, node)
    pub children: Vec<(String, Node)>,
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
    /// be read at all (it is then left for the next batch).
    pub fn file(&self, name: &str, path: &Path) -> io::Result<Node> {
        let mut file = File::open(path)?;
        let mut head = Vec::with_capacity(HEAD_BYTES);
        (&mut file).take(HEAD_BYTES as u64).read_to_end(&mut head)?;
        let size = file.metadata()?.len();
        let (kind, limit) = inspect::size_limit(name, &head, path, self.limits);
        let too_large = size > limit;
        let mut writer = self.store.blob_writer(!too_large && self.store.writes())?;
        writer.write_all(&head)?;
        copy(&mut file, &mut writer)?;
        let blob = self.store.finish_blob(writer)?;
        if too_large {
            let inspection = inspect::too_large(name, kind, blob.size, limit);
            return Ok(leaf(blob.hash, blob.size, inspection));
        }
        let at = blob.path.as_deref().unwrap_or(path);
        let mut budget = Budget::new(self.limits);
        let mut node = self.node(
            name,
            Input::File(at, blob.size),
            blob.hash.clone(),
            0,
            &mut budget,
        );
        if let Some(reason) = budget.over {
            node.inspection = refused(node.inspection.kind, reason);
            node.children.clear();
        }
        Ok(node)
    }

    /// Inspects one blob (already stored) and, for containers, what it holds.
    fn node(
        &self,
        name: &str,
        input: Input,
        hash: String,
        depth: u32,
        budget: &mut Budget,
    ) -> Node {
        let size = match input {
            Input::Bytes(bytes) => bytes.len() as u64,
            Input::File(_, size) => size,
        };
        if let Some(inspection) = self.store.cached_inspection(&hash, self.engine)
            && !matches!(inspection.content, Content::Container(_))
        {
            return leaf(hash, size, inspection);
        }
        let mut unpacked = ToStore {
            store: self.store,
            budget,
            blobs: Vec::new(),
        };
        let inspected = inspect::inspect_input(name, input, self.limits, depth, &mut unpacked);
        let blobs = unpacked.blobs;
        self.counters.inspected.fetch_add(1, Ordering::Relaxed);
        if let Some(jpeg) = &inspected.derived_jpeg {
            // A video's poster is stored the same way but is no photo.
            if inspected.inspection.kind != FileKind::Video {
                self.counters.photos.fetch_add(1, Ordering::Relaxed);
            }
            if let Err(e) = self.store.put_derived(&hash, jpeg) {
                tracing::warn!("无法保存{name}的缩略照片: {e}");
            }
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
                let child = match &blob.path {
                    Some(at) => self.node(
                        &path,
                        Input::File(at, blob.size),
                        blob.hash.clone(),
                        depth,
                        budget,
                    ),
                    None => leaf(
                        blob.hash,
                        blob.size,
                        refused(FileKind::Unknown, UNSTORED.into()),
                    ),
                };
                children.push((path, child));
            }
            for child in inspected.children {
                if !budget.spend(child.bytes.len() as u64) {
                    break;
                }
                let hash = hash_bytes(&child.bytes);
                if let Err(e) = self.store.put_blob(&hash, &child.bytes) {
                    tracing::warn!("无法把{}复制到存储区: {e}", child.path);
                }
                let node = self.node(
                    &child.path,
                    Input::Bytes(&child.bytes),
                    hash,
                    child.depth,
                    budget,
                );
                children.push((child.path, node));
            }
        }
        if !matches!(inspection.content, Content::Container(_))
            && let Err(e) = self.store.put_inspection(&hash, self.engine, &inspection)
        {
            tracing::warn!("无法缓存{name}的检查结果: {e}");
        }
        Node {
            hash,
            size,
            inspection,
            email,
            children,
        }
    }
}

/// The reason for an entry that could not be kept in the store.
const UNSTORED: &str = "文件无法保存到存档区(磁盘空间不足？)，请联系管理员";

fn leaf(hash: String, size: u64, inspection: Inspection) -> Node {
    Node {
        hash,
        size,
        inspection,
        email: None,
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

/// A zip's entries, inflated into the store as they come.
struct ToStore<'a, 'b> {
    store: &'a Store,
    budget: &'b mut Budget,
    /// (path, depth, blob) of each entry.
    blobs: Vec<(String, u32, Blob)>,
}

impl Entries for ToStore<'_, '_> {
    type Writer = BlobWriter;

    fn begin(&mut self, _path: &str) -> io::Result<BlobWriter> {
        self.store.blob_writer(true)
    }

    fn done(&mut self, path: String, depth: u32, writer: BlobWriter) -> bool {
        let blob = match self.store.finish_blob(writer) {
            Ok(blob) => blob,
            Err(e) => {
                tracing::warn!("无法把{path}保存到存储区: {e}");
                return true;
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
                    "文件内层层嵌套的压缩包/邮件共含{}个以上文件，超过上限{}个，疑似压缩炸弹，已拒绝，请直接报送其中的文件",
                    self.max_entries, self.max_entries
                ))
            } else if self.bytes > self.max_bytes {
                Some(format!(
                    "文件内层层嵌套的压缩包/邮件展开后超过{}，疑似压缩炸弹，已拒绝，请直接报送其中的文件",
                    crate::fmt::size(self.max_bytes)
                ))
            } else if self.started.elapsed() > self.max_time {
                Some(format!(
                    "文件内的压缩包/邮件检查超过{}秒仍未完成，已拒绝，请直接报送其中的文件",
                    self.max_time.as_secs()
                ))
            } else {
                None
            };
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
}
