//! The render stage: draws one [`Report`] as the PDF for leadership
//! ([`pdf`]), the editable DOCX ([`docx`]), the status spreadsheet
//! ([`xlsx`]) and the office's status board in the browser ([`html`], with
//! the lists only it shows handed to it beside the report), and publishes
//! the four together ([`write_all`]).
//!
//! Every renderer has one shape, like typst-pdf's `pdf(&document, &options)`:
//! the report and the [`Options`] in, the file's bytes out into a writer
//! ([`Renderer`]). Renderers take the report as it is; they never re-read
//! the inbox, re-decide a state or change the report. Its dates they write
//! through [`text`]. Characters no report font can show are listed in
//! [`Outputs::missing_chars`] for the caller to tell the office, never left
//! as silent boxes.

pub mod docx;
pub mod escape;
pub mod fonts;
pub mod html;
pub mod pdf;
mod publish;
pub mod style;
pub mod text;
pub mod xlsx;

pub use fonts::{FontSet, Role};
pub use pdf::Template;
pub use publish::{LATEST, LATEST_TXT};

pub use crate::campaign::config::Typography;

use std::io::{Seek, Write};
use std::path::{Path, PathBuf};

use crate::report::Report;
use crate::timings::{self, Timings};

/// File names of the three outputs (Chinese, valid on Windows shares).
pub const PDF_NAME: &str = "报送情况汇总.pdf";
pub const DOCX_NAME: &str = "报送情况汇总.docx";
pub const XLSX_NAME: &str = "报送情况统计表.xlsx";

/// Units laid out at a time: a long report's PDF is laid out this many
/// units at a time, each part's layout dropped before the next starts
/// ([`pdf`]), so memory does not grow with the number of units.
pub const UNITS_PER_PART: usize = 8;

/// How to render.
#[derive(Debug, Clone)]
pub struct Options {
    pub fonts: FontSet,
    pub typography: Typography,
    /// The PDF's layout.
    pub template: Template,
    /// See [`UNITS_PER_PART`].
    pub units_per_part: usize,
    /// The status board's pages.
    pub board: html::Templates,
}

impl Default for Options {
    /// 公文 typography with the shipped fonts and the built-in layout.
    fn default() -> Self {
        Options::new(FontSet::default())
    }
}

impl Options {
    /// 公文 typography with `fonts` and the built-in layout.
    pub fn new(fonts: FontSet) -> Self {
        Options {
            fonts,
            typography: Typography::default(),
            template: Template::default(),
            units_per_part: UNITS_PER_PART,
            board: html::Templates::default(),
        }
    }
}

/// Where a renderer writes: a file being written, or memory.
pub trait Sink: Write + Seek {}
impl<T: Write + Seek> Sink for T {}

/// A renderer: the report and the options in, one file's bytes out.
pub type Renderer = fn(&Report, &Options, &mut dyn Sink) -> Result<(), RenderError>;

/// Runs a renderer into memory.
pub fn to_vec(
    render: Renderer,
    report: &Report,
    options: &Options,
) -> Result<Vec<u8>, RenderError> {
    let mut out = std::io::Cursor::new(Vec::new());
    render(report, options, &mut out)?;
    Ok(out.into_inner())
}

/// The three outputs: file name, timing stage, renderer.
const RENDERERS: [(&str, &str, Renderer); 3] = [
    (PDF_NAME, timings::PDF, pdf::pdf),
    (DOCX_NAME, timings::DOCX, docx::docx),
    (XLSX_NAME, timings::XLSX, xlsx::xlsx),
];

/// One message of the layout engine.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutMessage {
    pub message: String,
    pub hints: Vec<String>,
    /// The line of the template it points at.
    pub line: Option<usize>,
}

impl std::fmt::Display for LayoutMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(line) = self.line {
            write!(f, "模板第{line}行：")?;
        }
        f.write_str(&self.message)?;
        for hint in &self.hints {
            write!(f, "（{hint}）")?;
        }
        Ok(())
    }
}

/// Why the report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
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
    /// Writing a renderer's output failed (mapped to [`RenderError::Write`]
    /// with the file's path when publishing).
    #[error("写入报告失败：{0}")]
    Output(#[from] std::io::Error),
    #[error("字体文件 {path} 中没有可用的第 {index} 号字体")]
    BadFont { path: PathBuf, index: u32 },
    #[error(
        "campaign.toml [report.fonts] {key} = “{family}”：本机字体目录中没有这个字体，请安装或改为字体文件路径"
    )]
    FontNotFound { key: &'static str, family: String },
    #[error("批次时间戳“{0}”不是 YYYYMMDD-HHMM 格式")]
    BadStamp(String),
    #[error("照片 {path} 无法放入报告：{reason}")]
    Photo { path: PathBuf, reason: &'static str },
    #[error("PDF 排版失败：{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("；"))]
    Layout(Vec<LayoutMessage>),
    #[error("状态板模板 {name} 第{line}行：{detail}")]
    Board {
        name: String,
        line: usize,
        detail: String,
    },
    #[error("PDF 第 {part} 段无法合并：{source}")]
    Join { part: usize, source: lopdf::Error },
    #[error("报告数据无法序列化：{0}")]
    Json(#[from] serde_json::Error),
    #[error("Word 文档打包失败：{0}")]
    Package(#[from] zip::result::ZipError),
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
    /// Characters of the report (and template) no report font has a glyph for.
    pub missing_chars: Vec<char>,
    /// Which face set which part ([`FontSet::describe`]).
    pub fonts: Vec<String>,
    /// Wall time of each renderer.
    pub timings: Timings,
    /// Nothing in the report changed since the last published one (same
    /// content, clock hour, layout, fonts and program version), so its files
    /// were kept as they are instead of being rendered again.
    pub reused: bool,
}

/// Writes PDF, DOCX, XLSX and the status board (`board`: what it shows
/// beside the report) into `<out_root>/<YYYYMMDD-HHMM>/`, each file to a
/// temp name then renamed, then points `<out_root>/latest` at that folder
/// (a symlink replaced atomically by rename, or on failure a `latest.txt`).
/// A failure leaves no new folder and `latest` where it was.
///
/// When the report is the same as the one `latest` holds (see
/// [`Outputs::reused`]) nothing is rendered or written and that folder is
/// returned, unless `force`.
pub fn write_all(
    report: &Report,
    board: &html::Extras,
    options: &Options,
    out_root: &Path,
    stamp: &str,
    force: bool,
) -> Result<Outputs, RenderError> {
    publish::check_stamp(stamp)?;
    // One serialisation serves the font check and the fingerprint.
    let json = serde_json::to_string(report)?;
    let missing_chars = options
        .fonts
        .missing_chars(&format!("{json}{}", options.template.source()));
    let fingerprint = fingerprint(report, &json, board, options)?;
    drop(json); // the whole report as text: not kept through the render
    let fonts = options.fonts.describe();
    let mut names = RENDERERS.map(|(name, _, _)| name).to_vec();
    names.push(html::INDEX);
    let outputs = |dir: PathBuf, timings, reused| Outputs {
        pdf: dir.join(PDF_NAME),
        docx: dir.join(DOCX_NAME),
        xlsx: dir.join(XLSX_NAME),
        dir,
        missing_chars: missing_chars.clone(),
        fonts: fonts.clone(),
        timings,
        reused,
    };
    if !force && let Some(dir) = publish::unchanged(out_root, &fingerprint, &names) {
        return Ok(outputs(dir, Timings::default(), true));
    }
    // The photo stage leaves glibc's heaps fragmented; hand that back first.
    crate::allocator::release_freed_memory();
    let dir = out_root.join(stamp);
    let mut t = Timings::default();
    publish::in_new_folder(&dir, || {
        for (name, stage, render) in RENDERERS {
            t.time(stage, || {
                publish::write_atomic_with(&dir, name, |f| render(report, options, f))
            })?;
        }
        t.time(timings::HTML, || {
            html::publish(report, board, &options.board, &dir)
        })
    })?;
    for line in &fonts {
        tracing::info!("报告字体 {line}");
    }
    publish::point_latest(out_root, stamp)?;
    publish::record_fingerprint(out_root, stamp, &fingerprint)?;
    Ok(outputs(dir, t, false))
}

/// What the report's files depend on: the report (`json`, its clock as
/// its documents state it: an hour, a cut-off's minute), the files the
/// board lists, the typography, the layouts, the fonts and this program's
/// version. Not the minute the batch ran nor the outbox: the batch
/// publishes the board again once it has queued its mail. Photos are named
/// by content hash in the state store, so a changed photo changes the
/// report's JSON too.
fn fingerprint(
    report: &Report,
    json: &str,
    board: &html::Extras,
    options: &Options,
) -> Result<String, RenderError> {
    // The report holds the batch's instant, to the second; its documents
    // say only the hour, so two batches of one hour make the same report.
    let instant = serde_json::to_string(&report.as_of)?;
    let stated = serde_json::to_string(&text::as_of(report))?;
    let json = json.replacen(
        &format!("\"as_of\":{instant}"),
        &format!("\"as_of\":{stated}"),
        1,
    );
    let mut h = blake3::Hasher::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(json.as_bytes());
    serde_json::to_writer(&mut h, board.files)?;
    h.update(format!("{:?}", options.typography).as_bytes());
    h.update(options.template.source().as_bytes());
    options.board.hash_into(&mut h);
    options.fonts.hash_into(&mut h);
    Ok(h.finalize().to_hex().to_string())
}
