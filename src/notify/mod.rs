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
//!           outbox::ensure_schema(&conn)?             // from the ledger's migrations
//!           let notifier = Notifier { .. };
//! batch tx: notifier.queue_receipt(&tx, &input, clock)?      per unit with new files
//!           notifier.queue_reminder(&tx, &input, clock)?     per unit
//!           notifier.queue_report_mail(&tx, &input, clock)?
//!           notifier.queue_digest(&tx, &input, clock)?       last
//!           tx.commit()?
//! deliver:  (unless --no-send) let mut t = transport::from_config(&cfg, &outbox_dir, Some(dir))?;
//!           let report = outbox::deliver_pending(&conn, t.as_mut(), &cfg.limits(), clock)?;
//! ```

pub mod config;
pub mod message;
pub mod outbox;
pub mod policy;
pub mod templates;
pub mod transport;

use chrono::{DateTime, FixedOffset};
use rusqlite::Transaction;
use serde::Serialize;
use thiserror::Error;

use crate::campaign::calendar::Calendar;
use config::{NotifyConfig, ReminderPolicy, ReportMailPolicy};
use message::{Message, Sender};
use outbox::{OutboxError, Queued};
use policy::{
    DigestInput, Escalation, Letterhead, NoReminder, Planned, ReceiptInput, ReminderInput,
    ReportInput, ReportsQueued,
};
use templates::{TemplateError, Templates};

/// A notify-stage failure (the batch stops; nothing half-queued survives
/// because the caller's transaction is not committed).
#[derive(Debug, Error)]
pub enum NotifyError {
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Outbox(#[from] OutboxError),
}

impl From<rusqlite::Error> for NotifyError {
    fn from(e: rusqlite::Error) -> Self {
        NotifyError::Outbox(OutboxError::Sql(e))
    }
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

    /// Queues the unit's receipt for this batch (none without files or
    /// contacts).
    pub fn queue_receipt(
        &self,
        tx: &Transaction<'_>,
        input: &ReceiptInput,
        clock: DateTime<FixedOffset>,
    ) -> Result<Option<Queued>, NotifyError> {
        policy::plan_receipt(input, &self.letterhead(clock))
            .map(|p| self.queue_planned(tx, p, clock, input.thread.clone()))
            .transpose()
    }

    /// Queues the unit's reminder for today, or says why there is none.
    /// Past reminders are read from the outbox (expired ones first dropped).
    pub fn queue_reminder(
        &self,
        tx: &Transaction<'_>,
        input: &ReminderInput,
        clock: DateTime<FixedOffset>,
    ) -> Result<Result<Queued, NoReminder>, NotifyError> {
        outbox::expire(tx, clock)?;
        let history = outbox::reminder_items(tx, &input.unit)?;
        let plan = match policy::plan_reminders(
            &self.reminders,
            &self.calendar,
            clock,
            input,
            &history,
            // The sender already holds what it sends: an escalation
            // copies only other addresses.
            &self.escalation.without(&self.sender.from),
            &self.letterhead(clock),
        ) {
            Ok(plan) => plan,
            Err(why) => return Ok(Err(why)),
        };
        let event_key = plan.planned.event_key.clone();
        let queued = self.queue_planned(tx, plan.planned, clock, None)?;
        if let Queued::New(_) = queued {
            outbox::record_reminder_items(tx, &event_key, &input.unit, &plan.triggers)?;
        }
        Ok(Ok(queued))
    }

    /// Queues the report mail if one is due today (one a day at most).
    pub fn queue_report_mail(
        &self,
        tx: &Transaction<'_>,
        input: &ReportInput,
        clock: DateTime<FixedOffset>,
    ) -> Result<Option<Queued>, NotifyError> {
        let queued = ReportsQueued {
            complete: outbox::event_id(tx, "report:complete")?.is_some(),
            today: outbox::report_queued_on(tx, clock.date_naive())?,
        };
        policy::plan_report_mail(
            &self.report_mail,
            clock,
            input,
            &self.escalation.leaders,
            queued,
            &self.letterhead(clock),
        )
        .map(|p| self.queue_planned(tx, p, clock, None))
        .transpose()
    }

    /// Queues the office digest of this batch; call it after the other
    /// messages, it lists what they queued, past delivery problems and the
    /// messages still being retried.
    pub fn queue_digest(
        &self,
        tx: &Transaction<'_>,
        input: &DigestInput,
        clock: DateTime<FixedOffset>,
    ) -> Result<Option<Queued>, NotifyError> {
        if outbox::event_id(tx, &format!("digest:{}", input.batch_id))?.is_some()
            || self.escalation.office.is_empty()
        {
            return Ok(None);
        }
        let queued = outbox::queued_summary(tx, clock)?;
        let lines = |entries: Vec<outbox::OutboxEntry>| -> Vec<String> {
            entries.iter().map(ToString::to_string).collect()
        };
        let problems = lines(outbox::take_unreported_problems(tx)?);
        let retrying = lines(outbox::retrying(tx)?);
        policy::plan_digest(
            input,
            &self.escalation.office,
            queued,
            problems,
            retrying,
            &self.letterhead(clock),
        )
        .map(|p| self.queue_planned(tx, p, clock, None))
        .transpose()
    }

    fn queue_planned<C: Serialize>(
        &self,
        tx: &Transaction<'_>,
        planned: Planned<C>,
        clock: DateTime<FixedOffset>,
        in_reply_to: Option<message::Thread>,
    ) -> Result<Queued, NotifyError> {
        if let Some(id) = outbox::event_id(tx, &planned.event_key)? {
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
        Ok(outbox::queue(tx, &self.sender, &msg, clock)?)
    }
}

/// `2025年5月6日 20:00（北京时间）`; other offsets are written out.
pub fn display_time(t: DateTime<FixedOffset>) -> String {
    let zone = if t.offset().local_minus_utc() == 8 * 3600 {
        "北京时间".to_string()
    } else {
        format!("UTC{}", t.format("%:z"))
    };
    format!("{}（{zone}）", t.format("%Y年%-m月%-d日 %H:%M"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::State;
    use policy::Obligation;
    use rusqlite::Connection;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

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
        }
    }

    #[test]
    fn reminders_are_idempotent_and_an_expired_one_is_decided_again() {
        let n = notifier();
        let mut conn = Connection::open_in_memory().unwrap();
        outbox::ensure_schema(&conn).unwrap();
        let night = |conn: &mut Connection, now: &str| {
            let tx = conn.transaction().unwrap();
            let r = n.queue_reminder(&tx, &overdue_unit(), at(now)).unwrap();
            tx.commit().unwrap();
            r
        };
        assert!(matches!(
            night(&mut conn, "2025-05-07T20:00:00+08:00"),
            Ok(Queued::New(1))
        ));
        // Re-run the same night: the stage is recorded, nothing new.
        assert_eq!(
            night(&mut conn, "2025-05-07T21:00:00+08:00"),
            Err(NoReminder::NothingDue)
        );
        // Never delivered (server down); next night it has expired and the
        // stage is due again, in a fresh mail.
        assert!(matches!(
            night(&mut conn, "2025-05-08T20:00:00+08:00"),
            Ok(Queued::New(2))
        ));
        let all = outbox::list(&conn, true).unwrap();
        assert_eq!(all[0].status, "dropped");
        assert_eq!(all[1].status, "queued");
        // The digest reports the expired one and what this batch queued.
        let tx = conn.transaction().unwrap();
        let input = DigestInput {
            batch_id: "20250508-2000".into(),
            ..DigestInput::default()
        };
        let clock = at("2025-05-08T20:00:00+08:00");
        assert!(matches!(
            n.queue_digest(&tx, &input, clock).unwrap(),
            Some(Queued::New(3))
        ));
        assert_eq!(n.queue_digest(&tx, &input, clock).unwrap(), None);
        tx.commit().unwrap();
        let digest: Vec<u8> = conn
            .query_row("SELECT message FROM notify_outbox WHERE id = 3", [], |r| {
                r.get(0)
            })
            .unwrap();
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
        let night = |conn: &mut Connection, now: &str, complete: bool| {
            let tx = conn.transaction().unwrap();
            let q = n.queue_report_mail(&tx, &input(complete), at(now)).unwrap();
            tx.commit().unwrap();
            q
        };
        let outbox = || {
            let conn = Connection::open_in_memory().unwrap();
            outbox::ensure_schema(&conn).unwrap();
            conn
        };
        // Monday 12 May: everyone complete, the "complete" mail goes out; a
        // re-run that evening sends no weekly one on top.
        let mut conn = outbox();
        let complete = night(&mut conn, "2025-05-12T20:00:00+08:00", true);
        assert_eq!(complete, Some(Queued::New(1)));
        assert_eq!(night(&mut conn, "2025-05-12T22:00:00+08:00", true), None);
        // Monday 19 May: the weekly one in the morning; the last unit
        // completes by the evening: its mail waits for Tuesday.
        let mut conn = outbox();
        let weekly = night(&mut conn, "2025-05-19T08:00:00+08:00", false);
        assert_eq!(weekly, Some(Queued::New(1)));
        assert_eq!(night(&mut conn, "2025-05-19T20:00:00+08:00", true), None);
        let tuesday = night(&mut conn, "2025-05-20T20:00:00+08:00", true);
        assert_eq!(tuesday, Some(Queued::New(2)));
        assert_eq!(outbox::event_id(&conn, "report:complete").unwrap(), Some(2));
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
