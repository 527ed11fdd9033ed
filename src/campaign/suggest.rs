//! The roster names nearest to a name that matches none: what the office
//! probably meant when campaign.toml (`[[extensions]]`, `[[exemptions]]`)
//! or a command names a unit the roster does not have. A suggestion only:
//! nothing is ever matched by it.
//!
//! Unit names share their level and their kind (县…局, …镇人民政府), so
//! those parts say little about which unit is meant: names are compared by
//! what is left (公安, 医疗保障) as the longest run of characters they share
//! in order, which forgives an abbreviation (县医保局), a missing or extra
//! character and a typo (县公按局).

use crate::fmt::half_width;

/// At most this many suggestions.
const MAX: usize = 3;

/// The roster names nearest to `name`, best first; none when nothing is
/// near enough to be worth saying.
pub fn nearest<'a>(name: &str, roster: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let wanted = core(name);
    let mut scored: Vec<(f64, usize, &str)> = roster
        .into_iter()
        .filter_map(|candidate| {
            let score = similarity(&wanted, &core(candidate));
            let whole = edits(
                &name.chars().collect::<Vec<_>>(),
                &candidate.chars().collect::<Vec<_>>(),
            );
            (score >= 0.5).then_some((score, whole, candidate))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(b.2)));
    scored.dedup_by(|a, b| a.2 == b.2);
    scored.into_iter().take(MAX).map(|(_, _, n)| n).collect()
}

/// The spans of `text` shaped like a unit's name, a level (县, 市…) or up
/// to six characters before a kind (局, 中心…): "县公按局" in
/// "关于县公按局活动总结". What [`nearest`] is asked about when a file
/// name holds more than a name.
pub fn unit_like(text: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut spans = Vec::new();
    for kind in KINDS {
        let mut from = 0;
        while let Some(at) = text[from..].find(kind).map(|i| i + from) {
            let end = at + kind.len();
            from = end;
            let k = chars.iter().position(|&(i, _)| i == at).unwrap_or(0);
            // Back over Han characters, at most six, stopping after a level.
            let mut start = k;
            while start > 0 && k - start < 6 && is_han(chars[start - 1].1) {
                start -= 1;
                if LEVELS.iter().any(|l| l.starts_with(chars[start].1)) {
                    break;
                }
            }
            if start < k {
                spans.push(&text[chars[start].0..end]);
            }
        }
    }
    spans.sort_by_key(|s| std::cmp::Reverse(s.len()));
    spans.dedup();
    spans
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// The words the office writes around a suggestion: ；是不是“甲”或“乙”？
pub fn did_you_mean(suggestions: &[&str]) -> String {
    if suggestions.is_empty() {
        return String::new();
    }
    let names: Vec<String> = suggestions.iter().map(|n| format!("“{n}”")).collect();
    format!("；是不是{}？", names.join("或"))
}

/// Levels at the start of a unit's name.
const LEVELS: [&str; 7] = ["省", "市", "州", "县", "区", "旗", "盟"];
/// Kinds at the end of a unit's name, longest first.
const KINDS: [&str; 12] = [
    "人民政府",
    "委员会",
    "办公室",
    "服务中心",
    "中心",
    "分局",
    "局",
    "委",
    "办",
    "院",
    "所",
    "站",
];

/// A name without its level prefix and kind suffix (when something is
/// left), full-width folded and without spaces.
fn core(name: &str) -> Vec<char> {
    let folded: String = name
        .chars()
        .map(half_width)
        .filter(|c| !c.is_whitespace())
        .collect();
    let mut s = folded.as_str();
    for level in LEVELS {
        if let Some(rest) = s.strip_prefix(level)
            && rest.chars().count() >= 2
        {
            s = rest;
            break;
        }
    }
    for kind in KINDS {
        if let Some(rest) = s.strip_suffix(kind)
            && !rest.is_empty()
        {
            s = rest;
            break;
        }
    }
    s.chars().collect()
}

/// How near two cores are, from 0 (nothing alike) to 1 (the same): the
/// characters they share in order, when they share at least two (or all of
/// the shorter), as a share of the shorter and of both; or, for a typo,
/// the characters not changed.
fn similarity(a: &[char], b: &[char]) -> f64 {
    let (shorter, longer) = (a.len().min(b.len()), a.len().max(b.len()));
    if shorter == 0 {
        return 0.0;
    }
    let shared = common_subsequence(a, b);
    let in_order = if shared >= shorter.min(2) {
        (shared as f64 / shorter as f64 + 2.0 * shared as f64 / (a.len() + b.len()) as f64) / 2.0
    } else {
        0.0
    };
    let unchanged = 1.0 - edits(a, b) as f64 / longer as f64;
    in_order.max(unchanged)
}

/// The length of the longest common subsequence.
fn common_subsequence(a: &[char], b: &[char]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for &x in a {
        let mut diagonal = 0;
        for (j, &y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if x == y {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The edit distance (characters inserted, removed or changed).
fn edits(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &x) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(x != y))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROSTER: [&str; 10] = [
        "县公安局",
        "县财政局",
        "县医疗保障局",
        "县教育和体育局",
        "县住房和城乡建设局",
        "潭溪镇人民政府",
        "浦市镇人民政府",
        "县残疾人联合协会",
        "湘西州生态环境局泸溪分局",
        "县人民政府办公室",
    ];

    fn near(name: &str) -> Vec<&'static str> {
        nearest(name, ROSTER)
    }

    #[test]
    fn a_name_inside_a_file_name_is_found_and_compared() {
        assert_eq!(unit_like("关于县公按局活动总结"), ["县公按局"]);
        assert!(unit_like("活动照片1").is_empty());
        let near: Vec<&str> = unit_like("县医保局宣传活动总结")
            .into_iter()
            .flat_map(|t| nearest(t, ROSTER))
            .collect();
        assert_eq!(near, ["县医疗保障局"]);
    }

    #[test]
    fn a_typo_an_abbreviation_and_a_missing_character_find_the_unit() {
        assert_eq!(near("县公按局"), ["县公安局"]);
        assert_eq!(near("县医保局"), ["县医疗保障局"]);
        assert_eq!(near("县教体局"), ["县教育和体育局"]);
        assert_eq!(near("县住建局"), ["县住房和城乡建设局"]);
        assert_eq!(near("潭溪镇政府"), ["潭溪镇人民政府"]);
        assert_eq!(near("县残联"), ["县残疾人联合协会"]);
        assert_eq!(near("泸溪生态环境分局"), ["湘西州生态环境局泸溪分局"]);
        assert_eq!(near("县财政局 "), ["县财政局"]);
        assert_eq!(near("县财政局"), ["县财政局"]);
    }

    #[test]
    fn the_shared_level_and_kind_suggest_nothing() {
        assert!(near("县林业局").is_empty(), "{:?}", near("县林业局"));
        assert!(
            near("白沙镇人民政府").is_empty(),
            "{:?}",
            near("白沙镇人民政府")
        );
    }

    #[test]
    fn equally_near_names_come_in_order_and_at_most_three() {
        let roster = ["县一中", "县二中", "县三中", "县四中", "县实验中学"];
        let found = nearest("县中", roster);
        assert!(found.len() <= MAX, "{found:?}");
        assert_eq!(
            nearest("潭溪镇", ["潭溪镇人民政府", "浦市镇人民政府"]),
            ["潭溪镇人民政府"]
        );
    }

    #[test]
    fn the_words_around_a_suggestion() {
        assert_eq!(did_you_mean(&[]), "");
        assert_eq!(did_you_mean(&["县公安局"]), "；是不是“县公安局”？");
        assert_eq!(
            did_you_mean(&["县一中", "县二中"]),
            "；是不是“县一中”或“县二中”？"
        );
    }
}
