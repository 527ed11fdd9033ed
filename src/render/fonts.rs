//! The report's faces, one per part a 公文 sets apart: the title
//! (方正小标宋简体), the body (仿宋), 一、 headings (黑体) and （一） headings
//! (楷体).
//!
//! Each is, in this order: the family or file `[report.fonts]` names; a
//! 公文 family installed on the machine, found by name (any of its localized
//! names) in the system's font folders; the open font shipped in
//! `assets/fonts/` (subsets of Noto Serif CJK SC, Noto Sans CJK SC and LXGW
//! WenKai made by `scripts/subset-fonts.py`). The DOCX always names the
//! 公文 family, so Word on an office PC sets it in 仿宋 even when the PDF was
//! set in the shipped serif.

use std::path::{Path, PathBuf};

use typst::foundations::Bytes;
use typst::text::FontInfo;

use super::RenderError;
use crate::campaign::config::ReportFonts;

/// A part of the report with a face of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The title: 方正小标宋简体.
    Title,
    /// Body text: 仿宋.
    Body,
    /// 一、 headings: 黑体.
    Heading,
    /// （一） headings: 楷体.
    Subheading,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Title, Role::Body, Role::Heading, Role::Subheading];

    /// The families a 公文 uses for this part, as office PCs name them, in
    /// order of preference.
    fn gongwen_families(self) -> &'static [&'static str] {
        match self {
            Role::Title => &["方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S"],
            Role::Body => &["仿宋_GB2312", "仿宋", "FangSong_GB2312", "FangSong"],
            Role::Heading => &["黑体", "SimHei"],
            Role::Subheading => &["楷体_GB2312", "楷体", "KaiTi_GB2312", "KaiTi"],
        }
    }

    /// The family the DOCX names when the machine has no 公文 font: the one
    /// every Chinese office PC has.
    fn office_family(self) -> &'static str {
        match self {
            Role::Title => "方正小标宋简体",
            Role::Body => "仿宋",
            Role::Heading => "黑体",
            Role::Subheading => "楷体",
        }
    }

    /// What the campaign file calls this part in `[report.fonts]`.
    fn key(self) -> &'static str {
        match self {
            Role::Title => "title",
            Role::Body => "body",
            Role::Heading => "heading",
            Role::Subheading => "subheading",
        }
    }

    /// The part's name in the run summary.
    pub fn label(self) -> &'static str {
        match self {
            Role::Title => "标题",
            Role::Body => "正文",
            Role::Heading => "一级标题",
            Role::Subheading => "二级标题",
        }
    }

    fn shipped(self) -> &'static Shipped {
        match self {
            Role::Title | Role::Body => &SERIF,
            Role::Heading => &SANS,
            Role::Subheading => &KAI,
        }
    }
}

/// A font file built into the program.
struct Shipped {
    file: &'static str,
    data: &'static [u8],
}

static SERIF: Shipped = Shipped {
    file: "NotoSerifCJKsc-Regular-GB2312.otf",
    data: include_bytes!("../../assets/fonts/NotoSerifCJKsc-Regular-GB2312.otf"),
};
static SANS: Shipped = Shipped {
    file: "NotoSansCJKsc-Regular-GB2312.otf",
    data: include_bytes!("../../assets/fonts/NotoSansCJKsc-Regular-GB2312.otf"),
};
static KAI: Shipped = Shipped {
    file: "WenKaiGBSubset-Regular.ttf",
    data: include_bytes!("../../assets/fonts/WenKaiGBSubset-Regular.ttf"),
};

/// Where a face came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// Named in campaign.toml (a file, or a family found on the machine).
    Configured(PathBuf),
    /// A 公文 family installed on the machine.
    Installed(PathBuf),
    /// One of the open fonts built into baosong.
    Shipped(&'static str),
}

/// One face: its bytes, where it came from, what it covers.
#[derive(Clone)]
pub struct Face {
    data: Bytes,
    index: u32,
    info: FontInfo,
    pub origin: Origin,
    /// The family the DOCX names for this part.
    office_name: String,
}

impl std::fmt::Debug for Face {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Face")
            .field("family", &self.info.family)
            .field("origin", &self.origin)
            .field("office_name", &self.office_name)
            .finish()
    }
}

impl Face {
    fn from_bytes(
        data: Bytes,
        index: u32,
        origin: Origin,
        path: &Path,
    ) -> Result<Face, RenderError> {
        let info = FontInfo::new(&data, index).ok_or_else(|| RenderError::BadFont {
            path: path.to_owned(),
            index,
        })?;
        Ok(Face {
            data,
            index,
            office_name: info.family.clone(),
            info,
            origin,
        })
    }

    fn read(path: &Path, index: u32, origin: Origin) -> Result<Face, RenderError> {
        let data = std::fs::read(path).map_err(|source| RenderError::Read {
            path: path.to_owned(),
            source,
        })?;
        Face::from_bytes(Bytes::new(data), index, origin, path)
    }

    fn shipped(role: Role) -> Face {
        let s = role.shipped();
        let mut face = Face::from_bytes(
            Bytes::new(s.data),
            0,
            Origin::Shipped(s.file),
            Path::new(s.file),
        )
        .expect("the shipped fonts parse");
        face.office_name = role.office_family().to_owned();
        face
    }

    /// The family name typst knows the face by.
    pub fn family(&self) -> &str {
        &self.info.family
    }

    /// The font bytes (the whole file, for a collection) and the face's index.
    pub fn data(&self) -> (&Bytes, u32) {
        (&self.data, self.index)
    }

    /// The family the DOCX names: the 公文 family an office PC has.
    pub fn office_name(&self) -> &str {
        &self.office_name
    }

    /// Whether the face has a bold weight of its own; the shipped serif
    /// does not, so the title is emboldened with a stroke instead.
    pub fn is_heavy(&self) -> bool {
        self.info.variant.weight.to_number() >= 600 || !matches!(self.origin, Origin::Shipped(_))
    }
}

/// The four faces of a report.
#[derive(Debug, Clone)]
pub struct FontSet {
    faces: [Face; 4],
}

impl Default for FontSet {
    /// The shipped fonts only: the same output on every machine.
    fn default() -> Self {
        FontSet {
            faces: Role::ALL.map(Face::shipped),
        }
    }
}

impl FontSet {
    /// The faces `config` asks for, else the 公文 families installed on this
    /// machine, else the shipped fonts. `root` resolves relative file names;
    /// `legacy` is `[report] font` (one file for every part) with its index.
    pub fn find(
        config: &ReportFonts,
        legacy: Option<(&Path, u32)>,
        root: &Path,
    ) -> Result<FontSet, RenderError> {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        FontSet::find_in(config, legacy, root, &db)
    }

    /// [`FontSet::find`] among the fonts of `dirs` only (tests, and a
    /// campaign that keeps its fonts with it).
    pub fn find_in_dirs(
        config: &ReportFonts,
        root: &Path,
        dirs: &[PathBuf],
    ) -> Result<FontSet, RenderError> {
        let mut db = fontdb::Database::new();
        for dir in dirs {
            db.load_fonts_dir(dir);
        }
        FontSet::find_in(config, None, root, &db)
    }

    fn find_in(
        config: &ReportFonts,
        legacy: Option<(&Path, u32)>,
        root: &Path,
        db: &fontdb::Database,
    ) -> Result<FontSet, RenderError> {
        let faces = Role::ALL.map(|role| {
            let wanted = match role {
                Role::Title => &config.title,
                Role::Body => &config.body,
                Role::Heading => &config.heading,
                Role::Subheading => &config.subheading,
            };
            if let Some(wanted) = wanted {
                return configured(role, wanted, root, db);
            }
            if let Some((path, index)) = legacy {
                let path = root.join(path);
                return Face::read(&path, index, Origin::Configured(path.clone()));
            }
            match installed(db, role.gongwen_families()) {
                Some((path, index, name)) => {
                    let mut face = Face::read(&path, index, Origin::Installed(path.clone()))?;
                    face.office_name = name;
                    Ok(face)
                }
                None => Ok(Face::shipped(role)),
            }
        });
        let [title, body, heading, subheading] = faces;
        Ok(FontSet {
            faces: [title?, body?, heading?, subheading?],
        })
    }

    /// The face of one part.
    pub fn face(&self, role: Role) -> &Face {
        &self.faces[Role::ALL.iter().position(|r| *r == role).unwrap_or(0)]
    }

    /// Every distinct face, for the layout engine's font book.
    pub fn distinct(&self) -> Vec<&Face> {
        let mut out: Vec<&Face> = Vec::new();
        for face in &self.faces {
            if !out
                .iter()
                .any(|f| f.data.as_ptr() == face.data.as_ptr() && f.index == face.index)
            {
                out.push(face);
            }
        }
        out
    }

    /// Which face sets which part, for the run summary and the documents'
    /// metadata: "正文：Noto Serif CJK SC（随程序提供的开源字体）".
    pub fn describe(&self) -> Vec<String> {
        Role::ALL
            .iter()
            .map(|&role| {
                let face = self.face(role);
                let from = match &face.origin {
                    Origin::Configured(p) => format!("按活动配置，{}", p.display()),
                    Origin::Installed(p) => format!("本机已安装，{}", p.display()),
                    Origin::Shipped(_) => "随程序提供的开源字体".to_string(),
                };
                format!("{}：{}（{from}）", role.label(), face.family())
            })
            .collect()
    }

    /// Feeds every face to a report fingerprint.
    pub fn hash_into(&self, h: &mut blake3::Hasher) {
        for face in &self.faces {
            h.update(&face.data);
            h.update(&face.index.to_le_bytes());
            h.update(face.office_name.as_bytes());
        }
    }

    /// The distinct characters of `text` no face has a glyph for, in order
    /// of first appearance (whitespace and control characters ignored).
    pub fn missing_chars(&self, text: &str) -> Vec<char> {
        // Each distinct character is looked up once: a font's coverage is a
        // list of runs, and the text is the whole report.
        let mut seen = std::collections::HashSet::new();
        text.chars()
            .filter(|&c| !c.is_whitespace() && !c.is_control() && seen.insert(c))
            .filter(|&c| {
                !self
                    .faces
                    .iter()
                    .any(|f| f.info.coverage.contains(c as u32))
            })
            .collect()
    }
}

/// The face `[report.fonts]` names for `role`: a font file when `wanted`
/// is one (relative to the campaign folder), else a family on the machine.
fn configured(
    role: Role,
    wanted: &str,
    root: &Path,
    db: &fontdb::Database,
) -> Result<Face, RenderError> {
    let path = root.join(wanted);
    let is_file = path.is_file()
        || [".ttf", ".otf", ".ttc", ".otc"]
            .iter()
            .any(|ext| wanted.to_ascii_lowercase().ends_with(ext));
    if is_file {
        return Face::read(&path, 0, Origin::Configured(path.clone()));
    }
    let (path, index, name) =
        installed(db, &[wanted]).ok_or_else(|| RenderError::FontNotFound {
            key: role.key(),
            family: wanted.to_owned(),
        })?;
    let mut face = Face::read(&path, index, Origin::Configured(path.clone()))?;
    face.office_name = name;
    Ok(face)
}

/// The first of `families` installed (by any of its localized names), in
/// its regular upright face: its file, index in the file and the name as
/// asked for.
fn installed(db: &fontdb::Database, families: &[&str]) -> Option<(PathBuf, u32, String)> {
    families.iter().find_map(|wanted| {
        db.faces()
            .filter(|face| {
                face.families
                    .iter()
                    .any(|(name, _)| name.eq_ignore_ascii_case(wanted))
            })
            .min_by_key(|face| {
                (
                    face.style != fontdb::Style::Normal,
                    face.weight.0.abs_diff(fontdb::Weight::NORMAL.0),
                )
            })
            .and_then(|face| match &face.source {
                fontdb::Source::File(path) | fontdb::Source::SharedFile(path, _) => {
                    Some((path.clone(), face.index, (*wanted).to_owned()))
                }
                fontdb::Source::Binary(_) => None,
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_fonts_cover_gb2312_and_name_the_gongwen_families() {
        let fonts = FontSet::default();
        // The first and last hanzi of GB 2312, a place name, punctuation.
        assert!(
            fonts
                .missing_chars("啊齄泸溪县“政务公开”：（一）①—…·")
                .is_empty()
        );
        assert_eq!(fonts.missing_chars("𪚥"), ['𪚥']);
        assert_eq!(fonts.face(Role::Body).office_name(), "仿宋");
        assert_eq!(fonts.face(Role::Title).office_name(), "方正小标宋简体");
        assert_eq!(fonts.face(Role::Heading).office_name(), "黑体");
        assert_eq!(fonts.face(Role::Subheading).office_name(), "楷体");
        assert_eq!(fonts.face(Role::Body).family(), "Noto Serif CJK SC");
        assert_eq!(fonts.distinct().len(), 3, "title and body share the serif");
        assert!(!fonts.face(Role::Title).is_heavy());
    }

    #[test]
    fn a_configured_family_is_found_by_its_chinese_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("kai.ttf"), KAI.data).unwrap();
        let config = ReportFonts {
            subheading: Some("文楷GB子集".into()),
            ..ReportFonts::default()
        };
        let fonts = FontSet::find_in_dirs(&config, dir.path(), &[dir.path().to_owned()]).unwrap();
        let kai = fonts.face(Role::Subheading);
        assert_eq!(kai.family(), "WenKai GB Subset");
        assert_eq!(kai.office_name(), "文楷GB子集");
        assert!(matches!(kai.origin, Origin::Configured(_)));
        // Nothing else configured or installed there: the shipped faces.
        assert!(matches!(fonts.face(Role::Body).origin, Origin::Shipped(_)));

        let missing = ReportFonts {
            body: Some("仿宋_GB2312".into()),
            ..ReportFonts::default()
        };
        let err =
            FontSet::find_in_dirs(&missing, dir.path(), &[dir.path().to_owned()]).unwrap_err();
        assert!(err.to_string().contains("仿宋_GB2312"), "{err}");
    }

    #[test]
    fn a_configured_file_is_read_relative_to_the_campaign() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("fonts")).unwrap();
        std::fs::write(dir.path().join("fonts/hei.otf"), SANS.data).unwrap();
        let config = ReportFonts {
            heading: Some("fonts/hei.otf".into()),
            ..ReportFonts::default()
        };
        let fonts = FontSet::find_in_dirs(&config, dir.path(), &[]).unwrap();
        assert_eq!(fonts.face(Role::Heading).family(), "Noto Sans CJK SC");
        assert_eq!(fonts.face(Role::Heading).office_name(), "Noto Sans CJK SC");
    }
}
