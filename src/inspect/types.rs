//! The plain data the inspect stage hands to the rest of the pipeline.
//!
//! Every file a department sends becomes one [`Inspection`]: what it really is
//! (by content, not by name), the verdict, a one-line Chinese reason, and the
//! content later stages use (document text, schedule rows, photo facts, …).

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// What a file really is, decided from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Docx,
    Doc,
    Wps,
    Xlsx,
    Xls,
    Et,
    Ods,
    Pdf,
    Jpeg,
    Png,
    Webp,
    Gif,
    Bmp,
    Tiff,
    Heic,
    Video,
    Zip,
    SevenZip,
    Rar,
    Eml,
    Html,
    Text,
    /// An OLE compound file that holds an encrypted OOXML package.
    EncryptedOffice,
    Empty,
    Unknown,
}

/// The family a kind belongs to; deliverables accept families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Document,
    Spreadsheet,
    Photo,
    Video,
    Pdf,
    Archive,
    Email,
    Other,
}

impl FileKind {
    /// The family of this kind.
    pub fn category(self) -> Category {
        use FileKind::*;
        match self {
            Docx | Doc | Wps => Category::Document,
            Xlsx | Xls | Et | Ods => Category::Spreadsheet,
            Jpeg | Png | Webp | Gif | Bmp | Tiff | Heic => Category::Photo,
            Video => Category::Video,
            Pdf => Category::Pdf,
            Zip | SevenZip | Rar => Category::Archive,
            Eml => Category::Email,
            Html | Text | EncryptedOffice | Empty | Unknown => Category::Other,
        }
    }

    /// The name an office clerk uses for this kind.
    pub fn label(self) -> &'static str {
        use FileKind::*;
        match self {
            Docx => "Word文档(docx)",
            Doc => "Word 97-2003文档(doc)",
            Wps => "WPS文字文档(wps)",
            Xlsx => "Excel工作簿(xlsx)",
            Xls => "Excel 97-2003工作簿(xls)",
            Et => "WPS表格(et)",
            Ods => "ODS表格(ods)",
            Pdf => "PDF文件",
            Jpeg => "JPEG图片",
            Png => "PNG图片",
            Webp => "WebP图片",
            Gif => "GIF图片",
            Bmp => "BMP图片",
            Tiff => "TIFF图片",
            Heic => "HEIC/HEIF图片",
            Video => "视频",
            Zip => "ZIP压缩包",
            SevenZip => "7z压缩包",
            Rar => "RAR压缩包",
            Eml => "电子邮件(eml)",
            Html => "网页(HTML)",
            Text => "文本文件",
            EncryptedOffice => "加密的Office文档",
            Empty => "空文件",
            Unknown => "无法识别的文件",
        }
    }
}

/// The judgement on one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Readable and usable.
    Ok,
    /// Usable, but the office should look at it (wrong extension, odd date, …).
    Warning,
    /// Not usable; the unit must send something else.
    Reject,
}

impl Verdict {
    /// Chinese label for tables and receipts.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Ok => "合格",
            Verdict::Warning => "合格(有提示)",
            Verdict::Reject => "不合格",
        }
    }
}

/// The outcome of inspecting one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inspection {
    /// The detected type.
    pub kind: FileKind,
    pub verdict: Verdict,
    /// One line in Chinese saying what is wrong and what to send instead;
    /// present whenever the verdict is not `Ok`.
    pub reason: Option<String>,
    /// Further remarks (all warnings after the first, facts worth showing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub content: Content,
}

/// What was extracted from a file, by family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Content {
    #[default]
    None,
    Document(Document),
    Spreadsheet(Workbook),
    Photo(Photo),
    Video(Video),
    Pdf(PdfInfo),
    /// A container whose entries became files of their own (zip, eml).
    Container(Container),
}

/// A Word document's text, in reading order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Document {
    pub title: Option<String>,
    pub blocks: Vec<Block>,
    /// Images pasted into the document (original bytes kept in the store).
    pub images: Vec<EmbeddedImage>,
    /// Characters of text (CJK characters and words of other scripts).
    pub char_count: usize,
}

/// One block of a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Block {
    Heading { level: u8, text: String },
    Paragraph { text: String },
    Table { rows: Vec<Vec<String>> },
}

impl Block {
    /// Its text as paragraphs: a heading's or paragraph's text, or each
    /// cell of a table.
    pub fn texts(&self) -> Vec<&str> {
        match self {
            Block::Heading { text, .. } | Block::Paragraph { text } => vec![text.as_str()],
            Block::Table { rows } => rows.iter().flatten().map(String::as_str).collect(),
        }
    }
}

/// An image found inside a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmbeddedImage {
    /// Part name inside the package, e.g. `word/media/image1.jpeg`.
    pub name: String,
    /// Content hash of the image bytes: blake3, lowercase hex.
    pub hash: String,
    pub kind: FileKind,
    pub width: u32,
    pub height: u32,
}

/// A spreadsheet read as tables, with the activity dates it states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Workbook {
    pub sheets: Vec<Sheet>,
    /// Earliest and latest activity date found in date columns.
    pub activity_dates: Option<(NaiveDate, NaiveDate)>,
}

/// One sheet: the header row found and the rows under it, as display text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Sheet {
    pub name: String,
    pub header: Vec<String>,
    /// Data rows under the header; merged cells filled with their value,
    /// multi-line cells joined with a space, dates written `YYYY-MM-DD`
    /// (`YYYY-MM-DD HH:MM` when a time is given).
    pub rows: Vec<Vec<String>>,
    /// Indices of the columns holding dates (by header or by content).
    #[serde(default)]
    pub date_columns: Vec<usize>,
}

/// Facts about a photo; width and height are after EXIF orientation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Photo {
    pub width: u32,
    pub height: u32,
    pub orientation: u16,
    pub taken: Option<NaiveDateTime>,
    pub camera: Option<String>,
    pub gps: bool,
    /// 64-bit perceptual (difference) hash of the upright image, for near-duplicates.
    pub phash: Option<u64>,
    /// Looks like a screen capture (no camera EXIF, screen-like size).
    pub screenshot: bool,
    /// How sharp it looks (the variance of the Laplacian of its grey image
    /// at half the print size), for choosing the web drafts' photos;
    /// `None` when not decoded (HEIC) or inspected before it was kept.
    #[serde(default)]
    pub sharpness: Option<u32>,
}

/// A video file: recognised, never decoded; width and height are as the
/// player shows it (after rotation), 0 when the container does not say.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Video {
    pub container: String,
    pub duration_secs: Option<f64>,
    #[serde(default)]
    pub width: u32,
    #[serde(default)]
    pub height: u32,
    /// Clockwise degrees the player turns the picture (phones filming
    /// upright store 90).
    #[serde(default)]
    pub rotation: u16,
    /// The video track's codec fourcc (avc1, hvc1, mp4v, FMP4, …).
    #[serde(default)]
    pub codec: Option<String>,
    /// Why the video has no poster (HEVC, frame not decodable…), in the
    /// clerk's words; None when the poster was made.
    #[serde(default)]
    pub note: Option<String>,
}

/// A PDF accepted as is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PdfInfo {
    pub pages: Option<u32>,
}

/// A zip archive or an e-mail: its entries are submitted files of their own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Container {
    pub entries: usize,
    /// For e-mails: sender, subject, received time, body.
    pub email: Option<EmailMeta>,
}

/// The envelope facts of a saved e-mail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct EmailMeta {
    pub from_addr: Option<String>,
    pub from_name: Option<String>,
    pub subject: Option<String>,
    /// When the receiving server got it (Received header, else Date), RFC 3339.
    pub received: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub body_text: String,
}

/// A file found inside a container, ready to be treated as a submitted file.
#[derive(Debug, Clone)]
pub struct Child {
    /// Path inside the container, decoded (GBK/UTF-8, RFC 2047/2231).
    pub path: String,
    pub bytes: Vec<u8>,
    /// The depth to inspect this child at (its container's depth + 1); pass
    /// it to [`crate::inspect::inspect_nested`].
    pub depth: u32,
}
