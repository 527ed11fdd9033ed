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
    crate::jpeg_docx::relabel_jpeg_media(&buf.into_inner()).expect("docx-rs output is a valid zip")
}

/// A Word document as units type one: each paragraph in Word's style
/// named by its id (`Some("Title")`, `Some("Heading1")`, `Some("Heading2")`:
/// centred and bold as Word shows them) or as plain text (`None`), with
/// leading full-width spaces kept (a signature pushed right), and photos
/// pasted at the end.
pub fn word_docx(paragraphs: &[(Option<&str>, String)], photos: &[(Vec<u8>, u32, u32)]) -> Vec<u8> {
    use docx_rs::{Style, StyleType};
    let font = RunFonts::new().east_asia("宋体").ascii("Times New Roman");
    let mut doc = Docx::new()
        .default_fonts(font)
        .add_style(Style::new("Title", StyleType::Paragraph).name("Title"))
        .add_style(Style::new("Heading1", StyleType::Paragraph).name("heading 1"))
        .add_style(Style::new("Heading2", StyleType::Paragraph).name("heading 2"));
    for (style, text) in paragraphs {
        let run = Run::new().add_text(text).size(28);
        let p = match style {
            Some(style) => Paragraph::new()
                .style(style)
                .align(docx_rs::AlignmentType::Center)
                .add_run(run.bold().fonts(RunFonts::new().east_asia("黑体"))),
            None => Paragraph::new().add_run(run),
        };
        doc = doc.add_paragraph(p);
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
    save_workbook(&mut book)
}

/// The workbook's bytes, stamped with a fixed creation time (otherwise the
/// current time) so the same content gives the same bytes.
pub fn save_workbook(book: &mut Workbook) -> Vec<u8> {
    let created = rust_xlsxwriter::ExcelDateTime::from_ymd(2023, 5, 5).expect("valid date");
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
    book.save_to_buffer()
        .expect("saving an in-memory workbook cannot fail")
}

/// Writes `bytes` to `dir/rel`, creating folders.
pub fn write(dir: &std::path::Path, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = dir.join(rel);
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p)?;
    }
    std::fs::write(path, bytes)
}

/// A real Word 97-2003 .doc (Apache POI's test file, Apache-2.0; see
/// tests/fixtures/demo/README.md), as offices still send them.
pub fn legacy_doc() -> Vec<u8> {
    include_bytes!("../../tests/fixtures/demo/poi_simple-table.doc").to_vec()
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

/// A zip as Windows' own zipping writes it: names in GBK, without the
/// UTF-8 flag. (Written with ASCII placeholders of the same byte length,
/// then the placeholders replaced by the GBK bytes.)
pub fn zip_gbk(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let gbk: Vec<Vec<u8>> = entries
        .iter()
        .map(|(name, _)| encoding_rs::GBK.encode(name).0.into_owned())
        .collect();
    let placeholders: Vec<String> = gbk
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let tag = format!("~{i}~");
            format!("{tag}{}", "x".repeat(g.len().saturating_sub(tag.len())))
        })
        .collect();
    let plain: Vec<(String, Vec<u8>)> = placeholders
        .iter()
        .zip(entries)
        .map(|(p, (_, bytes))| (p.clone(), bytes.clone()))
        .collect();
    let mut out = zip(&plain);
    for (p, g) in placeholders.iter().zip(&gbk) {
        let at: Vec<usize> = out
            .windows(p.len())
            .enumerate()
            .filter(|(_, w)| *w == p.as_bytes())
            .map(|(i, _)| i)
            .collect();
        for i in at {
            out[i..i + g.len()].copy_from_slice(g);
        }
    }
    out
}

/// A saved e-mail as Foxmail writes one in GBK: headers and file names as
/// RFC 2047 `=?GBK?B?…?=` words (inside quoted `filename=`), the body GBK
/// in base64.
pub fn eml_gbk(
    from: (&str, &str),
    to: &str,
    subject: &str,
    received: &str,
    body: &str,
    attachments: &[(String, Vec<u8>)],
) -> Vec<u8> {
    use base64::Engine;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let word = |text: &str| format!("=?GBK?B?{}?=", b64(&encoding_rs::GBK.encode(text).0));
    let lines = |data: &[u8]| -> String {
        b64(data)
            .as_bytes()
            .chunks(76)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("\r\n")
    };
    let boundary = "----=_NextPart_000_0012_01D98411.5C2A2B30";
    let date = chrono::DateTime::parse_from_rfc2822(received).expect("valid demo date");
    let mut m = format!(
        "Received: from mail.example.gov.cn by mx.example.gov.cn; {received}\r\n\
         Date: {}\r\nFrom: {} <{}>\r\nTo: <{to}>\r\nSubject: {}\r\n\
         Message-ID: <{}@example.gov.cn>\r\nX-Mailer: Foxmail 7.2.25.228[cn]\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n\
         This is a multi-part message in MIME format.\r\n\r\n--{boundary}\r\n\
         Content-Type: text/plain; charset=\"GBK\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        date.to_rfc2822(),
        word(from.0),
        from.1,
        word(subject),
        date.format("%Y%m%d%H%M%S"),
        lines(&encoding_rs::GBK.encode(body).0),
    );
    for (name, bytes) in attachments {
        m.push_str(&format!(
            "\r\n--{boundary}\r\nContent-Type: application/octet-stream;\r\n\tname=\"{0}\"\r\n\
             Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment;\r\n\tfilename=\"{0}\"\r\n\r\n{1}\r\n",
            word(name),
            lines(bytes)
        ));
    }
    m.push_str(&format!("\r\n--{boundary}--\r\n"));
    m.into_bytes()
}

/// A saved e-mail as a mail client stores it, with the receiving server's
/// `Received` header. Deterministic, like every file here.
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
    // A fixed boundary (lettre's is random), so the same mail gives the same bytes.
    let mut parts = MultiPart::mixed()
        .boundary("----=_Part_0_baosong.demo")
        .singlepart(SinglePart::plain(body.to_string()));
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

/// An ISO base media box: size, type, payload.
fn mp4_box(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut out = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(payload);
    out
}

/// A full box: version and flags, then the payload.
fn mp4_full_box(kind: &[u8; 4], version_flags: u32, payload: &[u8]) -> Vec<u8> {
    let mut body = version_flags.to_be_bytes().to_vec();
    body.extend_from_slice(payload);
    mp4_box(kind, &body)
}

/// Writes a phone-style portrait video to `path`: a 1920×1080 H.264 track
/// at 30 fps turned 90° for display, ~16 Mbit/s, with `media_bytes` of
/// media data. The index (`moov`, first, as phones that "optimise for
/// sharing" write it) is complete and points into the media data, which is
/// a hole in the file: a 3 GB video takes no disk until it is copied.
pub fn write_video(path: &std::path::Path, media_bytes: u64) -> std::io::Result<()> {
    let (head, data) = video_head(media_bytes);
    let mut file = std::fs::File::create(path)?;
    file.write_all(&head)?;
    file.set_len(head.len() as u64 + data)?;
    Ok(())
}

/// A short phone video as bytes (what [`write_video`] writes, its media
/// data zeros): small enough for an e-mail attachment in a demo inbox.
pub fn video(media_bytes: u64) -> Vec<u8> {
    let (mut head, data) = video_head(media_bytes);
    head.resize(head.len() + data as usize, 0);
    head
}

/// The video's bytes up to its media data, and the media data's length.
fn video_head(media_bytes: u64) -> (Vec<u8>, u64) {
    const FPS: u32 = 30;
    const SAMPLE: u32 = 66_666;
    let frames = u32::try_from((media_bytes / u64::from(SAMPLE)).max(1)).unwrap_or(u32::MAX);
    let chunks = frames.div_ceil(FPS);
    let be = |v: u32| v.to_be_bytes();
    let moov = |mdat_data: u64| {
        let mut mvhd = vec![0u8; 12];
        mvhd.extend(be(1000));
        mvhd.extend(be(frames / FPS * 1000));
        mvhd.extend(be(0x0001_0000));
        mvhd.extend([0x01, 0x00]);
        mvhd.extend([0u8; 10]);
        for v in [0x0001_0000u32, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000] {
            mvhd.extend(be(v));
        }
        mvhd.extend([0u8; 24]);
        mvhd.extend(be(2));
        // Turned 90° clockwise for display, as a phone filming upright writes it.
        let mut tkhd = vec![0u8; 12];
        tkhd.extend(be(1));
        tkhd.extend([0u8; 4]);
        tkhd.extend(be(frames / FPS * 1000));
        tkhd.extend([0u8; 16]);
        for v in [
            0u32,
            0x0001_0000,
            0,
            0xFFFF_0000,
            0,
            0,
            1080 << 16,
            0,
            0x4000_0000,
        ] {
            tkhd.extend(be(v));
        }
        tkhd.extend(be(1920 << 16));
        tkhd.extend(be(1080 << 16));
        let mut mdhd = vec![0u8; 12];
        mdhd.extend(be(FPS));
        mdhd.extend(be(frames));
        mdhd.extend([0x55, 0xC4, 0, 0]);
        let mut hdlr = vec![0u8; 8];
        hdlr.extend(b"vide");
        hdlr.extend([0u8; 12]);
        hdlr.extend(b"VideoHandle\0");
        // avc1 sample entry with an avcC (High profile, level 4.0).
        let mut avc1 = vec![0u8; 6];
        avc1.extend([0, 1]);
        avc1.extend([0u8; 16]);
        avc1.extend((1920u16).to_be_bytes());
        avc1.extend((1080u16).to_be_bytes());
        avc1.extend(be(0x0048_0000));
        avc1.extend(be(0x0048_0000));
        avc1.extend([0u8; 4]);
        avc1.extend([0, 1]);
        avc1.extend([0u8; 32]);
        avc1.extend([0x00, 0x18, 0xFF, 0xFF]);
        let sps = [0x67, 0x64, 0x00, 0x28, 0xAC, 0xD9, 0x40, 0x78];
        let pps = [0x68, 0xEB, 0xE3, 0xCB];
        let mut avcc = vec![1, 0x64, 0x00, 0x28, 0xFF, 0xE1];
        avcc.extend((sps.len() as u16).to_be_bytes());
        avcc.extend(sps);
        avcc.push(1);
        avcc.extend((pps.len() as u16).to_be_bytes());
        avcc.extend(pps);
        avc1.extend(mp4_box(b"avcC", &avcc));
        let mut stsd = be(1).to_vec();
        stsd.extend(mp4_box(b"avc1", &avc1));
        let mut stts = be(1).to_vec();
        stts.extend(be(frames));
        stts.extend(be(1));
        let keys: Vec<u32> = (0..frames).step_by(FPS as usize).map(|f| f + 1).collect();
        let mut stss = be(keys.len() as u32).to_vec();
        keys.iter().for_each(|k| stss.extend(be(*k)));
        let mut stsc = be(1).to_vec();
        stsc.extend(be(1));
        stsc.extend(be(FPS));
        stsc.extend(be(1));
        let mut stsz = be(0).to_vec();
        stsz.extend(be(frames));
        (0..frames).for_each(|_| stsz.extend(be(SAMPLE)));
        let offsets: Vec<u64> = (0..u64::from(chunks))
            .map(|c| mdat_data + c * u64::from(FPS) * u64::from(SAMPLE))
            .collect();
        let mut co64 = be(chunks).to_vec();
        offsets.iter().for_each(|o| co64.extend(o.to_be_bytes()));
        let stbl = [
            mp4_full_box(b"stsd", 0, &stsd),
            mp4_full_box(b"stts", 0, &stts),
            mp4_full_box(b"stss", 0, &stss),
            mp4_full_box(b"stsc", 0, &stsc),
            mp4_full_box(b"stsz", 0, &stsz),
            mp4_full_box(b"co64", 0, &co64),
        ]
        .concat();
        let dref = mp4_full_box(
            b"dref",
            0,
            &[be(1).to_vec(), mp4_full_box(b"url ", 1, &[])].concat(),
        );
        let minf = [
            mp4_full_box(b"vmhd", 1, &[0u8; 8]),
            mp4_box(b"dinf", &dref),
            mp4_box(b"stbl", &stbl),
        ]
        .concat();
        let mdia = [
            mp4_box(b"mdhd", &mdhd),
            mp4_box(b"hdlr", &hdlr),
            mp4_box(b"minf", &minf),
        ]
        .concat();
        let trak = [
            mp4_full_box(b"tkhd", 3, &tkhd[4..]),
            mp4_box(b"mdia", &mdia),
        ]
        .concat();
        mp4_box(
            b"moov",
            &[mp4_box(b"mvhd", &mvhd), mp4_box(b"trak", &trak)].concat(),
        )
    };
    let mut ftyp = b"isom".to_vec();
    ftyp.extend(be(512));
    ftyp.extend(b"isomiso2avc1mp41");
    let ftyp = mp4_box(b"ftyp", &ftyp);
    let data = u64::from(frames) * u64::from(SAMPLE);
    // mdat with a 64-bit size: 16 header bytes.
    let index_len = moov(0).len() as u64;
    let data_start = ftyp.len() as u64 + index_len + 16;
    let mut head = ftyp;
    head.extend(moov(data_start));
    head.extend(be(1));
    head.extend(b"mdat");
    head.extend((data + 16).to_be_bytes());
    (head, data)
}
