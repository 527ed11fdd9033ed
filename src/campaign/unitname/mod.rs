//! The names a unit goes by, as people write them: its name without its
//! place and level (县卫生健康局 → 卫生健康局, 葫芦岛市生态环境局建昌分局 →
//! 生态环境局建昌分局), the standard 简称 of the shipped table
//! ([`table`]: 卫健局, 卫健委), a branch by its head and its place
//! (生态环境局泸溪分局 → 泸溪生态环境分局, 生态环境局), a town's or county's
//! government by its place (潭溪镇人民政府 → 潭溪镇), a village committee by
//! its village (红旗村村民委员会 → 红旗村).
//!
//! Places are the usual administrative ones (省/市/州/县/区/旗/盟, 自治州…)
//! and the campaign's own ([`Places`]: from its title, its office and the
//! roster's names, 镇/乡/街道 included). The campaign's own place is never a
//! unit's name: 泸溪县 in a file name says nothing about which 泸溪县 unit
//! sent it. Whether a name then means one unit or several is the roster's
//! business ([`super::roster`]).

mod table;

pub use table::{Table, table};

/// Administrative levels a place name ends with.
const LEVELS: [char; 7] = ['省', '市', '州', '县', '区', '旗', '盟'];

/// A character that ends a place's name as its level (县, 市, 镇, 乡).
fn is_level(c: char) -> bool {
    LEVELS.contains(&c) || c == '镇' || c == '乡'
}

/// Words that start with a level character and are not a level prefix
/// (市场监督管理局 is not 市 + 场监督管理局; 市民政局 is 市 + 民政局, which
/// the table tells).
const LEVEL_WORDS: [&str; 12] = [
    "市场", "市政", "市容", "市民", "市区", "乡村", "乡镇", "区域", "县域", "县城", "县级", "州立",
];

/// Characters a place name never holds (they belong to bodies or phrases).
const NOT_IN_PLACES: &str = "和与及、局委办院厅所队部";

/// Prefixes of a body's name that are not places: 中共泸溪县委宣传部,
/// 国家税务总局泸溪县税务局, 国网泸溪县供电公司.
const ORG_PREFIXES: [&str; 5] = ["中国共产党", "中共", "国家税务总局", "国网", "中国人民银行"];

/// Bodies named "<organisation><place>委员会": 共青团泸溪县委员会 is
/// 共青团委员会 (团县委), 政协泸溪县委员会 is 政协委员会.
const ORG_COMMITTEES: [&str; 3] = ["共青团", "中国人民政治协商会议", "政协"];

/// A government's name after its place: 潭溪镇人民政府, 红旗街道办事处.
const GOVERNMENTS: [&str; 6] = [
    "人民政府",
    "政府",
    "街道办事处",
    "办事处",
    "管理委员会",
    "管委会",
];

/// Names too general to mean one unit on their own.
const GENERIC: [&str; 21] = [
    "人民政府",
    "政府",
    "办公室",
    "委员会",
    "管委会",
    "管理委员会",
    "办事处",
    "街道办事处",
    "党委",
    "党工委",
    "工作委员会",
    "服务中心",
    "管理局",
    "管理处",
    "管理所",
    "服务站",
    "分局",
    "支队",
    "大队",
    "分公司",
    "有限公司",
];

/// Endings of a branch or a unit under a body: 生态环境局泸溪分局,
/// 公安局交警大队.
const BRANCH_ENDS: [&str; 7] = ["分局", "大队", "支队", "中队", "分中心", "分院", "管理部"];

/// The place names of a campaign.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Places {
    /// The campaign's own places (its title's and office's): never a
    /// unit's name on their own.
    own: Vec<String>,
    /// Every place known, longest first, for taking them off names.
    known: Vec<String>,
}

impl Places {
    /// The places of a campaign: those its title and office start with
    /// (泸溪县 of "2025年泸溪县“政务公开主题日”活动"), and those the units'
    /// names show (湘西州 of 湘西州生态环境局泸溪分局, 潭溪镇 of
    /// 潭溪镇人民政府).
    pub fn new(own_texts: &[&str], unit_names: &[&str]) -> Places {
        let mut places = Places::default();
        for text in own_texts {
            for place in places_in_text(text) {
                places.add(&place, true);
            }
        }
        for name in unit_names {
            let name = normalize(name);
            let (_, rest) = org_prefix(&name);
            if let Some((place, _)) = government_place(rest) {
                places.add(&place, false);
            }
            let mut rest = rest.to_string();
            while let Some(len) = leading_place(&rest) {
                let place: String = rest.chars().take(len).collect();
                places.add(&place, false);
                rest = rest.chars().skip(len).collect();
            }
        }
        places
    }

    fn add(&mut self, place: &str, own: bool) {
        let mut names = vec![place.to_string()];
        // 泸溪县 is also written 泸溪, 葫芦岛市 葫芦岛.
        let short = strip_level(place);
        if short.chars().count() >= 2 {
            names.push(short.to_string());
        }
        for n in names {
            if own && !self.own.contains(&n) {
                self.own.push(n.clone());
            }
            if !self.known.contains(&n) {
                self.known.push(n);
            }
        }
        self.known
            .sort_by_key(|p| std::cmp::Reverse(p.chars().count()));
    }

    /// Whether `name` is one of the campaign's own places.
    pub fn is_own(&self, name: &str) -> bool {
        self.own.iter().any(|p| p == name)
    }
}

/// A place without its level character: 泸溪县 → 泸溪, 红旗街道 → 红旗.
fn strip_level(place: &str) -> &str {
    for level in ["自治州", "自治县", "自治区", "自治旗", "街道"] {
        if let Some(short) = place.strip_suffix(level) {
            return short;
        }
    }
    place.strip_suffix(is_level).unwrap_or(place)
}

/// The form names are compared in: no spaces, line breaks or punctuation
/// (Chinese, full-width or ASCII: 「」《》（）【】〔〕·•、-_ …), full-width
/// letters and digits folded, ASCII lower-cased.
pub fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !is_punct(*c))
        .map(crate::fmt::half_width)
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c,
            '\u{2010}'..='\u{2027}' // dashes, quotes, bullets, ‧
            | '\u{2030}'..='\u{205E}' // primes, ‹›, ※, ⁂
            | '\u{3001}'..='\u{3003}' // 、。〃
            | '\u{3008}'..='\u{3011}' // 〈〉《》「」『』【】
            | '\u{3014}'..='\u{301F}' // 〔〕〖〗〘〙〚〛〜〝〞〟
            | '\u{30FB}' // ・
            | '\u{FE10}'..='\u{FE19}' // vertical forms
            | '\u{FE30}'..='\u{FE6B}' // CJK compatibility and small forms
            | '\u{FF01}'..='\u{FF0F}' // ！＂＃…／
            | '\u{FF1A}'..='\u{FF20}' // ：；＜＝＞？＠
            | '\u{FF3B}'..='\u{FF40}' // ［＼］＾＿｀
            | '\u{FF5B}'..='\u{FF65}' // ｛｜｝～｟｠｡｢｣､･
            | '\u{00B7}' // ·
        )
}

/// A unit's name split into its place and level prefix and the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The places and levels taken off, in order (["湘西州"], ["县"], []).
    pub prefixes: Vec<String>,
    /// The name without them: 卫生健康局, 生态环境局泸溪分局, 委宣传部.
    pub core: String,
}

impl Split {
    /// The prefixes as written together ("湖南省湘西州").
    pub fn prefix(&self) -> String {
        self.prefixes.concat()
    }
}

/// Whether two innermost prefixes name two different places (合水镇 and
/// 兴隆场镇, 城东区 and 城西区), so that the same office under each is two
/// units. A bare level (县, 镇) or no prefix may stand for any place of
/// its kind.
pub fn different_places(a: Option<&str>, b: Option<&str>) -> bool {
    let named = |p: &str| {
        let mut chars = p.chars();
        !(p == "街道" || (chars.next().is_some_and(is_level) && chars.next().is_none()))
    };
    match (a, b) {
        (Some(a), Some(b)) => a != b && named(a) && named(b),
        _ => false,
    }
}

/// Splits a unit's name into its places and levels and the rest:
/// 县卫生健康局 → 县 + 卫生健康局; 湘西州生态环境局泸溪分局 → 湘西州 +
/// 生态环境局泸溪分局; 中共泸溪县委宣传部 → 泸溪县 + 委宣传部;
/// 市市场监督管理局 → 市 + 市场监督管理局; 共青团泸溪县委员会 → 泸溪县 +
/// 共青团委员会.
pub fn split(name: &str, places: &Places) -> Split {
    let name = normalize(name);
    let (org, mut rest) = org_prefix(&name);
    let mut prefixes = Vec::new();
    loop {
        // The longer of a known place (泸溪, 湘西土家族苗族自治州) and a
        // place by its form (岳麓街道 rather than the known 岳麓).
        let known = places
            .known
            .iter()
            .filter(|p| rest.starts_with(p.as_str()) && name_follows(&rest[p.len()..]))
            .map(|p| p.len())
            .next();
        let by_form = leading_place(rest)
            .map(|len| rest.char_indices().nth(len).map_or(rest.len(), |(i, _)| i))
            .filter(|&at| at < rest.len());
        if let Some(at) = known.max(by_form) {
            prefixes.push(rest[..at].to_string());
            rest = &rest[at..];
            continue;
        }
        if let Some(level) = leading_level(rest) {
            prefixes.push(level.to_string());
            rest = &rest[level.len()..];
            continue;
        }
        break;
    }
    let core = match org {
        Some(o) if ORG_COMMITTEES.contains(&o) => format!("{o}{rest}"),
        _ => rest.to_string(),
    };
    Split { prefixes, core }
}

/// Whether what follows a place is a name of its own: two characters or
/// more, not a village's 村 or 社区 (潭溪社区 is a community, not 潭溪 +
/// 社区), not 市场… (市 + 场…).
fn name_follows(rest: &str) -> bool {
    rest.chars().count() >= 2
        && !["村", "社区", "场", "域"]
            .iter()
            .any(|w| rest.starts_with(w))
}

/// An organisation prefix that is not a place (中共, 国家税务总局), and
/// the rest of the name.
fn org_prefix(name: &str) -> (Option<&'static str>, &str) {
    for o in ORG_PREFIXES.iter().chain(&ORG_COMMITTEES) {
        if let Some(rest) = name.strip_prefix(o)
            && rest.chars().count() >= 2
        {
            return (Some(o), rest);
        }
    }
    (None, name)
}

/// A level character alone at the start (县民政局, 镇财政所, 街道综治中心),
/// unless it begins a word (市场…, 乡村振兴局); the table decides for
/// 市民政局 (市 + 民政局) against 市民中心.
fn leading_level(name: &str) -> Option<&str> {
    let first = name.chars().next()?;
    let level: &str = if name.starts_with("街道") {
        "街道"
    } else if is_level(first) {
        &name[..first.len_utf8()]
    } else {
        return None;
    };
    let rest = &name[level.len()..];
    if rest.chars().count() < 2 || rest.starts_with("办事处") {
        return None;
    }
    let t = table();
    if t.starts_with_name(name) {
        return None; // 市场监督管理局, 乡村振兴局, 市民中心
    }
    let word = LEVEL_WORDS.iter().any(|w| name.starts_with(w));
    (t.starts_with_name(rest) || !word).then_some(level)
}

/// The length in characters of a place name at the start of `name`: two
/// to nine characters ending with a level (泸溪县, 葫芦岛市, 湘西州,
/// 湘西土家族苗族自治州, 锡林郭勒盟, 潭溪镇, 岳麓街道). None when what follows
/// would not be a name of its own ([`name_follows`]), unless nothing
/// follows.
fn leading_place(name: &str) -> Option<usize> {
    let chars: Vec<char> = name.chars().collect();
    for i in 2..chars.len().min(10) {
        let c = chars[i];
        if !(is_level(c) || (c == '街' && chars.get(i + 1) == Some(&'道'))) {
            if NOT_IN_PLACES.contains(c) || !is_han(c) {
                return None;
            }
            continue;
        }
        let end = if c == '街' { i + 2 } else { i + 1 };
        let place: String = chars[..end].iter().collect();
        let rest: String = chars[end..].iter().collect();
        let fits = chars[..i]
            .iter()
            .all(|c| is_han(*c) && !NOT_IN_PLACES.contains(*c))
            && !place.ends_with("社区")
            && !LEVELS.contains(&chars[0])
            && (rest.is_empty() || name_follows(&rest));
        return fits.then_some(end);
    }
    None
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// The places a title or an office starts with, and those after a year
/// ("2025年泸溪县…" → 泸溪县; "湖南省湘西州泸溪县…" → all three).
fn places_in_text(text: &str) -> Vec<String> {
    let text = normalize(text);
    let mut out = Vec::new();
    let runs = text.split(|c: char| !is_han(c)).filter(|r| !r.is_empty());
    for run in runs {
        let mut rest = run
            .trim_start_matches("关于")
            .trim_start_matches(['年', '届', '度']);
        if let Some((place, _)) = government_place(rest) {
            out.push(place);
        }
        while let Some(len) = leading_place(rest) {
            let at = rest.char_indices().nth(len).map_or(rest.len(), |(i, _)| i);
            out.push(rest[..at].to_string());
            rest = &rest[at..];
        }
    }
    out
}

/// The place of a government's name and the kind of government: 潭溪镇 of
/// 潭溪镇人民政府, 建昌县 of 建昌县人民政府, 红旗街道 of 红旗街道办事处.
fn government_place(name: &str) -> Option<(String, &'static str)> {
    GOVERNMENTS.iter().find_map(|g| {
        let place = name.strip_suffix(g)?;
        let len = leading_place(place)?;
        (len == place.chars().count()).then(|| (place.to_string(), *g))
    })
}

/// A name a unit also goes by, derived from its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    pub name: String,
    /// From the table of 简称 (else the name without its place, or a
    /// government's or village's place).
    pub short: bool,
}

/// Every name a unit called `name` goes by besides `name` itself, derived
/// from it: see the module documentation.
pub fn derived_names(name: &str, places: &Places) -> Vec<Derived> {
    let full = normalize(name);
    let split = split(name, places);
    let core = split.core.as_str();
    let t = table();
    let mut out: Vec<Derived> = Vec::new();
    let mut add = |n: &str, short: bool| {
        let usable = n != full
            && !GENERIC.contains(&n)
            && !places.is_own(n)
            && (n.chars().count() >= 3 || t.searched(n));
        if usable && !out.iter().any(|d| d.name == n) {
            out.push(Derived {
                name: n.to_string(),
                short,
            });
        }
    };
    add(core, false);
    for f in t.forms_of(core) {
        add(f, true);
    }
    if !t.knows(core) {
        for (n, short) in branch_names(core) {
            add(&n, short);
        }
    }
    // 政协泸溪县委员会, 共青团泸溪县委员会: the committee of the campaign's
    // own place, the way its full name is written.
    for org in ORG_COMMITTEES {
        let committee = format!("{org}委员会");
        if core == committee || t.same_body(core, &committee) {
            for place in &places.own {
                add(&format!("{org}{place}委员会"), true);
            }
        }
    }
    // A government by its place: 潭溪镇人民政府 → 潭溪镇, 潭溪镇政府.
    let government = match GOVERNMENTS.iter().find(|g| core == **g) {
        Some(g) => split.prefixes.last().cloned().map(|p| (p, *g)),
        None => government_place(core),
    };
    if let Some((place, kind)) = government.filter(|(p, _)| p.chars().count() >= 3) {
        add(&place, false);
        let short = match kind {
            "人民政府" | "政府" => vec!["政府"],
            "街道办事处" | "办事处" => vec!["办事处", "办"],
            _ => vec!["管委会"],
        };
        for s in short {
            add(&format!("{place}{s}"), false);
        }
    }
    // A village or community committee by its village.
    for (committee, short) in [
        ("村村民委员会", "村委会"),
        ("村民委员会", "村委会"),
        ("村村委会", "村委会"),
        ("社区居民委员会", "社区居委会"),
        ("居民委员会", "社区居委会"),
        ("社区居委会", "社区居委会"),
    ] {
        if let Some(village) = core.strip_suffix(committee).filter(|v| !v.is_empty()) {
            let village = village.trim_end_matches(['村']).trim_end_matches("社区");
            let kind = if short == "村委会" {
                "村"
            } else {
                "社区"
            };
            add(&format!("{village}{kind}"), false);
            add(&format!("{village}{short}"), false);
            break;
        }
    }
    out
}

/// The names of a branch or a unit under a body: 生态环境局泸溪分局 is also
/// 环保局泸溪分局, 生态环境泸溪分局, 泸溪生态环境分局, 生态环境分局 and
/// (when no other unit is) 生态环境局; 公安局交警大队 is also 交警大队 and
/// 公安交警大队.
fn branch_names(core: &str) -> Vec<(String, bool)> {
    let t = table();
    let Some(head) = t.head_of(core) else {
        return Vec::new();
    };
    let tail = &core[head.len()..];
    if !BRANCH_ENDS.iter().any(|e| tail.ends_with(e)) {
        return Vec::new();
    }
    let heads: Vec<&str> = std::iter::once(head).chain(t.forms_of(head)).collect();
    let stems: Vec<&str> = heads.iter().filter_map(|h| h.strip_suffix('局')).collect();
    let mut out: Vec<(String, bool)> = heads
        .iter()
        .skip(1)
        .map(|h| (format!("{h}{tail}"), true))
        .collect();
    match tail.strip_suffix("分局") {
        Some(place) => {
            for stem in &stems {
                out.push((format!("{stem}{tail}"), true));
                if !place.is_empty() {
                    out.push((format!("{place}{stem}分局"), true));
                }
                out.push((format!("{stem}分局"), true));
            }
            out.extend(heads.iter().map(|h| (h.to_string(), true)));
        }
        None => {
            out.push((tail.to_string(), false));
            out.extend(t.forms_of(tail).into_iter().map(|f| (f.to_string(), true)));
            for stem in &stems {
                out.push((format!("{stem}{tail}"), true));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_of(name: &str, places: &Places) -> (String, String) {
        let s = split(name, places);
        (s.prefix(), s.core)
    }

    #[test]
    fn places_and_levels_come_off_words_stay() {
        let none = Places::default();
        for (name, prefix, core) in [
            ("县卫生健康局", "县", "卫生健康局"),
            ("建昌县民政局", "建昌县", "民政局"),
            (
                "葫芦岛市生态环境局建昌分局",
                "葫芦岛市",
                "生态环境局建昌分局",
            ),
            ("湘西州生态环境局泸溪分局", "湘西州", "生态环境局泸溪分局"),
            (
                "湘西土家族苗族自治州民政局",
                "湘西土家族苗族自治州",
                "民政局",
            ),
            ("湖南省湘西州泸溪县林业局", "湖南省湘西州泸溪县", "林业局"),
            ("市市场监督管理局", "市", "市场监督管理局"),
            ("市场监督管理局", "", "市场监督管理局"),
            ("市民政局", "市", "民政局"),
            ("市民族宗教事务局", "市", "民族宗教事务局"),
            ("县乡村振兴局", "县", "乡村振兴局"),
            ("乡村振兴局", "", "乡村振兴局"),
            ("县城市管理和综合执法局", "县", "城市管理和综合执法局"),
            ("住房和城乡建设局", "", "住房和城乡建设局"),
            ("中共泸溪县委宣传部", "泸溪县", "委宣传部"),
            ("县委宣传部", "县", "委宣传部"),
            ("国家税务总局泸溪县税务局", "泸溪县", "税务局"),
            ("共青团泸溪县委员会", "泸溪县", "共青团委员会"),
            ("区政务服务中心", "区", "政务服务中心"),
            ("达拉特旗民政局", "达拉特旗", "民政局"),
            ("镇财政所", "镇", "财政所"),
            ("生态环境局建昌分局", "", "生态环境局建昌分局"),
            ("公安局交警大队", "", "公安局交警大队"),
            ("红旗村村民委员会", "", "红旗村村民委员会"),
        ] {
            assert_eq!(
                split_of(name, &none),
                (prefix.to_string(), core.to_string()),
                "{name}"
            );
        }
    }

    #[test]
    fn a_campaigns_places_come_from_its_title_office_and_units() {
        let places = Places::new(
            &["2025年潭溪镇“政务公开”活动", "潭溪镇党政综合办公室"],
            &["镇财政所", "红岩村村民委员会", "泸溪县潭溪镇卫生院"],
        );
        assert!(places.is_own("潭溪镇"));
        assert!(places.is_own("潭溪"));
        assert_eq!(
            split_of("潭溪镇中心学校", &places),
            ("潭溪镇".into(), "中心学校".into())
        );
        let places = Places::new(
            &["2023年葫芦岛市政务公开日", "葫芦岛市人民政府办公室"],
            &["建昌县人民政府", "兴城市人民政府"],
        );
        assert!(places.is_own("葫芦岛市"));
        assert!(!places.is_own("建昌县"));
        assert_eq!(
            split_of("兴城市民政局", &places),
            ("兴城市".into(), "民政局".into())
        );
    }

    fn names(name: &str, places: &Places) -> Vec<String> {
        derived_names(name, places)
            .into_iter()
            .map(|d| d.name)
            .collect()
    }

    #[test]
    fn derived_names_of_every_kind() {
        let places = Places::new(&["2025年泸溪县“政务公开主题日”活动"], &[]);
        let health = names("县卫生健康局", &places);
        for n in ["卫生健康局", "卫健局", "卫健委", "卫生健康委员会"] {
            assert!(health.contains(&n.to_string()), "{n} in {health:?}");
        }
        let branch = names("湘西州生态环境局泸溪分局", &places);
        for n in [
            "生态环境局泸溪分局",
            "环保局泸溪分局",
            "泸溪生态环境分局",
            "生态环境分局",
            "生态环境局",
            "环保局",
        ] {
            assert!(branch.contains(&n.to_string()), "{n} in {branch:?}");
        }
        let police = names("县公安局交警大队", &places);
        assert!(police.contains(&"交警大队".to_string()), "{police:?}");
        let town = names("潭溪镇人民政府", &places);
        assert_eq!(town, vec!["潭溪镇", "潭溪镇政府"]);
        let village = names("红旗村村民委员会", &places);
        assert_eq!(village, vec!["红旗村", "红旗村委会"]);
        // The campaign's own place is no unit's name; 政协 alone is never
        // looked for.
        assert!(!names("泸溪县人民政府", &places).contains(&"泸溪县".to_string()));
        assert!(!names("县政协", &places).contains(&"政协".to_string()));
        assert!(names("县政协", &places).contains(&"政协委员会".to_string()));
    }
}
