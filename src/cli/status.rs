//! The terminal status the clerk reads at 20:30: first what needs attention
//! (overdue, invalid, incomplete, late, files no unit claims), then what is
//! done, then what is not yet due, and long lists cut to a few lines with a
//! pointer to `status --json`.

use std::io::Write;

use chrono::DateTime;
use unicode_width::UnicodeWidthStr;

use crate::fmt::format_time;
use crate::model::State;
use crate::status::{ActivityEntry, StatusDocument};
use crate::wording::{self, joint_partner, joint_units};

/// How many lines a list shows before it is summarised.
const LIST_LINES: usize = 10;
/// How many not-yet-due activities are named, the soonest first.
const UPCOMING_LINES: usize = 5;

/// Writes the status as the office reads it.
pub fn write(out: &mut impl Write, s: &StatusDocument) -> std::io::Result<()> {
    let clock = DateTime::parse_from_rfc3339(&s.clock)
        .map(format_time)
        .unwrap_or_else(|_| s.clock.clone());
    let zone = match s.time_zone.as_str() {
        "Asia/Shanghai" => "北京时间",
        other => other,
    };
    writeln!(out, "{}  第{}批，截至{}（{zone}）", s.title, s.batch, clock)?;
    let rows = rows(s);
    let widths = Widths::of(&rows);

    let mut attention: Vec<&Row<'_>> = rows
        .iter()
        .filter(|r| {
            matches!(
                r.a.state,
                State::Overdue | State::Invalid | State::Incomplete | State::Late
            )
        })
        .collect();
    attention.sort_by_key(|r| std::cmp::Reverse(r.a.state));
    let unassigned = s.unassigned.len() + s.ambiguous.len() + s.unclassified.len();
    writeln!(out)?;
    if attention.is_empty() && unassigned == 0 {
        writeln!(out, "需要关注：无")?;
    } else {
        writeln!(
            out,
            "需要关注（{}场活动{}）：",
            attention.len(),
            if unassigned > 0 {
                format!("，{unassigned}个文件待人工处理")
            } else {
                String::new()
            }
        )?;
        for r in &attention {
            widths.write_row(out, r)?;
        }
        list(
            out,
            "未识别单位的文件",
            s.unassigned
                .iter()
                .map(|f| format!("{}（{}）", f.path, f.reason)),
        )?;
        list(
            out,
            "名称可能指多个单位的文件",
            s.ambiguous
                .iter()
                .map(|f| format!("{}：{}", f.path, f.reason)),
        )?;
        list(
            out,
            "未归类的文件",
            s.unclassified
                .iter()
                .map(|f| format!("{}：{}", f.path, f.reason)),
        )?;
    }

    let done: Vec<&Row<'_>> = rows
        .iter()
        .filter(|r| matches!(r.a.state, State::OnTime | State::Exempt))
        .collect();
    if !done.is_empty() {
        writeln!(out, "\n已报齐或免报（{}场活动）：", done.len())?;
        for r in done {
            widths.write_row(out, r)?;
        }
    }

    let mut upcoming: Vec<(&Row<'_>, Option<&str>, Option<&str>)> = rows
        .iter()
        .filter(|r| r.a.state == State::Pending)
        .map(|r| {
            let next =
                r.a.deliverables
                    .iter()
                    .filter(|d| d.state == State::Pending)
                    .min_by(|x, y| x.due_at.cmp(&y.due_at));
            (
                r,
                next.and_then(|d| d.due_at.as_deref()),
                next.and_then(|d| d.due.as_deref()),
            )
        })
        .collect();
    // Unknown deadlines last.
    upcoming.sort_by(|x, y| (x.1.is_none(), x.1).cmp(&(y.1.is_none(), y.1)));
    if !upcoming.is_empty() {
        writeln!(
            out,
            "\n尚未到报送时限（{}场活动），最近截止的：",
            upcoming.len()
        )?;
        for (r, _, due) in upcoming.iter().take(UPCOMING_LINES) {
            let due = due.map_or_else(|| wording::UNDATED.to_string(), |d| format!("截止 {d}"));
            writeln!(out, "{}  {due}", widths.lead(r))?;
        }
        if upcoming.len() > UPCOMING_LINES {
            writeln!(
                out,
                "  …另有{}场，逐项见 baosong status --json",
                upcoming.len() - UPCOMING_LINES
            )?;
        }
    }

    let counts: Vec<String> = s.counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
    writeln!(out, "\n合计：{}", counts.join("，"))?;
    list(
        out,
        "不合格的文件",
        s.invalid
            .iter()
            .map(|f| format!("{}：{}", f.path, f.reason)),
    )?;
    if !s.receiving.is_empty() {
        let shown: Vec<&str> = s
            .receiving
            .iter()
            .take(LIST_LINES)
            .map(String::as_str)
            .collect();
        let more = s.receiving.len().saturating_sub(LIST_LINES);
        writeln!(
            out,
            "接收中（{}个文件，下次批处理再读取）：{}{}",
            s.receiving.len(),
            shown.join("、"),
            if more > 0 {
                format!(" …另有{more}个，见 baosong status --json")
            } else {
                String::new()
            }
        )?;
    }
    for q in s.questions.iter().chain(&s.warnings) {
        writeln!(out, "请注意：{q}")?;
    }
    Ok(())
}

/// One activity row with its unit.
struct Row<'a> {
    /// The unit, or a joint entry's units ("县医疗保障局、县财政局（联合）").
    unit: String,
    /// The unit whose entry this is.
    first: &'a str,
    a: &'a ActivityEntry,
}

/// One row per activity; a joint entry's once (under its first unit) when
/// its units stand alike (`joint_alike`), else a row per unit naming its
/// partners, as the report's table does.
fn rows(s: &StatusDocument) -> Vec<Row<'_>> {
    let mut rows: Vec<Row<'_>> = Vec::new();
    for u in &s.units {
        for a in &u.activities {
            let mut all = vec![u.unit.clone()];
            all.extend(a.joint_with.iter().cloned());
            let unit = if a.joint_with.is_empty() {
                u.unit.clone()
            } else if a.joint_alike {
                let listed = rows.iter().any(|r| {
                    r.a.seq == a.seq
                        && r.a.theme == a.theme
                        && a.joint_with.iter().any(|j| j == r.first)
                });
                if listed {
                    continue;
                }
                joint_units(&all)
            } else {
                joint_partner(&u.unit, &all)
            };
            rows.push(Row {
                unit,
                first: &u.unit,
                a,
            });
        }
    }
    rows
}

/// Column widths, so every table lines up the same.
struct Widths {
    seq: usize,
    unit: usize,
    time: usize,
}

impl Widths {
    fn of(rows: &[Row<'_>]) -> Widths {
        Widths {
            // 序号 may be "附件1-10" in a workbook of several sheets.
            seq: rows
                .iter()
                .map(|r| r.a.seq.width())
                .max()
                .unwrap_or(0)
                .max(3),
            unit: rows
                .iter()
                .map(|r| r.unit.width() + 1)
                .max()
                .unwrap_or(0)
                .max(20),
            // Times as the schedule writes them: "3月15日", "5月16日-17日".
            time: rows
                .iter()
                .map(|r| r.a.time.width())
                .max()
                .unwrap_or(0)
                .max(8),
        }
    }

    /// The columns every row starts with: 序号 (right-aligned), unit, time.
    fn lead(&self, r: &Row<'_>) -> String {
        format!(
            "  {}{} {} {}",
            " ".repeat(self.seq.saturating_sub(r.a.seq.width())),
            r.a.seq,
            pad(&r.unit, self.unit),
            pad(&r.a.time, self.time)
        )
    }

    fn write_row(&self, out: &mut impl Write, r: &Row<'_>) -> std::io::Result<()> {
        let items: Vec<String> =
            r.a.deliverables
                .iter()
                .map(|d| format!("{}：{}", d.name, d.label))
                .collect();
        writeln!(
            out,
            "{} {} {}",
            self.lead(r),
            pad(&r.a.label, 10),
            items.join("；")
        )
    }
}

/// A titled list, cut to [`LIST_LINES`] lines with the rest counted.
fn list(
    out: &mut impl Write,
    title: &str,
    items: impl ExactSizeIterator<Item = String>,
) -> std::io::Result<()> {
    let n = items.len();
    if n == 0 {
        return Ok(());
    }
    writeln!(out, "  {title}（{n}个）：")?;
    for i in items.take(LIST_LINES) {
        writeln!(out, "    - {i}")?;
    }
    if n > LIST_LINES {
        writeln!(
            out,
            "    …另有{}个，见 baosong status --json",
            n - LIST_LINES
        )?;
    }
    Ok(())
}

/// `text` padded with spaces to `columns` terminal columns (a Chinese
/// character takes two).
fn pad(text: &str, columns: usize) -> String {
    format!("{text}{}", " ".repeat(columns.saturating_sub(text.width())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::FileLine;
    use crate::status::{DeliverableEntry, UnitEntry};

    fn activity(seq: &str, state: State, due_at: &str) -> ActivityEntry {
        ActivityEntry {
            seq: seq.into(),
            theme: "主题".into(),
            time: "5月".into(),
            state,
            label: state.label().into(),
            joint_with: Vec::new(),
            joint_alike: false,
            deliverables: vec![DeliverableEntry {
                id: "summary".into(),
                name: "活动总结".into(),
                state,
                label: state.label().into(),
                detail: String::new(),
                due: Some(due_at.into()),
                due_at: Some(due_at.into()),
                completed: None,
                late_workdays: None,
                counted: 0,
                needed: 1,
                files: vec![],
            }],
        }
    }

    fn status() -> StatusDocument {
        let mut units = vec![
            UnitEntry {
                unit: "县林业局".into(),
                activities: vec![activity("1", State::OnTime, "2025-05-09T24:00")],
            },
            UnitEntry {
                unit: "县司法局".into(),
                activities: vec![activity("2", State::Overdue, "2025-05-09T24:00")],
            },
        ];
        for i in 0..8 {
            units.push(UnitEntry {
                unit: format!("单位{i}"),
                activities: vec![activity(
                    &format!("{}", 10 + i),
                    State::Pending,
                    &format!("2025-07-{:02}T24:00", 20 - i),
                )],
            });
        }
        StatusDocument {
            campaign: "c".into(),
            title: "活动".into(),
            batch: 3,
            clock: "2025-06-13T20:00:00.123456+08:00".into(),
            time_zone: "北京时间".into(),
            units,
            counts: Default::default(),
            unassigned: (0..25)
                .map(|i| FileLine {
                    path: format!("照片{i}.jpg"),
                    unit: None,
                    reason: "未能识别所属单位".into(),
                    maybe_from: vec![],
                })
                .collect(),
            ambiguous: vec![],
            unclassified: vec![],
            invalid: vec![],
            receiving: (0..240).map(|i| format!("大文件{i}.mp4")).collect(),
            ignored: 0,
            questions: vec![],
            warnings: vec![],
            delivery: Default::default(),
        }
    }

    fn text() -> String {
        let mut out = Vec::new();
        write(&mut out, &status()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn times_read_as_people_write_them() {
        let t = text();
        assert!(t.contains("截至2025年6月13日 20:00"), "{t}");
        assert!(!t.contains("123456"), "{t}");
    }

    #[test]
    fn what_needs_attention_comes_first() {
        let t = text();
        let attention = t.find("需要关注").unwrap();
        assert!(attention < t.find("县司法局").unwrap());
        assert!(t.find("县司法局").unwrap() < t.find("已报齐或免报").unwrap());
        assert!(t.find("已报齐或免报").unwrap() < t.find("县林业局").unwrap());
    }

    #[test]
    fn not_yet_due_shows_the_soonest_and_counts_the_rest() {
        let t = text();
        // Due dates run backwards with the unit number: 单位7 is soonest.
        assert!(t.contains("单位7"), "{t}");
        assert!(!t.contains("单位0"), "{t}");
        assert!(t.contains("…另有3场"), "{t}");
    }

    #[test]
    fn long_lists_are_cut_and_counted() {
        let t = text();
        assert!(t.contains("…另有15个，见 baosong status --json"), "{t}");
        assert!(t.contains("接收中（240个文件"), "{t}");
        assert!(t.lines().all(|l| l.chars().count() < 400), "{t}");
    }
}
