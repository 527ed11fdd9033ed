//! The place a campaign belongs to, as a title or an office names it:
//! "泸溪县" in "2025年泸溪县“政务公开主题日”活动", "某某市" in "某某市人民政府
//! 办公室关于…", "潭溪镇" in "潭溪镇人民政府". A county's, a district's, a
//! city's or a town's campaign each has its own office ([`Place::office`])
//! and an ASCII word for its level ([`Place::level_word`]), which `init`
//! builds the campaign's id from.

/// A level of government, by how its name ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Province,
    /// 州, 盟, 地区.
    Prefecture,
    City,
    District,
    /// 县, 旗.
    County,
    /// 镇, 乡.
    Town,
    /// 街道.
    Subdistrict,
}

/// A place and its level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// "泸溪县", "某某市", "湘西土家族苗族自治州".
    pub name: String,
    pub level: Level,
}

impl Place {
    /// The office that usually runs a campaign there: "某某市人民政府办公室",
    /// "泸溪县人民政府办公室", "潭溪镇人民政府", "某某街道办事处".
    pub fn office(&self) -> String {
        match self.level {
            Level::Town => format!("{}人民政府", self.name),
            Level::Subdistrict => format!("{}办事处", self.name),
            _ => format!("{}人民政府办公室", self.name),
        }
    }

    /// The level in ASCII (its pinyin, from this fixed list): "shi", "xian",
    /// "qu", "zhen", ….
    pub fn level_word(&self) -> &'static str {
        let end = |s: &str| self.name.ends_with(s);
        match self.level {
            Level::Province => "sheng",
            Level::Prefecture if end("盟") => "meng",
            Level::Prefecture if end("地区") => "diqu",
            Level::Prefecture => "zhou",
            Level::City => "shi",
            Level::District => "qu",
            Level::County if end("旗") => "qi",
            Level::County => "xian",
            Level::Town if end("乡") => "xiang",
            Level::Town => "zhen",
            Level::Subdistrict => "jiedao",
        }
    }

    /// The one-character word for it in "全县", "我市": 县, 市, 区, ….
    pub fn level_char(&self) -> Option<char> {
        self.name.chars().last()
    }
}

/// How a place's name ends, longest first, and its level.
const ENDINGS: &[(&str, Level)] = &[
    ("自治州", Level::Prefecture),
    ("自治县", Level::County),
    ("自治旗", Level::County),
    ("街道", Level::Subdistrict),
    ("地区", Level::Prefecture),
    ("省", Level::Province),
    ("州", Level::Prefecture),
    ("盟", Level::Prefecture),
    ("市", Level::City),
    ("区", Level::District),
    ("县", Level::County),
    ("旗", Level::County),
    ("镇", Level::Town),
    ("乡", Level::Town),
];

/// Words that end like a place but are not one.
const NOT_PLACES: &[&str] = &[
    "社区", "园区", "景区", "小区", "城区", "辖区", "片区", "街区", "库区", "山区", "矿区",
];

/// The lowest place named at the start of `text` (after a year such as
/// "2025年"): "湘西州泸溪县…" → 泸溪县. None when the text does not start
/// with a place.
pub fn place_in(text: &str) -> Option<Place> {
    let t = text.trim();
    let t = match t.find('年') {
        Some(i)
            if t[..i]
                .chars()
                .all(|c| c.is_ascii_digit() || "〇○零一二三四五六七八九".contains(c))
                && i > 0 =>
        {
            &t[i + '年'.len_utf8()..]
        }
        _ => t,
    };
    let mut rest = t;
    let mut found = None;
    while let Some((len, place)) = next_place(rest) {
        found = Some(place);
        rest = &rest[len..];
    }
    found
}

/// The shortest place name at the start of `s` (2–8 Chinese characters
/// ending like a place, up to 12 for an autonomous one "…自治州"), and its
/// length in bytes.
fn next_place(s: &str) -> Option<(usize, Place)> {
    for (count, (i, c)) in s.char_indices().enumerate() {
        if !('\u{4E00}'..='\u{9FFF}').contains(&c) || count >= 12 {
            return None;
        }
        let name = &s[..i + c.len_utf8()];
        if count == 0 || name.ends_with("自治") || NOT_PLACES.iter().any(|w| name.ends_with(w)) {
            continue;
        }
        let Some(&(ending, level)) = ENDINGS.iter().find(|(e, _)| name.ends_with(e)) else {
            continue;
        };
        if count >= 8 && !ending.starts_with("自治") {
            return None;
        }
        return Some((
            name.len(),
            Place {
                name: name.to_owned(),
                level,
            },
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(text: &str) -> Option<(String, &'static str, String)> {
        place_in(text).map(|p| (p.name.clone(), p.level_word(), p.office()))
    }

    #[test]
    fn places_of_every_level_from_titles_and_offices() {
        assert_eq!(
            place("2025年泸溪县“政务公开主题日”活动"),
            Some(("泸溪县".into(), "xian", "泸溪县人民政府办公室".into()))
        );
        assert_eq!(
            place("2025年某某市政务公开日活动安排表"),
            Some(("某某市".into(), "shi", "某某市人民政府办公室".into()))
        );
        assert_eq!(
            place("建昌县人民政府办公室关于开展第十七届“5·15政务公开日”活动的通知"),
            Some(("建昌县".into(), "xian", "建昌县人民政府办公室".into()))
        );
        assert_eq!(
            place("湘西州泸溪县行政审批服务局").map(|p| p.0),
            Some("泸溪县".into())
        );
        assert_eq!(
            place("某某区政务服务管理局"),
            Some(("某某区".into(), "qu", "某某区人民政府办公室".into()))
        );
        assert_eq!(
            place("潭溪镇人民政府"),
            Some(("潭溪镇".into(), "zhen", "潭溪镇人民政府".into()))
        );
        assert_eq!(
            place("二〇二五年某某市市场监督管理局").map(|p| p.0),
            Some("某某市".into())
        );
        assert_eq!(
            place("湘西土家族苗族自治州2025年活动").map(|p| (p.0, p.1)),
            Some(("湘西土家族苗族自治州".into(), "zhou"))
        );
    }

    #[test]
    fn words_that_only_end_like_places() {
        assert_eq!(place("县政府办公室"), None);
        assert_eq!(place("市场监管局活动安排表"), None);
        assert_eq!(place("城东社区活动"), None);
        assert_eq!(place("政务公开日活动安排表"), None);
    }
}
