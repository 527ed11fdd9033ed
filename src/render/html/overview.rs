//! The board's first page: as of when, the situation in the report's own
//! words, who must act, what falls due next, the counts, and the table of
//! every activity with a filter box.

use std::fmt::Write as _;

use super::{FILTER_JS, OFFICE, Units, badge, class, esc, page};
use crate::model::State;
use crate::report::Report;

/// The overview page.
pub fn render(report: &Report, units: &Units) -> String {
    let mut b = String::new();
    let s = &report.situation;
    let _ = write!(b, "<h2>总体情况</h2>\n<p>{}</p>\n", esc(&s.paragraph));

    b.push_str("<ul class=\"counts\">");
    for c in report.overview.by_state.iter().filter(|c| c.count > 0) {
        let _ = write!(b, "<li>{} {}项</li>", badge(c.state, &c.label), c.count);
    }
    b.push_str("</ul>\n");
    let office = office_count(report);
    if office > 0 {
        let _ = writeln!(
            b,
            "<p class=\"trouble\">办公室待处理{office}项：见<a href=\"{OFFICE}\">办公室待办</a>。</p>"
        );
    }

    let _ = writeln!(b, "<h2>需要督促（{}场活动）</h2>", s.needs_action.len());
    if s.needs_action.is_empty() {
        b.push_str("<p>目前没有需要督促的单位。</p>\n");
    } else {
        b.push_str("<div class=\"scroll\"><table><tr><th>单位</th><th>活动</th><th>状态</th><th>原因</th></tr>\n");
        for i in &s.needs_action {
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                units.link(&i.unit),
                esc(&i.theme),
                badge(i.state, i.state.label()),
                esc(&i.reason)
            );
        }
        b.push_str("</table></div>\n");
    }

    let _ = writeln!(b, "<h2>近期截止（{}）</h2>", esc(&s.upcoming_window));
    if s.upcoming.is_empty() {
        let _ = writeln!(b, "<p>今后{}天内没有到期的材料。</p>", s.upcoming_days);
    } else {
        b.push_str("<div class=\"scroll\"><table><tr><th>截止</th><th>单位</th><th>活动</th><th>尚欠</th></tr>\n");
        for u in &s.upcoming {
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&u.due),
                units.link(&u.unit),
                esc(&u.theme),
                esc(&u.owed)
            );
        }
        b.push_str("</table></div>\n");
    }

    status_table(&mut b, report, units);
    page(report, "总览", &b, Some(FILTER_JS))
}

/// How many things wait for the office.
fn office_count(report: &Report) -> usize {
    let t = &report.office_tasks;
    t.unassigned.len()
        + t.unclassified.len()
        + t.receiving.len()
        + t.questions.len()
        + report.messages.iter().filter(|m| m.trouble).count()
}

/// 报送情况一览表 with the filter box (hidden until its script runs).
fn status_table(b: &mut String, report: &Report, units: &Units) {
    let _ = writeln!(b, "<h2>报送情况一览表（{}场活动）</h2>", report.rows.len());
    b.push_str(
        "<div id=\"filter\" hidden><input id=\"q\" type=\"search\" placeholder=\"按单位或活动筛选\" aria-label=\"按单位或活动筛选\">\
         <select id=\"st\" aria-label=\"按状态筛选\"><option value=\"\">全部状态</option>",
    );
    for state in State::ALL {
        let _ = write!(
            b,
            "<option value=\"{}\">{}</option>",
            class(state),
            state.label()
        );
    }
    b.push_str("</select></div>\n<div class=\"scroll\"><table class=\"status\">\n<tr><th>序号</th><th>单位</th><th>活动</th><th>开展时间</th>");
    for d in &report.deliverables {
        let _ = write!(b, "<th>{}</th>", esc(&d.name));
    }
    b.push_str("<th>总体</th></tr>\n");
    for row in &report.rows {
        // Filterable by the overall state and by any cell's.
        let mut states = vec![class(row.overall)];
        states.extend(row.cells.iter().filter_map(|c| c.state).map(class));
        states.dedup();
        let _ = write!(
            b,
            "<tr data-unit=\"{}\" data-theme=\"{}\" data-states=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            esc(&row.unit),
            esc(&row.theme),
            states.join(" "),
            esc(&row.seq),
            units.link(&row.unit),
            esc(&row.theme),
            esc(&row.time)
        );
        for cell in &row.cells {
            let when = cell
                .when
                .as_deref()
                .map(|w| format!("<small>{}</small>", esc(w)))
                .unwrap_or_default();
            match cell.state {
                Some(state) => {
                    let _ = write!(
                        b,
                        "<td class=\"s-{}\">{}{when}</td>",
                        class(state),
                        esc(&cell.text)
                    );
                }
                None => {
                    let _ = write!(b, "<td>{}</td>", esc(&cell.text));
                }
            }
        }
        let _ = writeln!(
            b,
            "<td>{}</td></tr>",
            badge(row.overall, row.overall.label())
        );
    }
    b.push_str("</table></div>\n");
    let _ = writeln!(b, "<p><small>{}</small></p>", esc(&report.status_note));
}
