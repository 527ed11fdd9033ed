//! Unit names as people write them (`tests/fixtures/names/variants.txt`):
//! full names, 简称, with and without places and levels, with brackets,
//! full-width characters, spaces and line breaks, on the rosters of a 县,
//! a 区, a 市 and a 乡镇 campaign. Each variant must be taken for its unit,
//! or be a question when it may mean several, or name none.

use baosong::campaign::roster::{Found, Roster, Unit};
use baosong::campaign::unitname::Places;

struct Campaign {
    title: String,
    office: String,
    units: Vec<Unit>,
    variants: Vec<(usize, String, String)>,
}

fn campaigns() -> Vec<Campaign> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/names/variants.txt"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let mut out: Vec<Campaign> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || (line.starts_with('#') && !line.starts_with("##")) {
            continue;
        }
        if let Some(head) = line.strip_prefix("## ") {
            let (title, office) = head.split_once(" | ").expect("## title | office");
            out.push(Campaign {
                title: title.to_string(),
                office: office.to_string(),
                units: Vec::new(),
                variants: Vec::new(),
            });
            continue;
        }
        let c = out.last_mut().expect("a campaign first");
        if let Some(name) = line.strip_prefix("unit ") {
            c.units.push(Unit {
                name: name.to_string(),
                aliases: Vec::new(),
                contacts: Vec::new(),
            });
        } else if let Some(rest) = line.strip_prefix("alias ") {
            let (name, alias) = rest.split_once(" = ").unwrap();
            let unit = c.units.iter_mut().find(|u| u.name == name).unwrap();
            unit.aliases.push(alias.to_string());
        } else {
            let (text, expected) = line.rsplit_once(" => ").expect("text => expected");
            c.variants
                .push((i + 1, text.replace("\\n", "\n"), expected.to_string()));
        }
    }
    out
}

#[test]
fn two_hundred_real_style_names_on_four_levels_of_government() {
    let campaigns = campaigns();
    assert_eq!(campaigns.len(), 4);
    let total: usize = campaigns.iter().map(|c| c.variants.len()).sum();
    assert!(total >= 200, "only {total} variants");
    let mut wrong = Vec::new();
    for c in &campaigns {
        let names: Vec<&str> = c.units.iter().map(|u| u.name.as_str()).collect();
        let places = Places::new(&[&c.title, &c.office], &names);
        let roster = Roster::with_places(c.units.clone(), &places).unwrap();
        for (line, text, expected) in &c.variants {
            let got = match roster.find_in(text) {
                Found::Unit { unit, .. } => roster.units[unit].name.clone(),
                Found::Ambiguous { .. } => "?".to_string(),
                Found::None => "-".to_string(),
            };
            if &got != expected {
                wrong.push(format!(
                    "line {line}: {text:?} → {got}, expected {expected} ({})",
                    c.title
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {total} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
