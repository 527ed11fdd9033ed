//! Benchmark campaigns at county and province scale (issue 6):
//! `baosong-generate bench --units N --photos K [--seed S] DIR`.
//!
//! Writes `DIR/campaign.toml` (no fixed clock; a `[mail]` section without
//! SMTP, so mail is written as .eml files), `DIR/活动安排表.xlsx` with one
//! activity per unit, and per unit `DIR/inbox/<unit>/`: a Word summary of
//! about 1,500 Chinese characters with two pasted photos, the unit's own
//! Excel schedule, and K phone photos of 4000×3000 (2–5 MB each, a fifth of
//! them stored sideways with EXIF orientation 6 or 8).
//!
//! Everything is derived from the seed, so two runs give identical bytes.
//! Files are written in parallel (rayon) and never all held in memory.

use std::path::Path;

use rayon::prelude::*;

use crate::files::{self, PhotoSpec, Rng};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct BenchSpec {
    pub units: usize,
    pub photos: usize,
    pub seed: u64,
}

/// Towns and townships (泸溪县 and neighbours) …
const PLACES: [&str; 12] = [
    "白沙镇",
    "浦市镇",
    "武溪镇",
    "潭溪镇",
    "达岚镇",
    "合水镇",
    "洗溪镇",
    "兴隆场镇",
    "解放岩乡",
    "小章乡",
    "石榴坪乡",
    "八什坪乡",
];

/// … times the offices every town has.
const OFFICES: [&str; 20] = [
    "党政综合办公室",
    "财政所",
    "司法所",
    "派出所",
    "卫生院",
    "中心学校",
    "农业综合服务中心",
    "综合行政执法大队",
    "社会事务办公室",
    "退役军人服务站",
    "便民服务中心",
    "林业站",
    "水利站",
    "文化站",
    "自然资源所",
    "市场监管所",
    "供电所",
    "应急管理办公室",
    "社会保障服务站",
    "经济发展办公室",
];

const THEMES: [&str; 10] = [
    "政务公开进村入户",
    "安全生产月集中宣传",
    "法治宣传进万家",
    "惠民政策面对面",
    "防范电信网络诈骗",
    "医保政策宣讲",
    "森林防火宣传",
    "垃圾分类知识宣传",
    "禁毒知识进校园",
    "便民服务开放日",
];

/// Sentences a summary is assembled from.
const SENTENCES: [&str; 16] = [
    "活动前，单位召开专题会议研究部署，制定了详细的工作方案，明确了责任分工和时间节点，确保各项工作有序推进。",
    "活动当天，工作人员在主要路口和集市设立宣传咨询台，悬挂横幅，摆放展板，向过往群众发放宣传资料并耐心解答咨询。",
    "为增强活动实效，我们邀请了人大代表、政协委员和群众代表参加，现场听取意见建议，并对群众关心的问题逐一作出答复。",
    "活动采取集中宣讲与入户走访相结合的方式，工作人员深入村组和社区，把政策送到群众家门口，打通服务群众最后一公里。",
    "本次活动共发放宣传资料一千二百余份，悬挂宣传横幅十二条，现场解答群众咨询九十余人次，受理意见建议十五条。",
    "通过线上线下同步开展，活动信息在政府网站、微信公众号同步发布，累计阅读量超过三千人次，扩大了宣传覆盖面。",
    "在活动中，我们注重用通俗易懂的语言解读政策，结合身边案例讲清楚、讲明白，群众普遍反映听得懂、记得住、用得上。",
    "活动结束后，单位及时梳理群众反映的问题，建立问题清单和整改台账，明确整改责任人和完成时限，做到件件有落实。",
    "下一步，我们将进一步健全政务公开工作机制，丰富公开形式，拓展公开渠道，不断提升政务公开的标准化和规范化水平。",
    "同时，我们将加强工作人员业务培训，提高政策解读能力和服务水平，推动政务公开工作与业务工作深度融合、同步推进。",
    "此次活动得到了乡镇党委政府的大力支持，各村（社区）积极配合，志愿者主动参与，形成了上下联动、齐抓共管的良好局面。",
    "针对老年群众和行动不便的群众，工作人员主动上门服务，帮助他们了解政策、办理业务，受到群众的一致好评。",
    "我们还组织开展了有奖知识问答活动，吸引了大批群众踊跃参与，现场气氛热烈，有效提升了群众的参与度和知晓率。",
    "活动中也发现了一些不足，如部分偏远村组覆盖不够、宣传形式还不够丰富，我们将在今后的工作中认真加以改进。",
    "总体来看，本次活动组织有力、形式多样、内容丰富、成效明显，达到了预期目的，进一步密切了党群干群关系。",
    "我们将以此次活动为契机，持续深化政务公开，推动更多政务信息及时准确公开，切实保障人民群众的知情权和监督权。",
];

/// The name of unit `i`: a town and an office; past the 240 combinations a
/// work-area number goes between them (so no name contains another).
pub fn unit_name(i: usize) -> String {
    let (place, office) = (
        PLACES[i % PLACES.len()],
        OFFICES[(i / PLACES.len()) % OFFICES.len()],
    );
    match i / (PLACES.len() * OFFICES.len()) {
        0 => format!("{place}{office}"),
        round => format!("{place}{}片区{office}", round + 1),
    }
}

/// The activity month of unit `i` (October or November 2026).
fn month(i: usize) -> u32 {
    10 + (i % 2) as u32
}

fn mix(seed: u64, a: u64, b: u64) -> u64 {
    let mut r = Rng::new(seed ^ a.wrapping_mul(0x1000_0001) ^ b.wrapping_mul(0x9E37_79B9));
    r.next_u64()
}

/// Summary paragraphs of about 1,500 characters.
fn paragraphs(unit: &str, theme: &str, date: &str, seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let mut out = vec![format!(
        "为深入贯彻落实政务公开工作要求，{unit}于{date}组织开展了“{theme}”主题活动，现将活动开展情况总结如下。"
    )];
    let mut chars = out[0].chars().count();
    while chars < 1500 {
        let para: String = (0..3)
            .map(|_| SENTENCES[rng.below(SENTENCES.len() as u64) as usize])
            .collect();
        chars += para.chars().count();
        out.push(para);
    }
    out
}

/// A phone photo: 4000×3000 (or 3000×4000 shown upright), 2–5 MB.
fn phone_photo(seed: u64, orientation: u16, taken: &str) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let (width, height) = if matches!(orientation, 6 | 8) {
        (3000, 4000)
    } else {
        (4000, 3000)
    };
    files::photo(
        seed,
        &PhotoSpec {
            width,
            height,
            orientation,
            taken: Some(taken.to_string()),
            quality: 90,
            grain: 5 + rng.below(6) as u8,
        },
    )
}

fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p)?;
    }
    std::fs::write(path, bytes)
}

/// The campaign.toml of a benchmark campaign.
fn campaign_toml(spec: &BenchSpec) -> String {
    format!(
        r#"# baosong 基准测试活动：{units}个单位，每单位{photos}张照片（baosong-generate bench 生成，种子 {seed}）
[campaign]
id = "bench-{units}x{photos}"
title = "2026年政务公开主题日活动（基准测试）"
office = "泸溪县行政审批服务局"
timezone = "Asia/Shanghai"
year = 2026

[office]
contact = "彭新月"
phone = "0743-4260567"
email = "office@example.gov.cn"

[paths]
inbox = "inbox"
output = "out"
state = "state"
schedule = "活动安排表.xlsx"

[intake]
settle_seconds = 0

[[deliverables]]
id = "summary"
name = "活动总结"
accept = ["document", "pdf"]
keywords = ["总结"]
min_count = 1
deadline = {{ workdays_after_activity = 5, time = "24:00" }}

[[deliverables]]
id = "photos"
name = "活动照片"
accept = ["photo"]
min_count = 3
deadline = {{ workdays_after_activity = 5, time = "24:00" }}

[[deliverables]]
id = "schedule"
name = "活动安排"
accept = ["spreadsheet"]
min_count = 1
deadline = {{ workdays_after_activity = 5, time = "24:00" }}

# 没有 [mail.smtp]：邮件写成 out/<id>/outbox/ 下的 .eml 文件。
[mail]
from = "office@example.gov.cn"
from_name = "泸溪县行政审批服务局"
office = ["office@example.gov.cn"]
leaders = ["leader@example.gov.cn"]
rate_per_minute = 60000
max_per_batch = 100000
"#,
        units = spec.units,
        photos = spec.photos,
        seed = spec.seed,
    )
}

/// Writes a benchmark campaign into `dir`.
pub fn write_bench(dir: &Path, spec: &BenchSpec) -> std::io::Result<()> {
    write(&dir.join("campaign.toml"), campaign_toml(spec).as_bytes())?;
    let rows: Vec<Vec<String>> = (0..spec.units)
        .map(|i| {
            vec![
                (i + 1).to_string(),
                unit_name(i),
                THEMES[i % THEMES.len()].to_string(),
                format!("{}月", month(i)),
                format!("unit{:04}@example.gov.cn", i + 1),
            ]
        })
        .collect();
    write(
        &dir.join("活动安排表.xlsx"),
        &files::sheet_xlsx(
            "活动安排表",
            Some("2026年政务公开主题日活动安排表"),
            &["序号", "单位", "活动主题", "开展时间", "邮箱"],
            &rows,
        ),
    )?;
    let inbox = dir.join("inbox");
    let taken = |i: usize| format!("2026:{:02}:{:02} 09:30:00", month(i), 10 + i % 15);
    (0..spec.units).into_par_iter().try_for_each(|i| {
        let unit = unit_name(i);
        let theme = THEMES[i % THEMES.len()];
        let folder = inbox.join(&unit);
        let date = format!("2026年{}月{}日", month(i), 10 + i % 15);
        let pasted: Vec<(Vec<u8>, u32, u32)> = (0..2)
            .map(|p| {
                let pasted = PhotoSpec {
                    width: 1280,
                    height: 960,
                    orientation: 1,
                    taken: None,
                    quality: 80,
                    grain: 6,
                };
                let seed = mix(spec.seed ^ 0xD0C, i as u64, p);
                (files::photo(seed, &pasted), 1280, 960)
            })
            .collect();
        write(
            &folder.join(format!("{theme}活动总结.docx")),
            &files::summary_docx(
                &format!("{unit}“{theme}”活动总结"),
                &paragraphs(&unit, theme, &date, mix(spec.seed, i as u64, 0)),
                &pasted,
            ),
        )?;
        let plan: Vec<Vec<String>> = ["08:30", "09:00", "10:30", "11:30"]
            .iter()
            .zip(["集合签到", "政策宣讲", "咨询答疑", "活动总结"])
            .map(|(t, what)| vec![format!("{date} {t}"), what.to_string(), unit.clone()])
            .collect();
        write(
            &folder.join(format!("{theme}活动安排.xlsx")),
            &files::sheet_xlsx("活动安排", None, &["时间", "内容", "负责单位"], &plan),
        )
    })?;
    (0..spec.units * spec.photos)
        .into_par_iter()
        .try_for_each(|n| {
            let (i, p) = (n / spec.photos, n % spec.photos);
            let seed = mix(spec.seed, i as u64, p as u64 + 1);
            let orientation = match seed % 10 {
                0 => 6,
                1 => 8,
                _ => 1,
            };
            write(
                &inbox.join(unit_name(i)).join(format!(
                    "IMG_2026{:02}{:02}_{:04}.jpg",
                    month(i),
                    10 + i % 15,
                    p + 1
                )),
                &phone_photo(seed, orientation, &taken(i)),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_names_are_distinct_and_none_contains_another() {
        let names: Vec<String> = (0..600).map(unit_name).collect();
        for (a, x) in names.iter().enumerate() {
            for (b, y) in names.iter().enumerate() {
                assert!(a == b || !y.contains(x.as_str()), "{x} in {y}");
            }
        }
    }

    #[test]
    fn summaries_are_about_1500_characters() {
        let n: usize = paragraphs("白沙镇财政所", "法治宣传进万家", "2026年10月10日", 1)
            .iter()
            .map(|p| p.chars().count())
            .sum();
        assert!((1500..1800).contains(&n), "{n}");
    }
}
