//! `baosong init --schedule 活动安排表.xlsx`: a commented campaign.toml
//! from an office schedule, the folders a run needs, and what was
//! understood of each sheet, with the next steps.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::campaign::{CAMPAIGN_FILE, Campaign, init};
use crate::inspect::Limits;
use crate::wording;

/// The campaign.toml `init` would write is there already: a usage mistake
/// (exit 2), as the fix is on the command line.
#[derive(Debug, thiserror::Error)]
#[error("{} 已存在，未作改动；如需覆盖请加 --force，或用 --out 写到别处", .0.display())]
pub struct Exists(PathBuf);

/// `baosong init`: a commented campaign.toml from an office schedule, the
/// folders a run needs, and what was understood of each sheet.
pub fn run(schedule: &Path, out: Option<PathBuf>, force: bool) -> anyhow::Result<()> {
    let dir = schedule.parent().unwrap_or(Path::new("."));
    let out = out.unwrap_or_else(|| dir.join(CAMPAIGN_FILE));
    if out.exists() && !force {
        return Err(Exists(out).into());
    }
    let root = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let sched = crate::campaign::schedule::read(schedule, None, &Limits::default())?;
    let rel = relative_path(schedule, &root);
    let text = init::campaign_toml(&sched, &rel);
    std::fs::create_dir_all(root.join("inbox"))
        .and_then(|()| crate::notify::templates::Templates::write_defaults(&root.join("templates")))
        .and_then(|()| crate::portal::Pages::write_defaults(&root.join("templates")))
        .with_context(|| format!("无法在 {} 下创建 inbox/ 和 templates/", root.display()))?;
    std::fs::write(&out, text).with_context(|| format!("无法写入 {}", out.display()))?;

    println!("已读取活动安排表 {}：", schedule.display());
    for line in init::describe_sheets(&sched) {
        println!("  {line}");
    }
    for line in init::choices(&sched) {
        println!("{line}");
    }
    match &sched.stated_year {
        Some(y) => println!("年份：{}（{}）", sched.year, y.source),
        None => println!(
            "注意: 安排表中没有写明年份，暂按今年（{}年）；如不对，请修改 campaign.toml 的 year",
            sched.year
        ),
    }
    println!(
        "\n已生成 {}，并创建了 inbox/ 和 templates/。",
        out.display()
    );
    match Campaign::load(&out) {
        Ok(c) => {
            let (entries, joint) = c.entry_counts();
            println!(
                "共{}个单位、{entries}项活动{}；分组：{}。",
                c.roster.units.len(),
                wording::of_them_joint(joint),
                c.groups
                    .iter()
                    .map(|(name, g)| format!("{name}（{}个单位）", g.units.len()))
                    .collect::<Vec<_>>()
                    .join("、")
            );
            for m in &c.merged_names {
                println!("已合并: {m}");
            }
            for q in &c.name_questions {
                println!("请确认: {q}");
            }
            for p in &c.schedule_problems {
                println!("请注意: {p}");
            }
            let silent: Vec<&str> = c
                .roster
                .units
                .iter()
                .filter(|u| u.emails().next().is_none())
                .map(|u| u.name.as_str())
                .collect();
            if !silent.is_empty() {
                println!(
                    "以下{}个单位在安排表中没有有效邮箱，无法收到回执和催报：{}",
                    silent.len(),
                    silent.join("、")
                );
            }
        }
        Err(e) => println!("注意: 生成的配置暂时无法使用：{e}"),
    }
    println!(
        "\n下一步：\n  1. 打开 {}，按通知写明每项报送材料（名称、适用单位或分组、截止时间），核对标题、牵头单位和年份；\n  2. 核对 [mail]（办公室、领导邮箱）、[reminders]（何时催报、何时抄送）和 [report_mail]（何时给领导发报告），真正发信前填写 [mail.smtp]；\n  3. 把各单位报送的文件放入 inbox/（可按单位分文件夹，也可直接放入保存的邮件 .eml）；\n  4. 运行 baosong run --dry-run -C {} 演练，确认无误后每晚运行 baosong run。",
        out.display(),
        root.display()
    );
    Ok(())
}

/// `path` as seen from the folder `base` (with `..` where needed), so the
/// campaign folder can be moved as a whole.
fn relative_path(path: &Path, base: &Path) -> String {
    use std::path::Component;
    let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (p, b) = (abs(path), abs(base));
    let pc: Vec<Component> = p.components().collect();
    let bc: Vec<Component> = b.components().collect();
    let common = pc.iter().zip(&bc).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return p.display().to_string();
    }
    let mut rel = PathBuf::new();
    for _ in common..bc.len() {
        rel.push("..");
    }
    for c in &pc[common..] {
        rel.push(c);
    }
    rel.display().to_string()
}
