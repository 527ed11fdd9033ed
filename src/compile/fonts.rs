//! The CJK font every renderer uses: its bytes (a .ttf/.otf or one face of a
//! .ttc), its family name, and which characters of a text it cannot show.

use std::path::Path;

use typst::foundations::Bytes;
use typst::text::FontInfo;

use super::CompileError;

/// WenQuanYi Micro Hei, shipped with the repository (Apache-2.0, covers GBK).
static DEFAULT_FONT: &[u8] = include_bytes!("../../assets/fonts/wqy-microhei.ttc");

/// The report font: bytes plus the face index inside a collection (.ttc).
#[derive(Clone)]
pub struct Fonts {
    data: Bytes,
    index: u32,
    info: FontInfo,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts")
            .field("family", &self.info.family)
            .field("index", &self.index)
            .field("bytes", &self.data.len())
            .finish()
    }
}

impl Default for Fonts {
    fn default() -> Self {
        Self::from_bytes(Bytes::new(DEFAULT_FONT), 0).expect("the bundled font parses")
    }
}

impl Fonts {
    /// Loads face `index` of a font file (use 0 for a .ttf/.otf), e.g. the
    /// 仿宋 a campaign's `[report] font` points at.
    pub fn from_file(path: &Path, index: u32) -> Result<Self, CompileError> {
        let data = std::fs::read(path).map_err(|source| CompileError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_bytes(Bytes::new(data), index).ok_or_else(|| CompileError::BadFont {
            path: path.to_owned(),
            index,
        })
    }

    fn from_bytes(data: Bytes, index: u32) -> Option<Self> {
        let info = FontInfo::new(&data, index)?;
        Some(Self { data, index, info })
    }

    /// The font bytes (the whole file, for a collection).
    pub fn data(&self) -> &Bytes {
        &self.data
    }

    /// Feeds the font file and face index to a report fingerprint.
    pub fn hash_into(&self, h: &mut blake3::Hasher) {
        h.update(&self.data);
        h.update(&self.index.to_le_bytes());
    }

    /// The face index inside a collection.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// The typographic family name, e.g. "WenQuanYi Micro Hei".
    pub fn family(&self) -> &str {
        &self.info.family
    }

    /// The distinct characters of `text` this font has no glyph for, in
    /// order of first appearance (whitespace and control characters ignored).
    pub fn missing_chars(&self, text: &str) -> Vec<char> {
        let mut missing: Vec<char> = Vec::new();
        for c in text.chars() {
            if !c.is_whitespace()
                && !c.is_control()
                && !self.info.coverage.contains(c as u32)
                && !missing.contains(&c)
            {
                missing.push(c);
            }
        }
        missing
    }
}
