//! Unit name resolution: the unit names of the workbook merged into one
//! entry per unit, across sheets, by `[[units]]` aliases and the alias
//! rules (a place prefix, a joint cell naming several units).

use std::collections::BTreeMap;

use super::Errors;
use crate::campaign::CampaignError;
use crate::campaign::config::CampaignFile;
use crate::campaign::schedule::{self, Schedule};
use crate::campaign::unitname::{self, Places, normalize};

/// The unit names of the workbook, one entry per unit: the union over
/// sheets, spellings merged by `[[units]]` or the alias rule.
pub(super) struct Names {
    /// The unit names of each activity row (joint entries split).
    pub(super) rows: Vec<Vec<String>>,
    /// Canonical names, in order of first appearance.
    pub(super) canonical: Vec<String>,
    /// Every spelling (normalised) → index into `canonical`.
    pub(super) index: BTreeMap<String, usize>,
    /// Spellings that are not the canonical name, per unit.
    pub(super) spellings: BTreeMap<usize, Vec<String>>,
    /// `[[units]]` aliases per unit (kept apart: they may name no cell).
    pub(super) explicit: BTreeMap<usize, Vec<String>>,
    pub(super) questions: Vec<String>,
    pub(super) merged: Vec<String>,
    /// The campaign's places (its title's, its office's, its units').
    pub(super) places: Places,
}

/// A name as written somewhere in the workbook.
#[derive(Clone)]
pub(super) struct Written {
    pub(super) name: String,
    pub(super) sheet: String,
    pub(super) row: u32,
}

impl Names {
    pub(super) fn new(
        file: &CampaignFile,
        sched: &Schedule,
        err: &Errors,
    ) -> Result<Names, CampaignError> {
        // Names on their own (not joint cells), to tell joint cells apart.
        let mut written: Vec<Written> = Vec::new();
        let mut push = |name: &str, sheet: &str, row: u32| {
            written.push(Written {
                name: name.to_string(),
                sheet: sheet.to_string(),
                row,
            })
        };
        let known: Vec<String> = sched
            .rows
            .iter()
            .filter(|r| r.units.len() == 1)
            .flat_map(|r| r.units.iter())
            .chain(sched.listed.iter().map(|l| &l.name))
            .chain(
                file.units
                    .iter()
                    .flat_map(|u| std::iter::once(&u.name).chain(&u.aliases)),
            )
            .map(|n| normalize(n))
            .collect();
        let rows: Vec<Vec<String>> = sched.rows.iter().map(|r| joint_parts(r, &known)).collect();
        for (row, names) in sched.rows.iter().zip(&rows) {
            for n in names {
                push(n, &row.sheet, row.row);
            }
        }
        for l in &sched.listed {
            push(&l.name, &l.sheet, l.row);
        }

        let unit_names: Vec<&str> = written.iter().map(|w| w.name.as_str()).collect();
        let places = Places::new(&[&file.campaign.title, &file.campaign.office], &unit_names);
        let mut names = Names {
            rows,
            canonical: Vec::new(),
            index: BTreeMap::new(),
            spellings: BTreeMap::new(),
            explicit: BTreeMap::new(),
            questions: Vec::new(),
            merged: Vec::new(),
            places,
        };
        // [[units]] first: its name is the unit's name, its aliases the
        // spellings it also goes by.
        for entry in &file.units {
            let spellings: Vec<&String> =
                std::iter::once(&entry.name).chain(&entry.aliases).collect();
            let in_schedule = spellings
                .iter()
                .any(|s| written.iter().any(|w| normalize(&w.name) == normalize(s)));
            if !in_schedule {
                return Err(err.at(
                    &entry.name,
                    format!(
                        "[[units]] 中的单位“{}”不在活动安排表的任何单位名单中（name 或 aliases 须有一个与安排表的写法一致，如 name = \"{}\"）",
                        entry.name,
                        written.first().map_or("县公安局", |w| w.name.as_str())
                    ),
                ));
            }
            let i = match spellings
                .iter()
                .find_map(|s| names.index.get(&normalize(s)).copied())
            {
                Some(i) => i,
                None => {
                    names.canonical.push(entry.name.clone());
                    names.canonical.len() - 1
                }
            };
            for s in spellings {
                names.index.insert(normalize(s), i);
            }
            names
                .explicit
                .entry(i)
                .or_default()
                .extend(entry.aliases.iter().cloned());
        }
        // Then every name as written, in order.
        let mut first_seen: BTreeMap<usize, &Written> = BTreeMap::new();
        for w in &written {
            let key = normalize(&w.name);
            if key.is_empty() || names.index.contains_key(&key) {
                continue;
            }
            names.canonical.push(w.name.clone());
            let i = names.canonical.len() - 1;
            names.index.insert(key, i);
            first_seen.insert(i, w);
        }
        names.merge_place_prefixes(&first_seen);
        // Order units by first appearance in the workbook.
        Ok(names.reordered(&written))
    }

    /// Merges a name with the same name under its place prefix
    /// (生态环境局建昌分局 = 葫芦岛市生态环境局建昌分局) when exactly one
    /// such pair exists; the full name is kept. Two names that differ in
    /// their prefixes (县民政局, 建昌县民政局), or that are two names of one
    /// body in the table of 简称 (县卫健局, 县卫生健康局), are a question,
    /// not a merge.
    pub(super) fn merge_place_prefixes(&mut self, seen: &BTreeMap<usize, &Written>) {
        /// A name split into its place prefix and the rest.
        struct Split<'a> {
            unit: usize,
            w: &'a Written,
            prefix: String,
            /// The innermost place or level written (合水镇 of 某县合水镇).
            place: Option<String>,
            rest: String,
        }
        let split: Vec<Split> = seen
            .iter()
            .map(|(&unit, w)| {
                let split = unitname::split(&w.name, &self.places);
                Split {
                    unit,
                    w,
                    prefix: split.prefix(),
                    place: split.prefixes.last().cloned(),
                    rest: split.core,
                }
            })
            .collect();
        let at = |w: &Written| format!("工作表“{}”第{}行的“{}”", w.sheet, w.row, w.name);
        let mut absorbed: BTreeMap<usize, usize> = BTreeMap::new();
        for a in &split {
            let same: Vec<&Split> = split
                .iter()
                .filter(|b| b.unit != a.unit && b.rest == a.rest)
                .collect();
            if let [b] = same.as_slice()
                && a.prefix.is_empty()
                && !b.prefix.is_empty()
                && a.rest.chars().count() >= 5
            {
                absorbed.insert(a.unit, b.unit);
                self.merged.push(format!(
                    "{}与{}视为同一单位（前者省略了“{}”），统一称“{}”；如不是同一单位，请在campaign.toml的[[units]]中分别列出",
                    at(a.w),
                    at(b.w),
                    b.prefix,
                    b.w.name
                ));
            }
        }
        let table = unitname::table();
        for a in &split {
            for b in split.iter().filter(|b| a.unit < b.unit) {
                if absorbed.get(&a.unit) == Some(&b.unit) || absorbed.get(&b.unit) == Some(&a.unit)
                {
                    continue;
                }
                let why = if b.rest == a.rest {
                    // 合水镇财政所 and 兴隆场镇财政所 are two offices, one
                    // in each town; 县民政局 may be 建昌县民政局.
                    if unitname::different_places(a.place.as_deref(), b.place.as_deref()) {
                        continue;
                    }
                    String::new()
                } else if a.prefix == b.prefix && table.same_body(&a.rest, &b.rest) {
                    format!("（“{}”与“{}”是同一部门的不同叫法）", a.rest, b.rest)
                } else {
                    continue;
                };
                self.questions.push(format!(
                    "{}与{}可能是同一单位{why}，暂按两个单位处理；如是同一单位，请在campaign.toml中写 [[units]] name = \"{}\" aliases = [\"{}\"]",
                    at(a.w),
                    at(b.w),
                    a.w.name,
                    b.w.name
                ));
            }
        }
        for (a, b) in absorbed {
            let spelling = self.canonical[a].clone();
            for v in self.index.values_mut() {
                if *v == a {
                    *v = b;
                }
            }
            self.spellings.entry(b).or_default().push(spelling);
        }
    }

    /// Drops absorbed names and numbers units by first appearance.
    pub(super) fn reordered(self, written: &[Written]) -> Names {
        let mut order: Vec<usize> = Vec::new();
        for w in written {
            if let Some(&i) = self.index.get(&normalize(&w.name))
                && !order.contains(&i)
            {
                order.push(i);
            }
        }
        let new_of: BTreeMap<usize, usize> = order
            .iter()
            .enumerate()
            .map(|(new, &old)| (old, new))
            .collect();
        let remap = |m: BTreeMap<usize, Vec<String>>| -> BTreeMap<usize, Vec<String>> {
            m.into_iter()
                .filter_map(|(k, v)| new_of.get(&k).map(|&n| (n, v)))
                .collect()
        };
        Names {
            rows: self.rows,
            canonical: order.iter().map(|&i| self.canonical[i].clone()).collect(),
            index: self
                .index
                .into_iter()
                .filter_map(|(k, v)| new_of.get(&v).map(|&n| (k, n)))
                .collect(),
            spellings: remap(self.spellings),
            explicit: remap(self.explicit),
            questions: self.questions,
            merged: self.merged,
            places: self.places,
        }
    }

    /// The unit a name (as written in the workbook or campaign.toml) is.
    pub(super) fn unit(&self, name: &str) -> usize {
        self.index[&normalize(name)]
    }

    /// The names a unit also goes by: other spellings in the workbook and
    /// `[[units]]` aliases.
    pub(super) fn aliases_of(&self, canonical: &str) -> Vec<String> {
        let i = self.unit(canonical);
        let mut out: Vec<String> = self
            .spellings
            .get(&i)
            .into_iter()
            .chain(self.explicit.get(&i))
            .flatten()
            .filter(|a| normalize(a) != normalize(canonical))
            .cloned()
            .collect();
        out.dedup();
        out
    }
}

/// The names of an activity row: a cell naming two or more known units
/// (separated by spaces, 、, ，or new lines) is a joint entry; otherwise
/// the reader's split stands.
pub(super) fn joint_parts(row: &schedule::ScheduleRow, known: &[String]) -> Vec<String> {
    let parts = schedule::unit_parts(&row.unit_text);
    if parts.len() > 1 && parts.iter().all(|p| known.contains(&normalize(p))) {
        parts
    } else {
        row.units.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(names: &[&str]) -> Vec<Written> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| Written {
                name: n.to_string(),
                sheet: "附件".into(),
                row: i as u32 + 2,
            })
            .collect()
    }

    fn names_of(list: &[&str], places: Places) -> Names {
        let w = written(list);
        let mut names = Names {
            rows: Vec::new(),
            canonical: list.iter().map(|n| n.to_string()).collect(),
            index: list
                .iter()
                .enumerate()
                .map(|(i, n)| (normalize(n), i))
                .collect(),
            spellings: BTreeMap::new(),
            explicit: BTreeMap::new(),
            questions: Vec::new(),
            merged: Vec::new(),
            places,
        };
        let seen: BTreeMap<usize, &Written> = w.iter().enumerate().collect();
        names.merge_place_prefixes(&seen);
        names
    }

    #[test]
    fn a_branch_with_and_without_its_city_is_one_unit() {
        let places = Places::new(&["2024年某某市政务公开日", "某某市人民政府办公室"], &[]);
        let n = names_of(
            &[
                "某某市自然资源和规划局某某分局",
                "县民政局",
                "自然资源和规划局某某分局",
            ],
            places,
        );
        assert_eq!(n.merged.len(), 1, "{:?}", n.merged);
        assert_eq!(n.index[&normalize("自然资源和规划局某某分局")], 0);
        assert!(n.questions.is_empty(), "{:?}", n.questions);
    }

    #[test]
    fn other_prefixes_and_other_names_of_one_body_are_questions() {
        let n = names_of(
            &[
                "县民政局",
                "建昌县民政局",
                "县卫健局",
                "县卫生健康局",
                "县财政局",
            ],
            Places::default(),
        );
        assert!(n.merged.is_empty(), "{:?}", n.merged);
        assert_eq!(n.questions.len(), 2, "{:?}", n.questions);
        assert!(n.questions[1].contains("同一部门的不同叫法"));
    }

    #[test]
    fn one_office_in_each_of_two_places_is_no_question() {
        let n = names_of(
            &[
                "合水镇财政所",
                "兴隆场镇财政所",
                "东湖街道财政所",
                "临江市城东区民政局",
                "城西区民政局",
                "镇财政所",
            ],
            Places::default(),
        );
        // Only the bare 镇财政所 may be any town's.
        assert_eq!(n.questions.len(), 3, "{:?}", n.questions);
        assert!(
            n.questions.iter().all(|q| q.contains("“镇财政所”")),
            "{:?}",
            n.questions
        );
    }
}
