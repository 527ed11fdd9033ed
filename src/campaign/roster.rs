//! The units of a campaign and how their names are recognised.
//!
//! A unit has the canonical name the schedule uses, aliases from the
//! campaign file (县卫生健康局 = 县卫健局), the names derived from its name
//! ([`super::unitname`]: without its place or level, the standard 简称 of
//! the shipped table, a branch by its head, a town by its name), and
//! contacts. Recognition finds names inside a folder name, file name or
//! subject. A name is taken only when it means one unit: the canonical
//! names and aliases come first, then a name without its place, then a
//! 简称; two units equally entitled to a name, or a text naming two units,
//! make it ambiguous, and it is never guessed.

use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::{Deserialize, Serialize};

use super::schedule::Contact;
use super::unitname::{self, Places, normalize};

/// One unit of the campaign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    /// Canonical name, as in the schedule.
    pub name: String,
    /// Aliases from the campaign file.
    pub aliases: Vec<String>,
    pub contacts: Vec<Contact>,
}

impl Unit {
    /// Every e-mail address of the unit's contacts.
    pub fn emails(&self) -> impl Iterator<Item = &str> {
        self.contacts.iter().filter_map(|c| c.email.as_deref())
    }
}

/// How a name was recognised, strongest first: a name given beats a name
/// derived, and the name without its place beats a 简称.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameSource {
    /// The unit's name as the schedule writes it.
    Canonical,
    /// An alias from `[[units]]`.
    Alias,
    /// The name without its place or level, a town's or a village's name.
    Automatic,
    /// A standard 简称 or another name from the shipped table.
    Short,
}

impl NameSource {
    /// Names of one tier compete: canonical names and aliases are the
    /// office's own word, so they share the first.
    fn tier(self) -> u8 {
        match self {
            NameSource::Canonical | NameSource::Alias => 0,
            NameSource::Automatic => 1,
            NameSource::Short => 2,
        }
    }
}

/// The result of looking for a unit in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// Exactly one unit; the text that matched and how.
    Unit {
        unit: usize,
        matched: String,
        source: NameSource,
    },
    /// Several units could be meant.
    Ambiguous {
        matched: String,
        units: Vec<usize>,
    },
    None,
}

/// The units and an index of every name they go by.
#[derive(Debug, Clone)]
pub struct Roster {
    pub units: Vec<Unit>,
    /// Each key (normalised name) and the units it may mean.
    keys: Vec<(String, Vec<usize>, NameSource)>,
    matcher: AhoCorasick,
    emails: BTreeMap<String, usize>,
}

/// Why the units' names cannot make a roster.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    /// Two units claim one name in campaign.toml: the office must resolve it.
    #[error("名称“{name}”同时属于“{first}”和“{second}”，请在campaign.toml中修改别名")]
    NameClash {
        name: String,
        first: String,
        second: String,
    },
    #[error("单位名称索引无法建立: {0}")]
    Index(#[from] aho_corasick::BuildError),
}

impl Roster {
    /// Builds the roster, with the places its units' names show.
    pub fn new(units: Vec<Unit>) -> Result<Roster, RosterError> {
        let names: Vec<&str> = units.iter().map(|u| u.name.as_str()).collect();
        let places = Places::new(&[], &names);
        Roster::with_places(units, &places)
    }

    /// Builds the roster for a campaign with these places. Explicit names
    /// (canonical, aliases) that clash are errors; derived names that
    /// clash are kept as ambiguous keys.
    pub fn with_places(units: Vec<Unit>, places: &Places) -> Result<Roster, RosterError> {
        let mut map: BTreeMap<String, (Vec<usize>, NameSource)> = BTreeMap::new();
        for (i, unit) in units.iter().enumerate() {
            let explicit = std::iter::once((unit.name.as_str(), NameSource::Canonical))
                .chain(unit.aliases.iter().map(|a| (a.as_str(), NameSource::Alias)));
            for (name, source) in explicit {
                let key = normalize(name);
                if key.is_empty() {
                    continue;
                }
                let entry = map.entry(key).or_insert((Vec::new(), source));
                if let Some(&other) = entry.0.iter().find(|&&u| u != i) {
                    return Err(RosterError::NameClash {
                        name: name.to_string(),
                        first: units[other].name.clone(),
                        second: unit.name.clone(),
                    });
                }
                *entry = (vec![i], source.min(entry.1));
            }
        }
        for (i, unit) in units.iter().enumerate() {
            for derived in unitname::derived_names(&unit.name, places) {
                let source = if derived.short {
                    NameSource::Short
                } else {
                    NameSource::Automatic
                };
                let entry = map.entry(derived.name).or_insert((Vec::new(), source));
                if source.tier() < entry.1.tier() {
                    *entry = (vec![i], source);
                } else if source.tier() == entry.1.tier() && !entry.0.contains(&i) {
                    entry.0.push(i);
                }
            }
        }
        let keys: Vec<(String, Vec<usize>, NameSource)> =
            map.into_iter().map(|(k, (u, s))| (k, u, s)).collect();
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(keys.iter().map(|(k, _, _)| k))?;
        let mut emails = BTreeMap::new();
        for (i, unit) in units.iter().enumerate() {
            for email in unit.emails() {
                emails.insert(email.to_ascii_lowercase(), i);
            }
        }
        Ok(Roster {
            units,
            keys,
            matcher,
            emails,
        })
    }

    /// The unit with this canonical name or alias (or a name derived from
    /// one, when it means only that unit).
    pub fn by_name(&self, name: &str) -> Option<usize> {
        match self.find_in(name) {
            Found::Unit { unit, matched, .. } if matched == normalize(name) => Some(unit),
            _ => None,
        }
    }

    /// The unit whose contact has this address.
    pub fn by_email(&self, addr: &str) -> Option<usize> {
        self.emails.get(&addr.trim().to_ascii_lowercase()).copied()
    }

    /// Looks for unit names inside `text` (a folder or file name).
    pub fn find_in(&self, text: &str) -> Found {
        let hay = normalize(text);
        let mut units: Vec<usize> = Vec::new();
        let mut matched: Vec<String> = Vec::new();
        let mut source = NameSource::Canonical;
        for m in self.matcher.find_iter(&hay) {
            let (key, candidates, src) = &self.keys[m.pattern().as_usize()];
            matched.push(key.clone());
            source = *src;
            for &u in candidates {
                if !units.contains(&u) {
                    units.push(u);
                }
            }
        }
        match units.as_slice() {
            [] => Found::None,
            [unit] => Found::Unit {
                unit: *unit,
                matched: matched.join("、"),
                source,
            },
            _ => Found::Ambiguous {
                matched: matched.join("、"),
                units,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(name: &str, aliases: &[&str]) -> Unit {
        Unit {
            name: name.to_string(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            contacts: Vec::new(),
        }
    }

    fn roster() -> Roster {
        Roster::new(vec![
            unit("县卫生健康局", &["县卫健局"]),
            unit("县住房和城乡建设局", &["县住建局"]),
            unit("湘西州生态环境局泸溪分局", &["生态环境局泸溪分局"]),
            unit("县公安局", &[]),
            unit("县公安局交警大队", &[]),
            unit("潭溪镇人民政府", &[]),
            unit("县民政局", &[]),
            unit("州民政局", &[]),
        ])
        .unwrap()
    }

    fn found(r: &Roster, text: &str) -> Option<&'static str> {
        const NAMES: [&str; 8] = [
            "县卫生健康局",
            "县住房和城乡建设局",
            "湘西州生态环境局泸溪分局",
            "县公安局",
            "县公安局交警大队",
            "潭溪镇人民政府",
            "县民政局",
            "州民政局",
        ];
        match r.find_in(text) {
            Found::Unit { unit, .. } => Some(NAMES[unit]),
            _ => None,
        }
    }

    #[test]
    fn full_and_abbreviated_names() {
        let r = roster();
        assert_eq!(found(&r, "县卫健局活动总结.docx"), Some("县卫生健康局"));
        assert_eq!(found(&r, "县卫生健康局"), Some("县卫生健康局"));
        assert_eq!(found(&r, "县住建局_照片1.jpg"), Some("县住房和城乡建设局"));
        assert_eq!(
            found(&r, "生态环境局泸溪分局总结"),
            Some("湘西州生态环境局泸溪分局")
        );
        assert_eq!(found(&r, "潭溪镇"), Some("潭溪镇人民政府"));
        assert_eq!(found(&r, "卫生健康局 活动照片"), Some("县卫生健康局"));
    }

    #[test]
    fn the_longest_name_wins_over_a_name_inside_it() {
        let r = roster();
        assert_eq!(
            found(&r, "县公安局交警大队总结.docx"),
            Some("县公安局交警大队")
        );
        assert_eq!(found(&r, "县公安局总结.docx"), Some("县公安局"));
    }

    #[test]
    fn ambiguity_is_reported_not_guessed() {
        let r = roster();
        // 民政局 is the automatic alias of two units.
        assert!(matches!(
            r.find_in("民政局活动照片.jpg"),
            Found::Ambiguous { .. }
        ));
        // Two units named in one file name.
        assert!(matches!(
            r.find_in("县公安局与县卫健局联合活动.docx"),
            Found::Ambiguous { .. }
        ));
        assert_eq!(r.find_in("县气象局活动照片.jpg"), Found::None);
    }

    #[test]
    fn clashing_explicit_aliases_are_an_error() {
        let err = Roster::new(vec![
            unit("县财政局", &["财政"]),
            unit("县税务局", &["财政"]),
        ]);
        assert!(matches!(
            err.unwrap_err(),
            RosterError::NameClash { name, .. } if name == "财政"
        ));
    }
}
