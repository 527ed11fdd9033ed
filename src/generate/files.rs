//! Realistic submission files for the demo and benchmark campaigns: a Word
//! summary with pasted photos, photos with EXIF, the office's schedule and a
//! unit's own schedule as .xlsx, a saved e-mail with attachments, a zip.
//! Deterministic: the same seed gives the same bytes.

use std::io::{Cursor, Write};

use docx_rs::{Docx, Paragraph, Pic, Run, RunFonts};
use image::{ImageEncoder, RgbImage};
use rust_xlsxwriter::{Format, FormatAlign, Workbook};

/// A small deterministic random source (xorshift).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in 0..n.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// What a photo looks like and says about itself.
#[derive(Debug, Clone)]
pub struct PhotoSpec {
    pub width: u32,
    pub height: u32,
    /// EXIF orientation to write (1 = upright; 6 and 8 store the pixels turned).
    pub orientation: u16,
    /// "2025:05:15 09:30:00"
    pub taken: Option<String>,
    pub quality: u8,
    /// Amount of fine texture (0 = smooth, 40 = grainy like a phone at night).
    pub grain: u8,
}

/// A photo-like JPEG: sky, ground, a few figures and banners, some grain.
pub fn photo(seed: u64, spec: &PhotoSpec) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let (w, h) = if matches!(spec.orientation, 5..=8) {
        (spec.height, spec.width)
    } else {
        (spec.width, spec.height)
    };
    let sky = [
        120 + rng.below(80) as i32,
        150 + rng.below(60) as i32,
        200 + rng.below(50) as i32,
    ];
    let ground = [
        80 + rng.below(60) as i32,
        90 + rng.below(50) as i32,
        60 + rng.below(40) as i32,
    ];
    let horizon = h as i32 * (45 + rng.below(20) as i32) / 100;
    let shapes: Vec<(i32, i32, i32, [i32; 3])> = (0..12)
        .map(|_| {
            let r = (w.min(h) as i32 / 20).max(2) + rng.below(w as u64 / 10 + 1) as i32;
            (
                rng.below(w as u64) as i32,
                horizon + rng.below((h as i32 - horizon).max(1) as u64) as i32 - r,
                r,
                [
                    rng.below(255) as i32,
                    rng.below(255) as i32,
                    rng.below(255) as i32,
                ],
            )
        })
        .collect();
    let banner = [
        200 + rng.below(55) as i32,
        20 + rng.below(40) as i32,
        20 + rng.below(40) as i32,
    ];
    let mut noise = Rng::new(seed ^ 0xABCD);
    let img = RgbImage::from_fn(w, h, |x, y| {
        let (xi, yi) = (x as i32, y as i32);
        let mut c = if yi < horizon {
            let t = yi * 60 / horizon.max(1);
            [sky[0] - t, sky[1] - t / 2, sky[2]]
        } else {
            let t = (yi - horizon) * 40 / (h as i32 - horizon).max(1);
            [ground[0] + t, ground[1] + t, ground[2] + t / 2]
        };
        if yi > horizon / 3
            && yi < horizon / 3 + h as i32 / 12
            && xi > w as i32 / 8
            && xi < w as i32 * 7 / 8
        {
            c = banner;
        }
        for (cx, cy, r, col) in &shapes {
            let (dx, dy) = (xi - cx, yi - cy);
            if dx * dx + dy * dy < r * r {
                c = *col;
            }
        }
        let g = spec.grain as i32;
        let n = if g > 0 {
            noise.below(2 * g as u64 + 1) as i32 - g
        } else {
            0
        };
        image::Rgb([
            (c[0] + n).clamp(0, 255) as u8,
            (c[1] + n).clamp(0, 255) as u8,
            (c[2] + n).clamp(0, 255) as u8,
        ])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, spec.quality)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .expect("encoding an in-memory image cannot fail");
    with_exif(&jpeg, spec.orientation, spec.taken.as_deref())
}

/// Inserts a minimal EXIF block (Make, Model, Orientation, DateTimeOriginal)
/// right after the JPEG's SOI marker.
fn with_exif(jpeg: &[u8], orientation: u16, taken: Option<&str>) -> Vec<u8> {
    let make = b"Huawei\0";
    let model = b"P60\0";
    let mut tiff: Vec<u8> = b"II*\0\x08\0\0\0".to_vec();
    let ifd0_entries = 4u16;
    let ifd0_size = 2 + ifd0_entries as u32 * 12 + 4;
    let data_at = 8 + ifd0_size;
    let model_at = data_at + make.len() as u32;
    let exif_ifd_at = model_at + model.len() as u32;
    let entry = |tiff: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: u32| {
        tiff.extend_from_slice(&tag.to_le_bytes());
        tiff.extend_from_slice(&typ.to_le_bytes());
        tiff.extend_from_slice(&count.to_le_bytes());
        tiff.extend_from_slice(&value.to_le_bytes());
    };
    tiff.extend_from_slice(&ifd0_entries.to_le_bytes());
    entry(&mut tiff, 0x010F, 2, make.len() as u32, data_at);
    entry(&mut tiff, 0x0110, 2, model.len() as u32, model_at);
    entry(&mut tiff, 0x0112, 3, 1, orientation as u32);
    entry(&mut tiff, 0x8769, 4, 1, exif_ifd_at);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(make);
    tiff.extend_from_slice(model);
    let taken = taken.map(|t| format!("{t}\0"));
    let n = taken.is_some() as u16;
    tiff.extend_from_slice(&n.to_le_bytes());
    if let Some(t) = &taken {
        let at = exif_ifd_at + 2 + 12 + 4;
        entry(&mut tiff, 0x9003, 2, t.len() as u32, at);
    }
    tiff.extend_from_slice(&0u32.to_le_bytes());
    if let Some(t) = &taken {
        tiff.extend_from_slice(t.as_bytes());
    }
    let mut out = Vec::with_capacity(jpeg.len() + tiff.len() + 16);
    out.extend_from_slice(&jpeg[..2]);
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((tiff.len() + 8) as u16).to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A Word summary: a title, paragraphs, and photos pasted after them.
pub fn summary_docx(title: &str, paragraphs: &[String], photos: &[(Vec<u8>, u32, u32)]) -> Vec<u8> {
    let font = RunFonts::new().east_asia("宋体").ascii("Times New Roman");
    let mut doc = Docx::new().default_fonts(font.clone());
    doc = doc.add_paragraph(
        Paragraph::new()
            .align(docx_rs::AlignmentType::Center)
            .add_run(
                Run::new()
                    .add_text(title)
                    .size(36)
                    .bold()
                    .fonts(RunFonts::new().east_asia("黑体")),
            ),
    );
    for p in paragraphs {
        doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(p).size(28)));
    }
    for (jpeg, w, h) in photos {
        let emu_w = 4_000_000u32;
        let emu_h = (emu_w as u64 * *h as u64 / (*w).max(1) as u64) as u32;
        let pic = Pic::new_with_dimensions(jpeg.clone(), *w, *h).size(emu_w, emu_h);
        doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_image(pic)));
    }
    let mut buf = Cursor::new(Vec::new());
    doc.build()
        .pack(&mut buf)
        .expect("packing an in-memory docx cannot fail");
    super::jpeg_docx::relabel_jpeg_media(&buf.into_inner()).expect("docx-rs output is a valid zip")
}

/// An office schedule in the seed's shape (序号 / 单位 / 活动主题 / 开展时间)
/// from (unit, theme, time) rows, under an optional merged title row.
pub fn schedule_xlsx(title: Option<&str>, rows: &[(&str, &str, &str)]) -> Vec<u8> {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, (unit, theme, time))| {
            vec![
                (i + 1).to_string(),
                unit.to_string(),
                theme.to_string(),
                time.to_string(),
            ]
        })
        .collect();
    sheet_xlsx(
        "活动安排表",
        title,
        &["序号", "单位", "活动主题", "开展时间"],
        &rows,
    )
}

/// A spreadsheet: optional title rows merged across, a header, rows.
/// Cells may hold line breaks.
pub fn sheet_xlsx(
    sheet: &str,
    title: Option<&str>,
    header: &[&str],
    rows: &[Vec<String>],
) -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).expect("valid sheet name");
    let wrap = Format::new().set_text_wrap();
    let mut r = 0u32;
    if let Some(t) = title {
        let f = Format::new().set_bold().set_align(FormatAlign::Center);
        ws.merge_range(0, 0, 0, header.len() as u16 - 1, t, &f)
            .expect("merge");
        r = 2;
    }
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(r, c as u16, *h, &Format::new().set_bold())
            .expect("write");
    }
    for row in rows {
        r += 1;
        for (c, v) in row.iter().enumerate() {
            ws.write_string_with_format(r, c as u16, v, &wrap)
                .expect("write");
        }
    }
    ws.set_column_width(1, 28).expect("width");
    ws.set_column_width(2, 40).expect("width");
    book.save_to_buffer()
        .expect("saving an in-memory workbook cannot fail")
}

/// A zip archive of (name, bytes).
pub fn zip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(name.as_str(), opts).expect("zip entry");
        w.write_all(bytes).expect("zip write");
    }
    w.finish().expect("zip finish").into_inner()
}

/// A saved e-mail as a mail client stores it, with the receiving server's
/// `Received` header.
pub fn eml(
    from: (&str, &str),
    to: &str,
    subject: &str,
    received: &str,
    body: &str,
    attachments: &[(String, Vec<u8>)],
) -> Vec<u8> {
    use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType};
    let from: Mailbox = format!("{} <{}>", from.0, from.1)
        .parse()
        .expect("valid demo address");
    let mut parts = MultiPart::mixed().singlepart(SinglePart::plain(body.to_string()));
    for (name, bytes) in attachments {
        let ct = if name.ends_with(".jpg") {
            "image/jpeg"
        } else {
            "application/octet-stream"
        };
        parts = parts.singlepart(
            Attachment::new(name.clone())
                .body(bytes.clone(), ContentType::parse(ct).expect("valid")),
        );
    }
    let date = chrono::DateTime::parse_from_rfc2822(received).expect("valid demo date");
    let msg = lettre::Message::builder()
        .from(from)
        .to(to.parse().expect("valid demo address"))
        .subject(subject)
        .date(date.into())
        .multipart(parts)
        .expect("valid demo message");
    let mut out =
        format!("Received: from mail.example.gov.cn by mx.example.gov.cn; {received}\r\n")
            .into_bytes();
    out.extend_from_slice(&msg.formatted());
    out
}
