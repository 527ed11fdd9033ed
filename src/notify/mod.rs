//! Stage 7, notify: receipts (回执), reminders (催报), the report mail
//! (报送情况) and the office digest (工作摘要), each queued exactly once in
//! a durable outbox and then delivered by SMTP or written as .eml files.
//!
//! ```text
//! assessment ─► policy (pure: who, why, event key) ─► templates (text)
//!            ─► message (RFC 5322 bytes) ─► outbox (queued, same transaction
//!               as the batch) ─► transport (SMTP / .eml) ─► outbox (sent)
//! ```
//!
//! How the batch uses it:
//!
//! ```text
//! startup:  Templates::load(campaign/templates)?      // a missing variable fails here
//!           let notifier = Notifier { .. };
//! plan:     let inputs = plan::plan(&campaign, &assessment, &report, ..);   // pure
//! batch tx: ledger.commit_batch(.., |l| notifier.queue(l, &inputs, clock), ..)?
//!           (one message per unit: a receipt, a reminder, or a receipt that
//!           also chases; then the report mail, the digest last)
//! deliver:  (unless --no-send) let mut t = transport::from_config(&cfg, &outbox_dir, Some(dir))?;
//!           let report = outbox::deliver_pending(&ledger, t.as_mut(), &cfg.limits(), clock)?;
//! ```

pub mod message;
pub mod outbox;
pub mod plan;
pub mod policy;
pub mod templates;
#[cfg(test)]
pub(crate) mod test_support;
pub mod transport;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use thiserror::Error;

use crate::campaign::calendar::Calendar;
use crate::campaign::mail_config::{NotifyConfig, ReminderPolicy, ReportMailPolicy};
use crate::ledger::{Ledger, LedgerError, Queued, ReminderItem};
use message::{Message, MessageError, Sender};
use policy::{
    DigestInput, Escalation, Letterhead, NoReminder, Planned, ReceiptInput, ReminderInput,
    ReminderPlan, ReportInput, ReportsQueued,
};
use templates::{TemplateError, Templates};

/// A notify-stage failure (the batch stops; nothing half-queued survives
/// because the caller's transaction is not committed).
#[derive(Debug, Error)]
pub enum NotifyError {
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Message(#[from] MessageError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// Everything the notify stage needs from the campaign, built once.
#[derive(Debug)]
pub struct Notifier {
    pub sender: Sender,
    pub templates: Templates,
    /// Campaign title, e.g. 2025年泸溪县"政务公开主题日"活动.
    pub campaign: String,
    /// The organising office's name.
    pub office: String,
    /// The office's phone for the signature ("" if none).
    pub office_phone: String,
    /// The `[office] contact` who signs the messages.
    pub office_contact: String,
    pub escalation: Escalation,
    pub reminders: ReminderPolicy,
    pub report_mail: ReportMailPolicy,
    pub calendar: Calendar,
}

impl Notifier {
    /// Builds the notifier from the `[mail]` section (sender, office and
    /// leadership addresses). `reminders`, `report_mail` and `office_phone`
    /// start at their defaults; set them from `[reminders]`, `[report_mail]`
    /// and the campaign's office contact.
    pub fn new(
        cfg: &NotifyConfig,
        campaign_id: &str,
        campaign: &str,
        office: &str,
        templates: Templates,
        calendar: Calendar,
    ) -> Notifier {
        Notifier {
            sender: Sender {
                from: cfg.from_mailbox(),
                reply_to: cfg.reply_to_mailbox(),
                campaign_id: campaign_id.to_string(),
            },
            templates,
            campaign: campaign.to_string(),
            office: office.to_string(),
            office_phone: String::new(),
            office_contact: String::new(),
            escalation: Escalation {
                office: cfg.office.iter().map(|a| a.0.clone()).collect(),
                leaders: cfg.leaders.iter().map(|a| a.0.clone()).collect(),
            },
            reminders: ReminderPolicy::default(),
            report_mail: ReportMailPolicy::default(),
            calendar,
        }
    }

    /// The fields every template sees, at the batch clock.
    pub fn letterhead(&self, clock: DateTime<FixedOffset>) -> Letterhead {
        Letterhead {
            campaign: self.campaign.clone(),
            office: self.office.clone(),
            office_contact: self.office_contact.clone(),
            office_phone: self.office_phone.clone(),
            generated_at: display_time(clock),
        }
    }

    /// Queues every message of a batch's [`plan::Inputs`], inside the
    /// batch's transaction: per unit its one message, then the report
    /// mail, then the digest listing them. Returns how many are new.
    pub fn queue(
        &self,
        ledger: &Ledger,
        inputs: &plan::Inputs,
        clock: DateTime<FixedOffset>,
    ) -> Result<usize, NotifyError> {
        let mut queued = 0;
        let mut count = |q: Option<Queued>| {
            if matches!(q, Some(Queued::New(_))) {
                queued += 1;
            }
        };
        for (receipt, reminder) in &inputs.units {
            count(self.queue_unit(ledger, receipt, reminder, clock)?);
        }
        if let Some(report) = &inputs.report {
            count(self.queue_report_mail(ledger, report, clock)?);
        }
        count(self.queue_digest(ledger, &inputs.digest, clock)?);
        Ok(queued)
    }

    /// Queues a unit's one message of this batch: its receipt when its
    /// files arrived (none without contacts), its reminder when one is due
    /// today, or, when both, the receipt that also chases. The obligations
    /// a reminder covers are recorded with whichever message carries it.
    pub fn queue_unit(
        &self,
        ledger: &Ledger,
        receipt: &ReceiptInput,
        reminder: &ReminderInput,
        clock: DateTime<FixedOffset>,
    ) -> Result<Option<Queued>, NotifyError> {
        let chase = self.plan_reminder(ledger, reminder, clock)?.ok();
        let receipt_plan = policy::plan_receipt(receipt, &self.letterhead(clock));
        let (queued, carrier, triggers) = match (receipt_plan, chase) {
            (None, None) => return Ok(None),
            (Some(r), None) => {
                return self
                    .queue_planned(ledger, r, clock, receipt.thread.clone())
                    .map(Some);
            }
            (None, Some(c)) => {
                let key = c.planned.event_key.clone();
                (
                    self.queue_planned(ledger, c.planned, clock, None)?,
                    key,
                    c.triggers,
                )
            }
            (Some(r), Some(c)) => {
                let key = r.event_key.clone();
                let both = policy::with_reminder(r, c.planned);
                let queued = self.queue_planned(ledger, both, clock, receipt.thread.clone())?;
                (queued, key, c.triggers)
            }
        };
        if let Queued::New(_) = queued {
            let items: Vec<ReminderItem> = triggers
                .into_iter()
                .map(|(activity_id, deliverable, stage)| ReminderItem {
                    activity_id,
                    deliverable,
                    stage,
                })
                .collect();
            ledger.record_reminder_items(&carrier, &reminder.unit, &items)?;
        }
        Ok(Some(queued))
    }

    /// The unit's reminder for today, or why there is none. Past reminders
    /// are read from the outbox (expired ones first dropped).
    fn plan_reminder(
        &self,
        ledger: &Ledger,
        input: &ReminderInput,
        clock: DateTime<FixedOffset>,
    ) -> Result<Result<ReminderPlan, NoReminder>, NotifyError> {
        ledger.expire_messages(clock)?;
        let history: Vec<(String, String, String)> = ledger
            .reminder_items(&input.unit)?
            .into_iter()
            .map(|i| (i.activity_id, i.deliverable, i.stage))
            .collect();
        Ok(policy::plan_reminders(
            &self.reminders,
            &self.calendar,
            clock,
            input,
            &history,
            // The sender already holds what it sends: an escalation
            // copies only other addresses.
            &self.escalation.without(&self.sender.from),
            &self.letterhead(clock),
        ))
    }

    /// Queues the report mail if one is due today (one a day at most).
    pub fn queue_report_mail(
        &self,
        ledger: &Ledger,
        input: &ReportInput,
        clock: DateTime<FixedOffset>,
    ) -> Result<Option<Queued>, NotifyError> {
        let queued = ReportsQueued {
            complete: ledger.event_id("report:complete")?.is_some(),
            today: ledger.report_queued_on(clock.date_naive())?,
        };
        policy::plan_report_mail(
            &self.report_mail,
            clock,
            input,
            &self.escalation.leaders,
            queued,
            &self.letterhead(clock),
        )
        .map(|p| self.queue_planned(ledger, p, clock, None))
        .transpose()
    }

    /// Queues the office digest of this batch; call it after the other
    /// messages, it lists what they queued, past delivery problems and the
    /// messages still being retried.
    pub fn queue_digest(
        &self,
        ledger: &Ledger,
        input: &DigestInput,
        clock: DateTime<FixedOffset>,
    ) -> Result<Option<Queued>, NotifyError> {
        if ledger
            .event_id(&format!("digest:{}", input.batch_id))?
            .is_some()
            || self.escalation.office.is_empty()
        {
            return Ok(None);
        }
        let queued = ledger.queued_summary(clock)?;
        let lines = |entries: Vec<crate::ledger::OutboxEntry>| -> Vec<String> {
            entries.iter().map(ToString::to_string).collect()
        };
        let problems = lines(ledger.take_unreported_problems()?);
        let retrying = lines(ledger.retrying()?);
        policy::plan_digest(
            input,
            &self.escalation.office,
            queued,
            problems,
            retrying,
            &self.letterhead(clock),
        )
        .map(|p| self.queue_planned(ledger, p, clock, None))
        .transpose()
    }

    fn queue_planned<C: Serialize>(
        &self,
        ledger: &Ledger,
        planned: Planned<C>,
        clock: DateTime<FixedOffset>,
        in_reply_to: Option<message::Thread>,
    ) -> Result<Queued, NotifyError> {
        if let Some(id) = ledger.event_id(&planned.event_key)? {
            return Ok(Queued::AlreadyQueued(id));
        }
        let text = self.templates.render(planned.kind, &planned.context)?;
        let msg = Message {
            kind: planned.kind,
            event_key: planned.event_key,
            unit: planned.unit,
            to: planned.to,
            cc: planned.cc,
            subject: text.subject,
            text_body: text.body,
            html_body: None,
            attachments: planned.attachments,
            expires_at: planned.expires_at,
            in_reply_to,
        };
        outbox::queue(ledger, &self.sender, &msg, clock)
    }
}

pub use crate::fmt::display_time;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::State;
    use crate::notify::test_support::at;
    use policy::Obligation;

    fn notifier() -> Notifier {
        let cfg: NotifyConfig = toml::from_str(
            "from = \"gongkai@luxi.example.gov.cn\"\nfrom_name = \"泸溪县行政审批服务局\"\noffice = [\"office@luxi.example.gov.cn\"]\nleaders = [\"leader@luxi.example.gov.cn\"]\n",
        )
        .unwrap();
        Notifier::new(
            &cfg,
            "luxi-2025",
            "2025年泸溪县“政务公开主题日”活动",
            "泸溪县行政审批服务局",
            Templates::builtin().unwrap(),
            Calendar::builtin(),
        )
    }

    fn overdue_unit() -> ReminderInput {
        ReminderInput {
            unit: "县民政局".into(),
            contacts: vec!["a@minzheng.example.gov.cn".parse().unwrap()],
            obligations: vec![Obligation {
                activity_id: "7".into(),
                activity: "政务公开进社区".into(),
                deliverable: "活动总结".into(),
                state: State::Overdue,
                due: at("2025-05-06T16:00:00+08:00"),
                due_display: "2025年5月6日16时前（北京时间）".into(),
                detail: "尚未报送".into(),
            }],
            maybe_sent: false,
        }
    }

    /// The unit's receipt input for a night on which nothing arrived.
    fn no_files() -> ReceiptInput {
        ReceiptInput {
            unit: "县民政局".into(),
            contacts: overdue_unit().contacts,
            batch_id: "20250513-2000".into(),
            files: vec![],
            items: vec![],
            still_missing: vec![],
            thread: None,
        }
    }

    #[test]
    fn a_unit_that_sends_files_on_a_reminder_night_gets_one_message_that_says_both() {
        let n = notifier();
        let conn = Ledger::in_memory().unwrap();
        let mut receipt = no_files();
        receipt.files = policy::ReceiptContext::sample()
            .files
            .into_iter()
            .map(|f| f.file)
            .collect();
        // 13 May: five working days past 6 May, so office and leaders are
        // copied.
        let now = at("2025-05-13T20:00:00+08:00");
        let tx = conn.begin().unwrap();
        let q = n.queue_unit(&conn, &receipt, &overdue_unit(), now).unwrap();
        tx.commit().unwrap();
        assert_eq!(q, Some(Queued::New(1)));
        let all = conn.outbox_list(true).unwrap();
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!(
            conn.event_id("receipt:县民政局:20250513-2000").unwrap(),
            Some(1)
        );
        let raw = conn.message_bytes(1).unwrap().unwrap();
        let parsed = mail_parser::MessageParser::default().parse(&raw).unwrap();
        let subject = parsed.subject().unwrap();
        assert!(subject.starts_with("【回执并催报】县民政局"), "{subject}");
        let cc: Vec<_> = parsed
            .cc()
            .unwrap()
            .iter()
            .filter_map(|a| a.address())
            .collect();
        assert_eq!(
            cc,
            ["office@luxi.example.gov.cn", "leader@luxi.example.gov.cn"]
        );
        let body = parsed.body_text(0).unwrap();
        assert!(body.contains("本通知已抄送办公室及分管领导"), "{body}");
        // The stage it chased is recorded with the receipt: a later batch
        // the same night sends no reminder on top.
        let tx = conn.begin().unwrap();
        let again = n
            .queue_unit(
                &conn,
                &no_files(),
                &overdue_unit(),
                at("2025-05-13T22:00:00+08:00"),
            )
            .unwrap();
        tx.commit().unwrap();
        assert_eq!(again, None);
    }

    #[test]
    fn reminders_are_idempotent_and_an_expired_one_is_decided_again() {
        let n = notifier();
        let conn = Ledger::in_memory().unwrap();
        let night = |conn: &Ledger, now: &str| {
            let tx = conn.begin().unwrap();
            let r = n
                .queue_unit(conn, &no_files(), &overdue_unit(), at(now))
                .unwrap();
            tx.commit().unwrap();
            r
        };
        assert!(matches!(
            night(&conn, "2025-05-07T20:00:00+08:00"),
            Some(Queued::New(1))
        ));
        // Re-run the same night: the stage is recorded, nothing new.
        assert_eq!(night(&conn, "2025-05-07T21:00:00+08:00"), None);
        // Never delivered (server down); next night it has expired and the
        // stage is due again, in a fresh mail.
        assert!(matches!(
            night(&conn, "2025-05-08T20:00:00+08:00"),
            Some(Queued::New(2))
        ));
        let all = conn.outbox_list(true).unwrap();
        assert_eq!(all[0].status, crate::ledger::OutboxStatus::Dropped);
        assert_eq!(all[1].status, crate::ledger::OutboxStatus::Queued);
        // The digest reports the expired one and what this batch queued.
        let tx = conn.begin().unwrap();
        let input = DigestInput {
            batch_id: "20250508-2000".into(),
            ..DigestInput::default()
        };
        let clock = at("2025-05-08T20:00:00+08:00");
        assert!(matches!(
            n.queue_digest(&conn, &input, clock).unwrap(),
            Some(Queued::New(3))
        ));
        assert_eq!(n.queue_digest(&conn, &input, clock).unwrap(), None);
        tx.commit().unwrap();
        let digest = conn.message_bytes(3).unwrap().unwrap();
        let parsed = mail_parser::MessageParser::default()
            .parse(&digest)
            .unwrap();
        let body = parsed.body_text(0).unwrap();
        assert!(body.contains("催报 1 封"), "{body}");
        assert!(body.contains("已过期"), "{body}");
        assert_eq!(
            parsed.to().unwrap().first().unwrap().address(),
            Some("office@luxi.example.gov.cn")
        );
    }

    #[test]
    fn leaders_get_one_report_mail_a_day() {
        let n = notifier();
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("报送情况汇总.pdf");
        std::fs::write(&pdf, b"%PDF-1.7 test").unwrap();
        let input = |all_complete: bool| ReportInput {
            counts: vec![],
            units: 2,
            activities: 2,
            as_of: "截至2025年5月12日20时".into(),
            deadline_dates: vec![],
            all_complete,
            pdf: policy::ReportFile {
                path: pdf.clone(),
                bytes: 13,
            },
            docx: None,
            xlsx: None,
        };
        let night = |conn: &Ledger, now: &str, complete: bool| {
            let tx = conn.begin().unwrap();
            let q = n
                .queue_report_mail(conn, &input(complete), at(now))
                .unwrap();
            tx.commit().unwrap();
            q
        };
        let outbox = || Ledger::in_memory().unwrap();
        // Monday 12 May: everyone complete, the "complete" mail goes out; a
        // re-run that evening sends no weekly one on top.
        let conn = outbox();
        let complete = night(&conn, "2025-05-12T20:00:00+08:00", true);
        assert_eq!(complete, Some(Queued::New(1)));
        assert_eq!(night(&conn, "2025-05-12T22:00:00+08:00", true), None);
        // Monday 19 May: the weekly one in the morning; the last unit
        // completes by the evening: its mail waits for Tuesday.
        let conn = outbox();
        let weekly = night(&conn, "2025-05-19T08:00:00+08:00", false);
        assert_eq!(weekly, Some(Queued::New(1)));
        assert_eq!(night(&conn, "2025-05-19T20:00:00+08:00", true), None);
        let tuesday = night(&conn, "2025-05-20T20:00:00+08:00", true);
        assert_eq!(tuesday, Some(Queued::New(2)));
        assert_eq!(conn.event_id("report:complete").unwrap(), Some(2));
    }

    #[test]
    fn display_time_names_the_zone() {
        assert_eq!(
            display_time(at("2025-05-06T20:05:00+08:00")),
            "2025年5月6日 20:05（北京时间）"
        );
        assert_eq!(
            display_time(at("2025-05-06T20:05:00+00:00")),
            "2025年5月6日 20:05（UTC+00:00）"
        );
    }
}
