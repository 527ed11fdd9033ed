//! Word (.docx): title, headings with levels, paragraphs and tables in
//! reading order, images pasted into the body, character count.
//!
//! A small streaming reader over quick-xml instead of docx-rs: the package
//! is verified first ([`super::ooxml`]: part sizes, DTDs), every part read is
//! bounded, nothing is decoded (docx-rs builds PNG previews of every image
//! unless told not to, and panics on some corrupt parts), and unknown
//! entities are dropped, never expanded. Text boxes are read once (the
//! `mc:Fallback` copy is skipped); deleted revisions and field codes are not
//! text. Headings come from the paragraph style (`heading N`/`标题 N`, or an
//! outline level); the title is the first `Title` paragraph, else the first
//! heading, else docProps' title.
//!
//! An empty document, or one still holding a template's blanks
//! ([`super::template`]: "此处填写…", "202X年X月X日", "（请填写…）",
//! "______"), is refused as incomplete, naming what was left unfilled.

use super::ooxml::{self, Package, resolve_entity, unescape, xml_text};
use super::{
    Block, Child, Content, Document, EmbeddedImage, FileKind, Found, Limits, Outcome, Refused,
    photo, sniff, template,
};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;

/// Reads a Word document found `depth` containers deep. Pasted photos
/// (JPEG, PNG, WebP parts) come back as children at `depth + 1`, so they are
/// inspected like any photo and can count toward a photo deliverable.
pub fn inspect(bytes: &[u8], limits: &Limits, depth: u32) -> Outcome {
    let mut pkg = ooxml::open(bytes, limits, "[Content_Types].xml").map_err(corrupt)?;
    let main = main_part(&mut pkg, limits).map_err(corrupt)?;
    let Some(xml) = pkg.read(&main, limits).map_err(corrupt)? else {
        return Err(Refused::new(format!(
            "文件缺少正文部件“{main}”，不是完整的Word文档"
        )));
    };
    let styles = match pkg.read("word/styles.xml", limits).map_err(corrupt)? {
        Some(s) => parse_styles(&xml_text(&s)),
        None => HashMap::new(),
    };
    let body = parse_body(&xml_text(&xml), &styles)
        .map_err(|_| Refused::new("Word正文(XML)损坏，无法读取，请检查文件后重新报送"))?;
    let rels = rels_of(&mut pkg, &main, limits);
    let mut doc = Document {
        title: None,
        blocks: body.blocks,
        images: Vec::new(),
        char_count: 0,
    };
    let mut children = Vec::new();
    for rid in &body.images {
        let Some(target) = rels.get(rid) else {
            continue;
        };
        if doc.images.iter().any(|i| &i.name == target) {
            continue;
        }
        if let Ok(Some(img)) = pkg.read(target, limits) {
            let image = embedded_image(target, &img);
            if matches!(image.kind, FileKind::Jpeg | FileKind::Png | FileKind::Webp) {
                children.push(Child {
                    path: target.clone(),
                    bytes: img,
                    depth: depth + 1,
                });
            }
            doc.images.push(image);
        }
    }
    doc.char_count = doc.blocks.iter().map(|b| count_chars(&block_text(b))).sum();
    doc.title = body.title.or_else(|| core_title(&mut pkg, limits));
    let mut found = Found::new(Content::Document(Document::default()));
    found.warnings = pkg.warnings;
    found.children = children;
    judge(doc, found)
}

/// Refuses empty and template-only documents.
fn judge(doc: Document, mut found: Found) -> Outcome {
    let blanks = template::blanks(doc.blocks.iter().flat_map(Block::texts));
    if !blanks.is_empty() {
        let mut refused = Refused::new(template::reason(&blanks));
        refused.content = Box::new(Content::Document(doc));
        return Err(refused);
    }
    if doc.char_count == 0 && doc.images.is_empty() {
        return Err(Refused::new("文档内容为空，请填写后重新报送"));
    }
    found.notes.push(format!(
        "共{}字，{}张图片",
        doc.char_count,
        doc.images.len()
    ));
    found.content = Content::Document(doc);
    Ok(found)
}

fn corrupt(e: impl std::fmt::Display) -> Refused {
    Refused::new(format!("Word文档无法读取：{e}，请检查文件后重新报送"))
}

/// The main document part named by the package relationships.
fn main_part(pkg: &mut Package, limits: &Limits) -> Result<String, ooxml::PackageError> {
    let rels = match pkg.read("_rels/.rels", limits)? {
        Some(r) => parse_rels(&xml_text(&r), ""),
        None => HashMap::new(),
    };
    Ok(rels
        .into_iter()
        .find(|(_, (kind, _))| kind.ends_with("/officeDocument"))
        .map(|(_, (_, target))| target)
        .unwrap_or_else(|| "word/document.xml".to_string()))
}

/// rId → part name for the relationships of `part`.
fn rels_of(pkg: &mut Package, part: &str, limits: &Limits) -> HashMap<String, String> {
    let (dir, file) = part.rsplit_once('/').unwrap_or(("", part));
    let rels_name = if dir.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{dir}/_rels/{file}.rels")
    };
    match pkg.read(&rels_name, limits) {
        Ok(Some(r)) => parse_rels(&xml_text(&r), dir)
            .into_iter()
            .map(|(id, (_, target))| (id, target))
            .collect(),
        _ => HashMap::new(),
    }
}

/// Relationship id → (type, resolved part name); external targets skipped.
fn parse_rels(xml: &str, base: &str) -> HashMap<String, (String, String)> {
    let mut out = HashMap::new();
    let mut reader = lenient_reader(xml);
    while let Ok(ev) = reader.read_event() {
        match ev {
            Event::Start(e) | Event::Empty(e) if local(&e) == "Relationship" => {
                if attr(&e, "TargetMode").as_deref() == Some("External") {
                    continue;
                }
                if let (Some(id), Some(kind), Some(target)) =
                    (attr(&e, "Id"), attr(&e, "Type"), attr(&e, "Target"))
                {
                    out.insert(id, (kind, resolve_target(base, &target)));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// Resolves a relationship target against the source part's folder.
fn resolve_target(base: &str, target: &str) -> String {
    let target = target.replace('\\', "/");
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in target.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Style id → heading level (0 = title).
fn parse_styles(xml: &str) -> HashMap<String, u8> {
    let mut out = HashMap::new();
    let mut reader = lenient_reader(xml);
    let mut current: Option<String> = None;
    let mut level: Option<u8> = None;
    while let Ok(ev) = reader.read_event() {
        match ev {
            Event::Start(e) | Event::Empty(e) => match local(&e) {
                "style" => {
                    current = attr(&e, "styleId");
                    level = None;
                }
                "name" if current.is_some() => {
                    level = attr(&e, "val").and_then(|n| level_from_name(&n)).or(level);
                }
                "outlineLvl" if current.is_some() && level.is_none() => {
                    level = attr(&e, "val")
                        .and_then(|v| v.parse::<u8>().ok())
                        .filter(|&v| v < 9)
                        .map(|v| v + 1);
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "style" => {
                if let (Some(id), Some(l)) = (current.take(), level.take()) {
                    out.insert(id, l);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// "heading 2" / "标题 2" → 2; "Title" / "标题" → 0.
fn level_from_name(name: &str) -> Option<u8> {
    let lower = name.trim().to_lowercase();
    if lower == "title" || lower == "标题" {
        return Some(0);
    }
    let rest = lower
        .strip_prefix("heading")
        .or_else(|| lower.strip_prefix("标题"))?;
    rest.trim()
        .parse::<u8>()
        .ok()
        .filter(|l| (1..=9).contains(l))
}

/// What the body yields.
#[derive(Default)]
struct Body {
    blocks: Vec<Block>,
    title: Option<String>,
    /// Relationship ids of images, in order.
    images: Vec<String>,
}

/// One paragraph being read.
#[derive(Default)]
struct Para {
    text: String,
    style: Option<String>,
    outline: Option<u8>,
}

/// Reading state for the body.
#[derive(Default)]
struct BodyReader {
    body: Body,
    paras: Vec<Para>,
    /// Open tables; only the outermost becomes a block, inner ones fold
    /// into its cells.
    tables: Vec<Vec<Vec<String>>>,
    row: Vec<String>,
    cell: Option<String>,
    in_text: bool,
    /// Depth inside a subtree whose text is ignored (mc:Fallback, w:delText…).
    skip: u32,
}

fn parse_body(xml: &str, styles: &HashMap<String, u8>) -> Result<Body, quick_xml::Error> {
    let mut r = BodyReader::default();
    let mut reader = lenient_reader(xml);
    loop {
        match reader.read_event()? {
            Event::Start(e) => r.start(&e, false),
            Event::Empty(e) => r.start(&e, true),
            Event::End(e) => r.end(e.local_name().as_ref(), styles),
            Event::Text(t) if r.in_text && r.skip == 0 => r.push_text(&t),
            Event::GeneralRef(g) if r.in_text && r.skip == 0 => {
                if let Some(c) = resolve_entity(&g) {
                    r.push_text(c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(r.body)
}

impl BodyReader {
    fn start(&mut self, e: &BytesStart, empty: bool) {
        let name = local(e);
        if self.skip > 0 {
            if !empty {
                self.skip += 1;
            }
            return;
        }
        match name {
            "Fallback" | "delText" | "instrText" if !empty => self.skip = 1,
            "p" if !empty => self.paras.push(Para::default()),
            "pStyle" => {
                if let Some(p) = self.paras.last_mut() {
                    p.style = attr(e, "val");
                }
            }
            "outlineLvl" => {
                if let Some(p) = self.paras.last_mut() {
                    p.outline = attr(e, "val").and_then(|v| v.parse::<u8>().ok());
                }
            }
            "t" if !empty => self.in_text = true,
            "tab" => self.push_text("\t"),
            "br" | "cr" => self.push_text("\n"),
            "tbl" if !empty => self.tables.push(Vec::new()),
            "tc" if !empty && self.tables.len() == 1 => self.cell = Some(String::new()),
            "blip" | "imagedata" => {
                if let Some(id) = attr(e, "embed").or_else(|| attr(e, "id")) {
                    self.body.images.push(id);
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &str, styles: &HashMap<String, u8>) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        match name {
            "t" => self.in_text = false,
            "p" => {
                if let Some(p) = self.paras.pop() {
                    self.finish_para(p, styles);
                }
            }
            "tc" if self.tables.len() == 1 => {
                let cell = self.cell.take().unwrap_or_default();
                self.row.push(cell.trim().to_string());
            }
            "tr" if self.tables.len() == 1 => {
                let row = std::mem::take(&mut self.row);
                if let Some(t) = self.tables.last_mut() {
                    t.push(row);
                }
            }
            "tbl" => {
                if let Some(rows) = self.tables.pop()
                    && self.tables.is_empty()
                    && rows.iter().any(|r| r.iter().any(|c| !c.is_empty()))
                {
                    self.body.blocks.push(super::Block::Table { rows });
                }
            }
            _ => {}
        }
    }

    fn push_text(&mut self, s: &str) {
        if let Some(p) = self.paras.last_mut() {
            p.text.push_str(s);
        }
    }

    fn finish_para(&mut self, p: Para, styles: &HashMap<String, u8>) {
        let text = p.text.trim().to_string();
        if let Some(outer) = self.paras.last_mut() {
            // A paragraph inside a text box: its text joins the outer one.
            outer.text.push_str(&text);
            return;
        }
        if let Some(cell) = self.cell.as_mut() {
            if !cell.is_empty() && !text.is_empty() {
                cell.push('\n');
            }
            cell.push_str(&text);
            return;
        }
        if text.is_empty() {
            return;
        }
        let level = p
            .style
            .as_ref()
            .and_then(|s| styles.get(s).copied().or_else(|| level_from_name(s)))
            .or(p.outline.filter(|&l| l < 9).map(|l| l + 1));
        match level {
            Some(0) => {
                self.body.title.get_or_insert_with(|| text.clone());
                self.body.blocks.push(Block::Heading { level: 0, text });
            }
            Some(level) => {
                if self.body.title.is_none()
                    && !self
                        .body
                        .blocks
                        .iter()
                        .any(|b| matches!(b, Block::Heading { .. }))
                {
                    self.body.title = Some(text.clone());
                }
                self.body.blocks.push(Block::Heading { level, text });
            }
            None => self.body.blocks.push(Block::Paragraph { text }),
        }
    }
}

/// docProps/core.xml's dc:title, if any.
fn core_title(pkg: &mut Package, limits: &Limits) -> Option<String> {
    let xml = pkg.read("docProps/core.xml", limits).ok()??;
    let xml = xml_text(&xml);
    let mut reader = lenient_reader(&xml);
    let mut in_title = false;
    let mut title = String::new();
    while let Ok(ev) = reader.read_event() {
        match ev {
            Event::Start(e) if local(&e) == "title" => in_title = true,
            Event::End(e) if e.local_name().as_ref() == "title" => break,
            Event::Text(t) if in_title => title.push_str(&t),
            Event::GeneralRef(g) if in_title => title.extend(resolve_entity(&g)),
            Event::Eof => break,
            _ => {}
        }
    }
    let title = title.trim();
    (!title.is_empty()).then(|| title.to_string())
}

/// An image part: its hash, real kind and header dimensions (no decoding).
fn embedded_image(name: &str, bytes: &[u8]) -> EmbeddedImage {
    let kind = sniff::sniff(bytes, sniff::claimed_kind(name));
    let (width, height) = photo::header_dimensions(kind, bytes).unwrap_or((0, 0));
    EmbeddedImage {
        name: name.to_string(),
        hash: blake3::hash(bytes).to_hex().to_string(),
        kind,
        width,
        height,
    }
}

/// All text of a block, cells joined.
fn block_text(b: &Block) -> String {
    b.texts().concat()
}

/// CJK characters count one each; runs of other letters/digits count as one word.
pub fn count_chars(text: &str) -> usize {
    let mut count = 0;
    let mut in_word = false;
    for c in text.chars() {
        if is_cjk(c) {
            count += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                count += 1;
            }
            in_word = true;
        } else {
            in_word = false;
        }
    }
    count
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF
        | 0x3040..=0x30FF | 0xAC00..=0xD7AF)
}

fn lenient_reader(xml: &str) -> Reader<&[u8]> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    reader
}

fn local<'a>(e: &'a BytesStart) -> &'a str {
    let name = e.name().0;
    name.rsplit(':').next().unwrap_or(name)
}

/// An attribute by local name (any prefix), unescaped.
fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        let key = a.key.local_name();
        (key.as_ref() == name).then(|| unescape(&a.value).into_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cjk_and_words() {
        assert_eq!(count_chars("政务公开 day one"), 6);
        assert_eq!(count_chars(""), 0);
    }

    #[test]
    fn heading_levels_from_style_names() {
        assert_eq!(level_from_name("heading 2"), Some(2));
        assert_eq!(level_from_name("标题 1"), Some(1));
        assert_eq!(level_from_name("Title"), Some(0));
        assert_eq!(level_from_name("Normal"), None);
    }

    #[test]
    fn targets_resolve() {
        assert_eq!(
            resolve_target("word", "media/image1.jpeg"),
            "word/media/image1.jpeg"
        );
        assert_eq!(resolve_target("word", "../media/a.png"), "media/a.png");
        assert_eq!(
            resolve_target("word", "/word/media/a.png"),
            "word/media/a.png"
        );
    }

    #[test]
    fn body_in_order_with_table_and_textbox_once() {
        let xml = r#"<w:document xmlns:w="w" xmlns:mc="mc"><w:body>
            <w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>总结</w:t></w:r></w:p>
            <w:p><w:r><w:t>第一段&amp;</w:t></w:r><w:r><w:delText>删</w:delText></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc>
            <w:tc><w:p><w:r><w:t>c</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:p><mc:AlternateContent><mc:Choice><w:txbxContent><w:p><w:r><w:t>框</w:t></w:r></w:p></w:txbxContent></mc:Choice>
            <mc:Fallback><w:p><w:r><w:t>框</w:t></w:r></w:p></mc:Fallback></mc:AlternateContent></w:p>
            </w:body></w:document>"#;
        let styles = HashMap::from([("Heading1".to_string(), 1u8)]);
        let body = parse_body(xml, &styles).unwrap();
        assert_eq!(body.title.as_deref(), Some("总结"));
        assert_eq!(
            body.blocks,
            vec![
                Block::Heading {
                    level: 1,
                    text: "总结".into()
                },
                Block::Paragraph {
                    text: "第一段&".into()
                },
                Block::Table {
                    rows: vec![vec!["a\nb".into(), "c".into()]]
                },
                Block::Paragraph { text: "框".into() },
            ]
        );
    }
}
