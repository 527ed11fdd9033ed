//! `baosong status`: the status the last batch left, read back from the
//! ledger with the mail's delivery state as it is now; as text, or as JSON
//! for other programs. Before the first batch the JSON is the campaign as
//! it stands with nothing received (every item pending), so a program
//! reading it never meets anything but a status document.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use super::exit;
use crate::campaign::Campaign;
use crate::intake::IntakeSummary;
use crate::ledger::{LEDGER_FILE, Ledger};
use crate::status::StatusDocument;

/// Prints the campaign's last status; returns the exit code.
pub fn run(campaign: &Path, json: bool) -> anyhow::Result<u8> {
    let campaign = Campaign::load(campaign)?;
    let state = campaign.state_dir();
    let last = if state.join(LEDGER_FILE).exists() {
        let ledger = Ledger::open(&state)?;
        match ledger.last_snapshot()? {
            Some(last) => {
                let mut status: StatusDocument =
                    serde_json::from_str(&last.snapshot).context("台账中的状态记录无法解析")?;
                status.delivery = ledger.delivery_state()?;
                Some(status)
            }
            None => None,
        }
    } else {
        None
    };
    let mut out = std::io::stdout().lock();
    match (last, json) {
        (Some(status), true) => write_json(&mut out, &status)?,
        (None, true) => write_json(&mut out, &nothing_received(&campaign))?,
        (Some(status), false) => {
            super::status::write(&mut out, &status)?;
            super::run::mail_trouble(&mut out, &status.delivery, None)?;
        }
        (None, false) => writeln!(
            out,
            "{}：还没有完成过批处理（{} 中没有记录）。\n\
             先运行 baosong run --dry-run 演练，确认无误后运行 baosong run。",
            campaign.file.campaign.title,
            state.display()
        )?,
    }
    Ok(exit::SUCCESS)
}

fn write_json(out: &mut impl Write, status: &StatusDocument) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, status)?;
    writeln!(out)
}

/// The status before any batch: batch 0 at the campaign's clock, nothing
/// received.
fn nothing_received(campaign: &Campaign) -> StatusDocument {
    let clock = campaign
        .fixed_clock()
        .unwrap_or_else(|| chrono::Utc::now().with_timezone(&campaign.tz))
        .fixed_offset();
    let assessment = crate::assess::assess(campaign, &[], &[], clock);
    let notices: crate::notice::Notices = crate::wording::notices::campaign_notices(campaign)
        .into_iter()
        .collect();
    crate::status::build(
        campaign,
        &assessment,
        &IntakeSummary::default(),
        0,
        &notices,
    )
}
