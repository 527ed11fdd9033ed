//! Writes the parts a report is laid out in ([`super`]) as one PDF, one part
//! at a time, putting the photos in as it goes.
//!
//! Each part is a complete typst-pdf file, laid out with the photos'
//! stand-ins ([`super::photos`]). As each part arrives it is written object
//! by object:
//! - from each part only what its pages use is kept (contents, fonts,
//!   images, …), renumbered after the previous parts; each part's own
//!   catalogue, page tree, outline and structure tree are left out;
//! - an image whose data is a stand-in is written with the photo's JPEG
//!   from the store instead (its `/Width`, `/Height`, `/Length` set to the
//!   photo's), so only one photo is in memory at a time;
//! - at the end, one page tree, one outline (the bookmarks, from the
//!   headings each part reported, at their real levels), one catalogue and
//!   the document information of the first part, then the cross-reference
//!   table.
//!
//! A part may go on on the last page of the part before it (when that page
//! has room left; the part was laid out starting that far down, without
//! its own running head and page number there): that page is held back
//! until the next part comes, and the next part's first page is drawn onto
//! it as a form XObject (its content and resources kept whole, so nothing
//! of either page is renamed).
//!
//! Nothing of a part is kept once it is written but its page numbers,
//! bookmarks and a held last page. Each part embeds its own subset of the
//! report fonts. The joined PDF is not tagged (typst's structure tree is
//! per part).

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Write};

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, Writer};

use super::objects::{document_info, page_entry, page_height, reachable, renumber, resolved};
use super::photos::{Photo, Photos};
use crate::render::RenderError;

/// A heading of a part, for the joined outline.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    /// 1 for `=`, 2 for `==`, …
    pub level: usize,
    pub title: String,
    /// Page within the part, from 0.
    pub page: usize,
    /// Where to scroll to: from the page's left and top edges, in points.
    pub x: f64,
    pub y: f64,
}

/// How a part meets its neighbours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seams {
    /// Its first page goes onto the last page of the part before.
    pub continues: bool,
    /// The next part goes on on its last page.
    pub hold_last: bool,
}

/// The last page of a part, waiting for the next part to be drawn onto it.
struct HeldPage {
    /// Its object number (its place in the xref is filled when written).
    id: u32,
    /// The page dictionary, renumbered.
    dict: Dictionary,
    /// Its resources, resolved and inline, renumbered.
    resources: Dictionary,
    /// The forms drawn over it: the first pages of the parts that went on
    /// on it.
    carried: Vec<u32>,
}

/// The name a part's first page is drawn under on a held page (numbered).
const CARRIED: &str = "BaosongCarried";

/// Object numbers of what is written last.
const CATALOG: u32 = 1;
const PAGES: u32 = 2;
const OUTLINES: u32 = 3;
const INFO: u32 = 4;
const FIRST_FREE: u32 = 5;

/// The report's PDF being written, part by part.
pub struct PdfWriter<'a, W: Write> {
    w: Counting<W>,
    photos: &'a Photos,
    /// Where each object starts, by number − 1 (the fixed ones filled last).
    offsets: Vec<u64>,
    /// The pages, in order.
    kids: Vec<u32>,
    marks: Vec<Mark>,
    /// The first part's document information and language.
    info: Option<(Dictionary, Option<Object>)>,
    /// Parts written so far.
    parts: usize,
    /// The previous part's last page, when this part goes on on it.
    held: Option<HeldPage>,
}

impl<'a, W: Write> PdfWriter<'a, W> {
    pub fn new(out: W, photos: &'a Photos) -> Self {
        PdfWriter {
            w: Counting { out, at: 0 },
            photos,
            offsets: vec![0; (FIRST_FREE - 1) as usize],
            kids: Vec::new(),
            marks: Vec::new(),
            info: None,
            parts: 0,
            held: None,
        }
    }

    /// Writes the next part, laid out with its `headings`, meeting its
    /// neighbours as `seams` says.
    pub fn push(
        &mut self,
        part: &[u8],
        headings: &[Heading],
        seams: Seams,
    ) -> Result<(), RenderError> {
        self.parts += 1;
        let mut doc = Document::load_mem(part).map_err(|source| RenderError::Join {
            part: self.parts,
            source,
        })?;
        let w = &mut self.w;
        if self.info.is_none() {
            writeln!(w, "%PDF-{}", doc.version)?;
            w.write_all(b"%\xE2\xE3\xCF\xD3\n")?;
            let lang = doc
                .catalog()
                .ok()
                .and_then(|c| c.get(b"Lang").ok())
                .cloned();
            self.info = Some((document_info(&doc), lang));
        }
        let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
        let order = reachable(&doc, &pages);
        let next = self.offsets.len() as u32 + 1;
        let ids: HashMap<ObjectId, u32> = order
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, next + i as u32))
            .collect();
        let mut page_ids: Vec<u32> = pages.iter().map(|p| ids[p]).collect();
        // This part's first page drawn onto the held one: it becomes a
        // form under the page's object number, its content streams copied
        // into it; the held page stands in its place.
        let mut carried: Option<(HeldPage, Stream, Vec<ObjectId>)> = None;
        if seams.continues
            && let (Some(mut held), Some(&first)) = (self.held.take(), pages.first())
        {
            let (form, copied) = page_form(&doc, first, &ids);
            held.carried.push(ids[&first]);
            page_ids[0] = held.id;
            carried = Some((held, form, copied));
        }
        for heading in headings {
            let Some(&page) = page_ids.get(heading.page) else {
                continue;
            };
            let height = page_height(&doc, pages[heading.page]);
            self.marks.push(Mark {
                level: heading.level,
                title: heading.title.clone(),
                page,
                x: heading.x,
                y: height - heading.y,
            });
        }
        // The last page waits for the next part (unless it is the page
        // this part was drawn onto, which then waits on).
        let last = pages
            .last()
            .copied()
            .filter(|_| seams.hold_last)
            .filter(|p| carried.is_none() || pages.len() > 1 || Some(p) != pages.first());
        let hold = last.map(|page| held_page(&doc, page, &ids));
        for old in order {
            let mut object = doc.objects.remove(&old).unwrap_or(Object::Null);
            renumber(&mut object, &ids);
            if let Object::Dictionary(dict) = &mut object
                && pages.contains(&old)
            {
                dict.set("Parent", Object::Reference((PAGES, 0)));
                dict.remove(b"StructParents");
            }
            if let Some((_, form, copied)) = &carried {
                if Some(&old) == pages.first() {
                    object = Object::Stream(form.clone());
                } else if copied.contains(&old) {
                    object = Object::Null;
                }
            }
            if Some(old) == last {
                // Its place in the xref is filled when it is written.
                self.offsets.push(0);
                continue;
            }
            let photos = self.photos;
            self.offsets.push(indirect(w, ids[&old], |w| match &object {
                Object::Stream(stream) if let Some(photo) = stand_in(stream, photos) => {
                    write_photo(w, stream, photo)
                }
                _ => Writer::write_object(w, &object),
            })?);
        }
        let continued = carried.is_some();
        if let Some((held, _, _)) = carried {
            if seams.hold_last && pages.len() == 1 {
                self.held = Some(held);
            } else {
                self.write_held(held)?;
            }
        }
        if hold.is_some() {
            self.held = hold;
        }
        self.kids
            .extend(page_ids.into_iter().skip(usize::from(continued)));
        Ok(())
    }

    /// Writes a held page, with the forms carried onto it (the next parts'
    /// first pages) drawn over it.
    fn write_held(&mut self, held: HeldPage) -> Result<(), RenderError> {
        let HeldPage {
            id,
            mut dict,
            mut resources,
            carried,
        } = held;
        if !carried.is_empty() {
            let mut xobjects = match resources.get(b"XObject") {
                Ok(Object::Dictionary(d)) => d.clone(),
                _ => Dictionary::new(),
            };
            let mut draw = Vec::new();
            for (n, form) in carried.iter().enumerate() {
                let name = format!("{CARRIED}{n}");
                xobjects.set(name.as_bytes(), Object::Reference((*form, 0)));
                draw.extend_from_slice(format!("q /{name} Do Q\n").as_bytes());
            }
            resources.set("XObject", Object::Dictionary(xobjects));
            // The page's own content, then the forms.
            let stream_id = self.offsets.len() as u32 + 1;
            let mut contents = match dict.get(b"Contents") {
                Ok(Object::Array(items)) => items.clone(),
                Ok(other) => vec![other.clone()],
                Err(_) => Vec::new(),
            };
            contents.push(Object::Reference((stream_id, 0)));
            dict.set("Contents", Object::Array(contents));
            let stream = Object::Stream(Stream::new(Dictionary::new(), draw));
            let w = &mut self.w;
            self.offsets.push(indirect(w, stream_id, |w| {
                Writer::write_object(w, &stream)
            })?);
        }
        dict.set("Resources", Object::Dictionary(resources));
        let w = &mut self.w;
        self.offsets[(id - 1) as usize] = indirect(w, id, |w| {
            Writer::write_object(w, &Object::Dictionary(dict))
        })?;
        Ok(())
    }

    /// Writes the page tree, outline, catalogue and cross-references.
    pub fn finish(mut self) -> Result<(), RenderError> {
        if let Some(held) = self.held.take() {
            self.write_held(held)?;
        }
        let Some((info, lang)) = self.info.take() else {
            return Err(RenderError::Output(io::Error::other("PDF 没有内容")));
        };
        let w = &mut self.w;
        let offsets = &mut self.offsets;
        let first_mark = offsets.len() as u32 + 1;
        let (outline_count, outline_range) = write_outline(w, offsets, &self.marks, first_mark)?;
        let mut write_fixed = |w: &mut Counting<W>, id: u32, dict: Dictionary| -> io::Result<()> {
            offsets[(id - 1) as usize] = indirect(w, id, |w| {
                Writer::write_object(w, &Object::Dictionary(dict))
            })?;
            Ok(())
        };
        let mut catalog = Dictionary::new();
        catalog.set("Type", Object::Name(b"Catalog".to_vec()));
        catalog.set("Pages", Object::Reference((PAGES, 0)));
        catalog.set("Outlines", Object::Reference((OUTLINES, 0)));
        catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
        if let Some(lang) = lang {
            catalog.set("Lang", lang);
        }
        write_fixed(w, CATALOG, catalog)?;
        let mut tree = Dictionary::new();
        tree.set("Type", Object::Name(b"Pages".to_vec()));
        tree.set("Count", Object::Integer(self.kids.len() as i64));
        tree.set(
            "Kids",
            Object::Array(
                self.kids
                    .iter()
                    .map(|k| Object::Reference((*k, 0)))
                    .collect(),
            ),
        );
        write_fixed(w, PAGES, tree)?;
        let mut outlines = Dictionary::new();
        outlines.set("Type", Object::Name(b"Outlines".to_vec()));
        if let Some((first, last)) = outline_range {
            outlines.set("First", Object::Reference((first, 0)));
            outlines.set("Last", Object::Reference((last, 0)));
            outlines.set("Count", Object::Integer(outline_count));
        }
        write_fixed(w, OUTLINES, outlines)?;
        write_fixed(w, INFO, info)?;

        let xref = w.at;
        write!(w, "xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1)?;
        for offset in offsets.iter() {
            writeln!(w, "{offset:010} 00000 n ")?;
        }
        write!(
            w,
            "trailer\n<</Size {}/Root {CATALOG} 0 R/Info {INFO} 0 R>>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )?;
        Ok(())
    }
}

/// Writes object `id` (`body` writes its value) and returns where it starts.
fn indirect<W: Write>(
    w: &mut Counting<W>,
    id: u32,
    body: impl FnOnce(&mut Counting<W>) -> io::Result<()>,
) -> io::Result<u64> {
    let at = w.at;
    writeln!(w, "{id} 0 obj")?;
    body(w)?;
    w.write_all(b"\nendobj\n")?;
    Ok(at)
}

/// A bookmark of the joined PDF.
struct Mark {
    level: usize,
    title: String,
    /// Object number of the page.
    page: u32,
    /// PDF coordinates (from the bottom left).
    x: f64,
    y: f64,
}

/// Writes a byte count along.
struct Counting<W> {
    out: W,
    at: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.at += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// A part's last page to be held: its dictionary and its resources inline
/// (the XObject entry too), renumbered.
fn held_page(doc: &Document, page: ObjectId, ids: &HashMap<ObjectId, u32>) -> HeldPage {
    let mut resources = page_entry(doc, page, b"Resources")
        .and_then(|r| resolved(doc, r))
        .unwrap_or_default();
    if let Some(x) = resources
        .get(b"XObject")
        .ok()
        .and_then(|x| resolved(doc, x))
    {
        resources.set("XObject", Object::Dictionary(x));
    }
    let mut resources = Object::Dictionary(resources);
    renumber(&mut resources, ids);
    let mut dict = Object::Dictionary(doc.get_dictionary(page).cloned().unwrap_or_default());
    renumber(&mut dict, ids);
    let (Object::Dictionary(mut dict), Object::Dictionary(resources)) = (dict, resources) else {
        unreachable!("a dictionary stays a dictionary");
    };
    dict.set("Parent", Object::Reference((PAGES, 0)));
    dict.remove(b"StructParents");
    HeldPage {
        id: ids[&page],
        dict,
        resources,
        carried: Vec::new(),
    }
}

/// A page as a form XObject (its content streams joined, its resources
/// and media box kept), renumbered, and the content streams it copies.
fn page_form(
    doc: &Document,
    page: ObjectId,
    ids: &HashMap<ObjectId, u32>,
) -> (Stream, Vec<ObjectId>) {
    let streams: Vec<ObjectId> = match page_entry(doc, page, b"Contents") {
        Some(Object::Reference(id)) => vec![*id],
        Some(Object::Array(items)) => items.iter().filter_map(|o| o.as_reference().ok()).collect(),
        _ => Vec::new(),
    };
    let mut content = Vec::new();
    for id in &streams {
        if let Ok(stream) = doc.get_object(*id).and_then(Object::as_stream) {
            let bytes = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            content.extend_from_slice(&bytes);
            content.push(b'\n');
        }
    }
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"XObject".to_vec()));
    dict.set("Subtype", Object::Name(b"Form".to_vec()));
    let media_box = page_entry(doc, page, b"MediaBox")
        .cloned()
        .unwrap_or_else(|| {
            Object::Array(
                [0.0, 0.0, 595.28, 841.89]
                    .into_iter()
                    .map(Object::Real)
                    .collect(),
            )
        });
    dict.set("BBox", media_box);
    if let Some(resources) = page_entry(doc, page, b"Resources") {
        dict.set("Resources", resources.clone());
    }
    let mut object = Object::Stream(Stream::new(dict, content));
    renumber(&mut object, ids);
    let Object::Stream(mut stream) = object else {
        unreachable!("a stream stays a stream");
    };
    // Compressing what was just decompressed cannot fail; kept plain if it did.
    let _ = stream.compress();
    (stream, streams)
}

/// The photo an image stream stands in for, if it is a stand-in.
fn stand_in<'p>(stream: &Stream, photos: &'p Photos) -> Option<&'p Photo> {
    let is = |key: &[u8], name: &[u8]| {
        stream
            .dict
            .get(key)
            .and_then(Object::as_name)
            .is_ok_and(|n| n == name)
    };
    (is(b"Subtype", b"Image") && is(b"Filter", b"DCTDecode"))
        .then(|| photos.standing_in(&stream.content))
        .flatten()
}

/// An image object with the photo's JPEG as its data, copied from the store.
fn write_photo(w: &mut impl Write, stream: &Stream, photo: &Photo) -> io::Result<()> {
    let mut file = File::open(&photo.path)?;
    let len = file.metadata()?.len();
    let mut dict = stream.dict.clone();
    dict.set("Width", Object::Integer(i64::from(photo.width)));
    dict.set("Height", Object::Integer(i64::from(photo.height)));
    dict.set("Length", Object::Integer(len as i64));
    Writer::write_object(w, &Object::Dictionary(dict))?;
    w.write_all(b"stream\n")?;
    let copied = io::copy(&mut file, w)?;
    if copied != len {
        return Err(io::Error::other(format!(
            "照片 {} 在写入时发生了变化",
            photo.path.display()
        )));
    }
    w.write_all(b"\nendstream")
}

/// Writes the bookmarks as an outline tree under [`OUTLINES`]: a bookmark
/// is a child of the closest earlier one of a lower level. Top-level
/// entries are shown open, deeper ones closed. Returns the root's `/Count`
/// and its first and last child.
fn write_outline(
    w: &mut Counting<impl Write>,
    offsets: &mut Vec<u64>,
    marks: &[Mark],
    first: u32,
) -> io::Result<(i64, Option<(u32, u32)>)> {
    let id = |i: usize| first + i as u32;
    let mut parent: Vec<Option<usize>> = vec![None; marks.len()];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); marks.len()];
    let mut roots = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    for (i, mark) in marks.iter().enumerate() {
        while stack.last().is_some_and(|&p| marks[p].level >= mark.level) {
            stack.pop();
        }
        match stack.last() {
            Some(&p) => {
                parent[i] = Some(p);
                children[p].push(i);
            }
            None => roots.push(i),
        }
        stack.push(i);
    }
    // Top-level entries open (their children visible), deeper ones closed.
    let count = |i: usize| -> i64 {
        let n = children[i].len() as i64;
        if parent[i].is_none() { n } else { -n }
    };
    for (i, mark) in marks.iter().enumerate() {
        let siblings = match parent[i] {
            Some(p) => &children[p],
            None => &roots,
        };
        let at = siblings.iter().position(|&s| s == i).unwrap_or(0);
        let mut dict = Dictionary::new();
        dict.set("Title", lopdf::text_string(&mark.title));
        dict.set(
            "Parent",
            Object::Reference((parent[i].map_or(OUTLINES, id), 0)),
        );
        if at > 0 {
            dict.set("Prev", Object::Reference((id(siblings[at - 1]), 0)));
        }
        if let Some(&next) = siblings.get(at + 1) {
            dict.set("Next", Object::Reference((id(next), 0)));
        }
        if let (Some(&f), Some(&l)) = (children[i].first(), children[i].last()) {
            dict.set("First", Object::Reference((id(f), 0)));
            dict.set("Last", Object::Reference((id(l), 0)));
            dict.set("Count", Object::Integer(count(i)));
        }
        dict.set(
            "Dest",
            Object::Array(vec![
                Object::Reference((mark.page, 0)),
                Object::Name(b"XYZ".to_vec()),
                Object::Real(mark.x as f32),
                Object::Real(mark.y as f32),
                Object::Null,
            ]),
        );
        offsets.push(indirect(w, id(i), |w| {
            Writer::write_object(w, &Object::Dictionary(dict))
        })?);
    }
    let visible = roots.len() as i64 + roots.iter().map(|&r| count(r)).sum::<i64>();
    let range = roots
        .first()
        .zip(roots.last())
        .map(|(f, l)| (id(*f), id(*l)));
    Ok((visible, range))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renumbering_drops_references_to_objects_left_out() {
        let mut object = Object::Array(vec![Object::Reference((7, 0)), Object::Reference((8, 0))]);
        renumber(&mut object, &HashMap::from([((7, 0), 12)]));
        assert_eq!(
            object,
            Object::Array(vec![Object::Reference((12, 0)), Object::Null])
        );
    }
}
