//! Stage 3, inspect: open every submitted file for real, judge it, and turn it
//! into content the report can use.
//!
//! The entry point is [`inspect`]: bytes in, an [`Inspection`] (and, for
//! containers, the files inside) out. It never panics and never touches the
//! filesystem; limits on sizes, dimensions and depth come from [`Limits`].

mod types;

pub use types::*;

use serde::{Deserialize, Serialize};

/// Bounds that keep hostile input from exhausting memory or time.
/// Configurable in campaign.toml under `[limits]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest file accepted at all, in bytes.
    pub max_file_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 512 * 1024 * 1024,
        }
    }
}

/// An inspection plus, for containers (zip, eml), the files found inside.
#[derive(Debug, Clone)]
pub struct Inspected {
    pub inspection: Inspection,
    pub children: Vec<Child>,
    /// For photos: an upright, print-size JPEG made from the same decode, so a
    /// photo is decoded once per version, ever (the store caches it).
    pub derived_jpeg: Option<Vec<u8>>,
}

/// Inspects one file given its name (for the claimed extension) and bytes.
pub fn inspect(_name: &str, bytes: &[u8], limits: &Limits) -> Inspected {
    let (kind, verdict, reason) = if bytes.is_empty() {
        (FileKind::Empty, Verdict::Reject, "文件为空(0字节)，请重新报送")
    } else if bytes.len() as u64 > limits.max_file_bytes {
        (FileKind::Unknown, Verdict::Reject, "文件过大，超过上限")
    } else {
        (FileKind::Unknown, Verdict::Warning, "尚未检查文件内容")
    };
    Inspected {
        inspection: Inspection {
            kind,
            verdict,
            reason: Some(reason.to_string()),
            notes: Vec::new(),
            content: Content::None,
        },
        children: Vec::new(),
        derived_jpeg: None,
    }
}
