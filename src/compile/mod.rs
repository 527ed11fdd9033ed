//! The compile stage: renders one [`Report`] as the PDF for leadership
//! ([`pdf`]), the editable DOCX for the office ([`docx`]) and the status
//! spreadsheet ([`xlsx`]), and publishes the three together ([`write_all`]).
//!
//! Renderers take the report as it is; they never re-read the inbox or
//! re-decide a state. Characters the report font cannot show are listed in
//! [`Outputs::missing_chars`] (and logged), never left as silent boxes.

pub mod docx;
pub mod docx_jpeg;
mod fonts;
pub mod pdf;
mod pdf_join;
pub mod photos;
mod publish;
mod spill;
pub mod xlsx;

pub use fonts::Fonts;
pub use pdf::Template;
pub use publish::{LATEST, LATEST_TXT};

use std::path::{Path, PathBuf};

use crate::report::Report;
use crate::timings::{self, Timings};

/// Units laid out at a time: a long report's PDF and DOCX are built this
/// many units at a time, each part's layout dropped before the next starts
/// ([`pdf_join`], [`docx::DocxParts`]), so memory does not grow with the
/// number of units. Eight units (~80 photos) keep a part's layout at
/// ~10 MB; 16 measured ~10 MB more at both 50 and 200 units, for the same
/// speed. Each part adds its own font subset to the PDF (~0.2 MB).
pub const UNITS_PER_PART: usize = 8;

/// File names of the three outputs (Chinese, valid on Windows shares).
pub const PDF_NAME: &str = "报送情况汇总.pdf";
pub const DOCX_NAME: &str = "报送情况汇总.docx";
pub const XLSX_NAME: &str = "报送情况统计表.xlsx";

/// Why the report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    #[error("无法读取 {path}：{source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("无法写入 {path}：{source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("字体文件 {path} 中没有可用的第 {index} 号字体")]
    BadFont { path: PathBuf, index: u32 },
    #[error("批次时间戳“{0}”不是 YYYYMMDD-HHMM 格式")]
    BadStamp(String),
    #[error("PDF 排版失败：{0}")]
    Layout(String),
    #[error("报告数据无法序列化：{0}")]
    Json(#[from] serde_json::Error),
    #[error("Word 文档打包失败：{0}")]
    Package(#[from] zip::result::ZipError),
    #[error("Word 文档生成失败：{0}")]
    Docx(String),
    #[error("Excel 统计表生成失败：{0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// Where the report went.
#[derive(Debug, Clone, PartialEq)]
pub struct Outputs {
    /// `<out_root>/<YYYYMMDD-HHMM>/`
    pub dir: PathBuf,
    pub pdf: PathBuf,
    pub docx: PathBuf,
    pub xlsx: PathBuf,
    /// Characters of the report (and template) the font has no glyph for.
    pub missing_chars: Vec<char>,
    /// Wall time of each renderer.
    pub timings: Timings,
    /// Nothing in the report changed since the last published one (same
    /// content, clock hour, layout, font and program version), so its files
    /// were kept as they are instead of being rendered again.
    pub reused: bool,
}

/// Writes PDF, DOCX and XLSX into `<out_root>/<YYYYMMDD-HHMM>/`, each to a
/// temp name then renamed, then points `<out_root>/latest` at that folder
/// (a symlink replaced atomically by rename, or on failure a `latest.txt`).
///
/// When the report is the same as the one `latest` holds (see
/// [`Outputs::reused`]) nothing is rendered or written and that folder is
/// returned, unless `force`.
pub fn write_all(
    report: &Report,
    out_root: &Path,
    stamp: &str,
    fonts: &Fonts,
    force: bool,
) -> Result<Outputs, CompileError> {
    write_all_with(report, out_root, stamp, fonts, &Template::default(), force)
}

/// [`write_all`] with an office-edited PDF layout.
pub fn write_all_with(
    report: &Report,
    out_root: &Path,
    stamp: &str,
    fonts: &Fonts,
    template: &Template,
    force: bool,
) -> Result<Outputs, CompileError> {
    publish::check_stamp(stamp)?;
    // One serialisation serves the font check and the fingerprint: the
    // report without the minute it was generated, plus that minute.
    let timeless = serde_json::to_string(&Report {
        generated_at: String::new(),
        ..report.clone()
    })?;
    let missing_chars = fonts.missing_chars(&format!(
        "{timeless}{}{}",
        report.generated_at,
        template.source()
    ));
    if !missing_chars.is_empty() {
        let list: String = missing_chars.iter().collect();
        tracing::warn!("报告字体缺少以下字符，将无法正常显示：{list}");
    }
    let fingerprint = fingerprint(&timeless, fonts, template);
    drop(timeless); // the whole report as text: not kept through the render
    let kept = [PDF_NAME, DOCX_NAME, XLSX_NAME];
    if !force && let Some(dir) = publish::unchanged(out_root, &fingerprint, &kept) {
        return Ok(Outputs {
            pdf: dir.join(PDF_NAME),
            docx: dir.join(DOCX_NAME),
            xlsx: dir.join(XLSX_NAME),
            dir,
            missing_chars,
            timings: Timings::default(),
            reused: true,
        });
    }
    // The photo stage leaves glibc's heaps fragmented; hand that back first.
    crate::allocator::release_freed_memory();
    // Lay everything out before touching the disk; the parts are joined while
    // the files are written under temporary names, so a failure at either
    // step leaves the last good report and `latest` as they were.
    let mut t = Timings::default();
    let photos = t.time(timings::PDF, || photos::Photos::of(report))?;
    let pdf = t.time(timings::PDF, || {
        pdf::layout(report, fonts, template, &photos)
    })?;
    let docx = t.time(timings::DOCX, || docx::layout(report, fonts, &photos))?;
    let xlsx = t.time(timings::XLSX, || xlsx::render(report))?;

    let dir = out_root.join(stamp);
    std::fs::create_dir_all(&dir).map_err(|source| CompileError::Write {
        path: dir.clone(),
        source,
    })?;
    let outputs = Outputs {
        pdf: t.time(timings::PDF, || {
            publish::write_atomic_with(&dir, PDF_NAME, |f| pdf.write_to(&photos, f))
        })?,
        docx: t.time(timings::DOCX, || {
            publish::write_atomic_with(&dir, DOCX_NAME, |f| {
                docx_jpeg::relabel_into(&docx, &photos, f)
                    .map(|_| ())
                    .map_err(std::io::Error::other)
            })
        })?,
        xlsx: publish::write_atomic(&dir, XLSX_NAME, &xlsx)?,
        dir,
        missing_chars,
        timings: t,
        reused: false,
    };
    publish::point_latest(out_root, stamp)?;
    publish::record_fingerprint(out_root, stamp, &fingerprint)?;
    Ok(outputs)
}

/// What the report's files depend on: the report apart from the minute it
/// was generated (`timeless`, its JSON; the clock hour it is "as of" stays
/// in), the layout, the font and this program's version. Photos are named
/// by content hash in the state store, so a changed photo changes the
/// report's JSON too.
fn fingerprint(timeless: &str, fonts: &Fonts, template: &Template) -> String {
    let mut h = blake3::Hasher::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(timeless.as_bytes());
    h.update(template.source().as_bytes());
    fonts.hash_into(&mut h);
    h.finalize().to_hex().to_string()
}
