//! Reading a part's objects with lopdf: its document information, a page's
//! inherited entries and height, what its pages use, and renumbering.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object, ObjectId};

/// The part's document information (title, author, producer, dates).
pub(super) fn document_info(doc: &Document) -> Dictionary {
    doc.trailer
        .get(b"Info")
        .ok()
        .and_then(|info| match info {
            Object::Reference(id) => doc.get_dictionary(*id).ok().cloned(),
            Object::Dictionary(d) => Some(d.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

/// A page's value for `key`, its own or inherited from the page tree.
pub(super) fn page_entry<'d>(doc: &'d Document, page: ObjectId, key: &[u8]) -> Option<&'d Object> {
    let mut at = doc.get_dictionary(page).ok()?;
    for _ in 0..32 {
        if let Ok(value) = at.get(key) {
            return Some(value);
        }
        at = doc
            .get_dictionary(at.get(b"Parent").ok()?.as_reference().ok()?)
            .ok()?;
    }
    None
}

/// `object`, or the dictionary it refers to.
pub(super) fn resolved(doc: &Document, object: &Object) -> Option<Dictionary> {
    match object {
        Object::Reference(id) => doc.get_dictionary(*id).ok().cloned(),
        Object::Dictionary(d) => Some(d.clone()),
        _ => None,
    }
}

/// Height of a page's media box in points (A4 portrait if unreadable).
pub(super) fn page_height(doc: &Document, page: ObjectId) -> f64 {
    let number = |o: &Object| o.as_float().map(f64::from).ok();
    doc.get_dictionary(page)
        .ok()
        .and_then(|p| p.get(b"MediaBox").ok())
        .and_then(|b| b.as_array().ok())
        .and_then(|b| Some(number(b.get(3)?)? - number(b.get(1)?)?))
        .unwrap_or(841.89)
}

/// Every object the pages use, pages first in order then in the order
/// found; `/Parent` links (back to the part's page tree) are not followed.
pub(super) fn reachable(doc: &Document, pages: &[ObjectId]) -> Vec<ObjectId> {
    let mut order: Vec<ObjectId> = pages.to_vec();
    let mut seen: std::collections::HashSet<ObjectId> = pages.iter().copied().collect();
    let mut i = 0;
    while i < order.len() {
        let mut found = Vec::new();
        if let Some(object) = doc.objects.get(&order[i]) {
            references(object, &mut found);
        }
        for id in found {
            if doc.objects.contains_key(&id) && seen.insert(id) {
                order.push(id);
            }
        }
        i += 1;
    }
    order
}

pub(super) fn references(object: &Object, found: &mut Vec<ObjectId>) {
    let dict_refs = |dict: &Dictionary, found: &mut Vec<ObjectId>| {
        for (key, value) in dict {
            if key.as_slice() != b"Parent" {
                references(value, found);
            }
        }
    };
    match object {
        Object::Reference(id) => found.push(*id),
        Object::Array(items) => items.iter().for_each(|o| references(o, found)),
        Object::Dictionary(dict) => dict_refs(dict, found),
        Object::Stream(stream) => dict_refs(&stream.dict, found),
        _ => {}
    }
}

/// Points every reference at its new number (references to objects not
/// kept become `null`).
pub(super) fn renumber(object: &mut Object, ids: &HashMap<ObjectId, u32>) {
    match object {
        Object::Reference(id) => {
            *object = match ids.get(id) {
                Some(new) => Object::Reference((*new, 0)),
                None => Object::Null,
            }
        }
        Object::Array(items) => items.iter_mut().for_each(|o| renumber(o, ids)),
        Object::Dictionary(dict) => dict.iter_mut().for_each(|(_, o)| renumber(o, ids)),
        Object::Stream(stream) => stream.dict.iter_mut().for_each(|(_, o)| renumber(o, ids)),
        _ => {}
    }
}
