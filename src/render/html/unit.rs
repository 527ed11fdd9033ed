//! A unit's page: what the clerk answering its phone call needs — each
//! activity and deliverable with its state, deadline, lateness and
//! extension; the photos and videos it sent; every file it sent with the
//! verdict and each version's arrival and way in; the mail sent to it.

use std::fmt::Write as _;

use super::{Links, badge, esc, page};
use crate::report::{ActivitySection, Report, SentFile, VideoItem, format_short};

/// The page of the unit `name`.
pub fn render(report: &Report, name: &str, links: &mut Links) -> String {
    let mut b = format!("<h2>{}</h2>\n", esc(name));
    let sections = report.units.iter().find(|u| u.unit == name);
    let rows: Vec<_> = report.rows.iter().filter(|r| r.unit == name).collect();
    if rows.is_empty() {
        b.push_str("<p>活动安排表中没有本单位的活动。</p>\n");
    }
    for row in rows {
        let _ = writeln!(
            b,
            "<div class=\"card\"><h3>{} {}（{}） {}</h3>",
            esc(&row.seq),
            esc(&row.theme),
            esc(&row.time),
            badge(row.overall, row.overall.label())
        );
        // Lateness in working days is in the line under the state
        // ("6月13日送达，逾期4个工作日", "已逾期4个工作日"), and so is an extension.
        b.push_str("<div class=\"scroll\"><table><tr><th>材料</th><th>状态</th><th>截止</th><th>送达</th></tr>\n");
        for (d, cell) in report.deliverables.iter().zip(&row.cells) {
            let state = match cell.state {
                Some(s) => badge(s, &cell.text),
                None => esc(&cell.text).into_owned(),
            };
            let small = |text: Option<&str>| {
                text.map(|t| format!("<small>{}</small>", esc(t)))
                    .unwrap_or_default()
            };
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td>{state}{}{}</td><td>{}</td><td>{}</td></tr>",
                esc(&d.name),
                small(cell.when.as_deref()),
                small(cell.extension.as_deref()),
                cell.due_at.map(format_short).unwrap_or_default(),
                cell.arrived_at.map(format_short).unwrap_or_default(),
            );
        }
        b.push_str("</table></div>\n");
        if let Some(section) = sections.and_then(|u| u.activities.iter().find(|a| a.seq == row.seq))
        {
            material(&mut b, section, links);
        }
        b.push_str("</div>\n");
    }

    let files: Vec<&SentFile> = report.files.iter().filter(|f| f.unit == name).collect();
    let _ = writeln!(b, "<h2>收到的文件（{}个）</h2>", files.len());
    if files.is_empty() {
        b.push_str("<p>尚未收到本单位的文件。</p>\n");
    } else {
        files_list(&mut b, &files, links);
    }

    let messages: Vec<_> = report
        .messages
        .iter()
        .filter(|m| m.unit.as_deref() == Some(name))
        .collect();
    let _ = writeln!(b, "<h2>发给本单位的回执和催报（{}封）</h2>", messages.len());
    if messages.is_empty() {
        b.push_str("<p>尚未给本单位发过邮件。</p>\n");
    } else {
        super::office::messages_list(&mut b, &messages);
    }
    page(report, name, &b, None)
}

/// What the report shows of an activity: the summary's title, the photos
/// (print JPEGs linking to the originals), the videos, the remarks.
fn material(b: &mut String, a: &ActivitySection, links: &mut Links) {
    if let Some(s) = &a.summary {
        let _ = writeln!(
            b,
            "<p>总结材料：{}{}</p>",
            esc(&s.file_name),
            s.title
                .as_deref()
                .map(|t| format!("《{}》", esc(t)))
                .unwrap_or_default()
        );
    }
    if !a.photos.is_empty() {
        let _ = writeln!(b, "<p>照片{}张：</p><ul class=\"photos\">", a.photos.len());
        for p in &a.photos {
            let thumb = links.print(&p.jpeg);
            let full = match &p.original {
                Some(o) => links.original(o, &p.name),
                None => thumb.clone(),
            };
            let taken = p
                .taken
                .as_deref()
                .map(|t| format!("<small>拍摄于{}</small>", esc(t)))
                .unwrap_or_default();
            let _ = writeln!(
                b,
                "<li><a href=\"{full}\"><img src=\"{thumb}\" alt=\"{name}\" loading=\"lazy\" width=\"{w}\" height=\"{h}\"></a>{name}{taken}</li>",
                name = esc(&p.name),
                w = p.width,
                h = p.height,
            );
        }
        b.push_str("</ul>\n");
    }
    if !a.videos.is_empty() {
        b.push_str("<p>视频：</p><ul>");
        for v in &a.videos {
            video(b, v, links);
        }
        b.push_str("</ul>\n");
    }
    if !a.notes.is_empty() {
        b.push_str("<ul>");
        for n in &a.notes {
            let _ = write!(b, "<li><small>{}</small></li>", esc(n));
        }
        b.push_str("</ul>\n");
    }
}

/// One video of an activity: its poster (the first key frame) linking to
/// the video itself when there is one, its name, size and duration, and
/// why there is no picture when there is none.
fn video(b: &mut String, v: &VideoItem, links: &mut Links) {
    b.push_str("<li>");
    if let Some(p) = &v.poster {
        let thumb = links.print(&p.jpeg);
        let full = match &p.original {
            // The label starts with the file name, whose extension the copy keeps.
            Some(o) => links.original(o, v.label.split('（').next().unwrap_or(&v.label)),
            None => thumb.clone(),
        };
        let _ = write!(
            b,
            "<a href=\"{full}\"><img src=\"{thumb}\" alt=\"{name}\" loading=\"lazy\" width=\"{w}\" height=\"{h}\"></a>",
            name = esc(&v.label),
            w = p.width,
            h = p.height,
        );
    }
    let _ = write!(b, "{}", esc(&v.label));
    let what: Vec<&str> = [v.resolution.as_deref(), v.codec.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if !what.is_empty() {
        let _ = write!(b, "<small>{}</small>", esc(&what.join("，")));
    }
    if let Some(n) = &v.note {
        let _ = write!(b, "<small>{}</small>", esc(n));
    }
    b.push_str("</li>");
}

/// Every file of the unit with its verdict, and each version with its
/// arrival and how it came: a list, not a table, so it reads on a phone.
fn files_list(b: &mut String, files: &[&SentFile], links: &mut Links) {
    b.push_str("<ul class=\"files\">\n");
    for f in files {
        let name = match &f.original {
            Some(o) => format!(
                "<a href=\"{}\">{}</a>",
                links.original(o, &f.path),
                esc(&f.path)
            ),
            None => esc(&f.path).into_owned(),
        };
        let verdict = if f.counted {
            format!("<span class=\"verdict\">{}</span>", esc(&f.verdict))
        } else {
            format!("<span class=\"verdict trouble\">{}</span>", esc(&f.verdict))
        };
        let _ = write!(
            b,
            "<li>{name} {verdict}<small>用于：{}</small>",
            esc(f.counts_for.as_deref().unwrap_or("（未对应任何材料）"))
        );
        if let Some(r) = &f.reason {
            let _ = write!(b, "<small>{}</small>", esc(r));
        }
        for (i, v) in f.versions.iter().enumerate() {
            let _ = write!(
                b,
                "<small>第{}版：{}送达 · {} · {}</small>",
                i + 1,
                esc(&v.arrived),
                esc(&v.how),
                esc(&v.size)
            );
        }
        b.push_str("</li>\n");
    }
    b.push_str("</ul>\n");
}
