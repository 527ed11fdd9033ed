//! The machine's clock, checked before a batch judges by it. Without
//! `--now` or campaign.toml's `clock`, every state, every "逾期N个工作日"
//! and every reminder rests on the system time; one that went back (a
//! dead CMOS battery: 2001) or far ahead (2099) would mark every unit late
//! or nothing received. The batch stops instead, naming both times and the
//! key that lets it go on.

use chrono::{DateTime, Duration, FixedOffset, NaiveTime, Utc};

use crate::campaign::Campaign;
use crate::campaign::deadline;
use crate::fmt::{format_long_date, format_time};

/// How far back a clock may step (NTP corrections) before it is taken
/// for a wrong one.
const STEP_BACK: Duration = Duration::minutes(1);

/// A system time the batch does not believe.
#[derive(Debug, thiserror::Error)]
pub enum ClockError {
    #[error(
        "系统时间{now}早于本活动上一次批处理开始的时间{last}，系统时钟可能被调回或出错，批处理已停止。\
         请先校准系统时间；如确需按某一时刻评估，运行时用 --now 指定（或在 campaign.toml 的 [campaign] 中设置 clock）"
    )]
    BeforeLastBatch { now: String, last: String },
    #[error(
        "系统时间{now}比本活动第一项活动或截止时间（{first}）早{lead_days}天以上，系统时钟可能出错，批处理已停止。\
         请先校准系统时间；如时间无误，请在 campaign.toml 的 [system_clock] 中调大 lead_days（现为{lead_days}）；\
         或运行时用 --now 指定评估时刻"
    )]
    BeforeCampaign {
        now: String,
        first: String,
        lead_days: u32,
    },
    #[error(
        "系统时间{now}比本活动最后截止时间（{last}）晚{margin_days}天以上，系统时钟可能出错，批处理已停止。\
         请先校准系统时间；如时间无误（活动早已结束仍在运行），请在 campaign.toml 的 [system_clock] 中调大 margin_days（现为{margin_days}）；\
         或运行时用 --now 指定评估时刻"
    )]
    AfterCampaign {
        now: String,
        last: String,
        margin_days: u32,
    },
}

/// Checks the system time `now` against the last batch judged by the
/// system clock (the ledger's `last_batch`), and against the campaign's
/// dates widened by `[system_clock]`. Only for batches that judge by the
/// system clock.
pub(super) fn check(
    campaign: &Campaign,
    last_batch: Option<DateTime<FixedOffset>>,
    now: DateTime<Utc>,
) -> Result<(), ClockError> {
    let local = |t: DateTime<Utc>| format_time(t.with_timezone(&campaign.tz));
    if let Some(last) = last_batch
        && now < last.with_timezone(&Utc) - STEP_BACK
    {
        return Err(ClockError::BeforeLastBatch {
            now: local(now),
            last: local(last.with_timezone(&Utc)),
        });
    }
    let limits = &campaign.file.system_clock;
    let (first, last) = span(campaign);
    if let Some(first) = first
        && now < first.with_timezone(&Utc) - Duration::days(i64::from(limits.lead_days))
    {
        return Err(ClockError::BeforeCampaign {
            now: local(now),
            first: start_text(first),
            lead_days: limits.lead_days,
        });
    }
    if let Some(last) = last
        && now > last.with_timezone(&Utc) + Duration::days(i64::from(limits.margin_days))
    {
        return Err(ClockError::AfterCampaign {
            now: local(now),
            last: format_time(last),
            margin_days: limits.margin_days,
        });
    }
    Ok(())
}

/// The campaign's first moment as people say it: an activity's day
/// ("2025年4月25日"), or a deadline's time.
fn start_text(t: DateTime<FixedOffset>) -> String {
    if t.time() == NaiveTime::MIN {
        format_long_date(t.date_naive())
    } else {
        format_time(t)
    }
}

/// The campaign's first date (its first activity's start or its first
/// deadline, whichever is earlier) and its last deadline, as the schedule
/// and campaign.toml give them.
fn span(campaign: &Campaign) -> (Option<DateTime<FixedOffset>>, Option<DateTime<FixedOffset>>) {
    let starts = campaign.activities.iter().filter_map(|a| {
        let day = a.time.as_ref()?.start.and_time(NaiveTime::MIN);
        Some(deadline::local(campaign.tz, day)?.fixed_offset())
    });
    let dues: Vec<DateTime<FixedOffset>> = campaign
        .deliverables
        .iter()
        .flat_map(|d| {
            campaign
                .activities
                .iter()
                .filter(|a| d.reaches(a))
                .filter_map(move |a| campaign.due(d, a, None))
        })
        .map(|due| due.at.fixed_offset())
        .collect();
    let first = starts.chain(dues.iter().copied()).min();
    (first, dues.into_iter().max())
}
