//! The office's page: what no unit will fix — files of no unit or of an
//! ambiguous name, files that fit no deliverable, rejected files, files
//! still being copied, mail that failed or could not be sent, questions
//! about the schedule — and every message of the batch's outbox.

use std::fmt::Write as _;

use super::{Units, esc, page};
use crate::report::{FileLine, MessageLine, Report};

/// The office page.
pub fn render(report: &Report, units: &Units) -> String {
    let t = &report.office_tasks;
    let mut b = String::new();
    let ambiguous: Vec<&str> = t.ambiguous.iter().map(|f| f.path.as_str()).collect();
    let unassigned: Vec<&FileLine> = t
        .unassigned
        .iter()
        .filter(|f| !ambiguous.contains(&f.path.as_str()))
        .collect();
    file_list(&mut b, "未能识别所属单位的文件", &unassigned, units);
    file_list(
        &mut b,
        "名称可能指多个单位的文件",
        &t.ambiguous.iter().collect::<Vec<_>>(),
        units,
    );
    file_list(
        &mut b,
        "未对应任何材料的文件",
        &t.unclassified.iter().collect::<Vec<_>>(),
        units,
    );
    file_list(
        &mut b,
        "不合格的文件",
        &t.invalid.iter().collect::<Vec<_>>(),
        units,
    );

    let _ = writeln!(b, "<h2>仍在接收中的文件（{}个）</h2>", t.receiving.len());
    if t.receiving.is_empty() {
        b.push_str("<p>无。</p>\n");
    } else {
        b.push_str("<p>这些文件在本批检查时仍在写入，下一批再处理：</p><ul>");
        for p in &t.receiving {
            let _ = write!(b, "<li>{}</li>", esc(p));
        }
        b.push_str("</ul>\n");
    }
    let _ = writeln!(
        b,
        "<p>已忽略的隐藏文件、临时文件和锁文件：{}个。</p>",
        t.ignored
    );

    let trouble: Vec<&MessageLine> = report.messages.iter().filter(|m| m.trouble).collect();
    let _ = writeln!(b, "<h2>发送失败或待确认的邮件（{}封）</h2>", trouble.len());
    if trouble.is_empty() {
        b.push_str("<p>无。</p>\n");
    } else {
        b.push_str("<p>请用 <code>baosong outbox</code> 查看并重试或撤销：</p>\n");
        messages_list(&mut b, &trouble);
    }

    let _ = writeln!(
        b,
        "<h2>需要办公室确认的问题（{}项）</h2>",
        t.questions.len()
    );
    if t.questions.is_empty() {
        b.push_str("<p>无。</p>\n");
    } else {
        b.push_str("<ul>");
        for q in &t.questions {
            let _ = write!(b, "<li>{}</li>", esc(q));
        }
        b.push_str("</ul>\n");
    }

    let _ = writeln!(b, "<h2>全部邮件（{}封）</h2>", report.messages.len());
    if report.messages.is_empty() {
        b.push_str("<p>尚未发出邮件。</p>\n");
    } else {
        let all: Vec<&MessageLine> = report.messages.iter().collect();
        messages_list(&mut b, &all);
    }
    page(report, "办公室待办", &b, None)
}

/// A heading with a count and the files under it, or 无.
fn file_list(b: &mut String, title: &str, files: &[&FileLine], units: &Units) {
    let _ = writeln!(b, "<h2>{title}（{}个）</h2>", files.len());
    if files.is_empty() {
        b.push_str("<p>无。</p>\n");
        return;
    }
    b.push_str("<div class=\"scroll\"><table><tr><th>文件</th><th>单位</th><th>说明</th></tr>\n");
    for f in files {
        let _ = writeln!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&f.path),
            f.unit.as_deref().map(|u| units.link(u)).unwrap_or_default(),
            esc(&f.reason)
        );
    }
    b.push_str("</table></div>\n");
}

/// Messages as a list (it reads on a phone): when, what, how it went,
/// then the subject and the recipients.
pub(super) fn messages_list(b: &mut String, messages: &[&MessageLine]) {
    b.push_str("<ul class=\"files\">\n");
    for m in messages {
        let status = if m.trouble {
            format!("<span class=\"trouble\">{}</span>", esc(&m.status))
        } else {
            esc(&m.status).into_owned()
        };
        let _ = write!(
            b,
            "<li>{} {} · {status}<small>{}</small><small>收件人：{}</small>",
            esc(&m.queued),
            esc(&m.kind),
            esc(&m.subject),
            esc(&m.recipients)
        );
        if let Some(sent) = &m.sent {
            let _ = write!(b, "<small>发出：{}</small>", esc(sent));
        }
        if let Some(e) = &m.error {
            let _ = write!(b, "<small class=\"trouble\">{}</small>", esc(e));
        }
        b.push_str("</li>\n");
    }
    b.push_str("</ul>\n");
}
