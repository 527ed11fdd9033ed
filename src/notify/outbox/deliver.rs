//! Delivery: queued messages handed to the transport, paced, each success
//! committed on its own right after the server accepted it, so a crash can
//! only cause a duplicate in the window between acceptance and that
//! commit, and the duplicate carries the same Message-ID. A connection lost
//! after the whole message was sent leaves it "maybe delivered": it is
//! tried once more at most, then held as `uncertain` for the office, so no
//! message reaches a server more than twice. Call it outside any open
//! transaction.

use std::fmt;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};

use crate::campaign::mail_config::DeliveryLimits;
use crate::ledger::{Ledger, LedgerError, OutboxEntry, OutboxStatus};
use crate::notify::transport::{Outgoing, SendError, Transport};

/// What one delivery run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeliveryReport {
    /// The transport's description.
    pub transport: String,
    /// Whether messages left the machine (SMTP) or were written as .eml
    /// files, which the summary must not call sent.
    pub leaves_machine: bool,
    pub sent: Vec<OutboxEntry>,
    /// Tried and not delivered this time, still queued for the next batch.
    pub retrying: Vec<OutboxEntry>,
    /// Given up (permanent refusal or last attempt): reported to the office.
    pub failed: Vec<OutboxEntry>,
    /// Maybe delivered, now held for the office to decide.
    pub uncertain: Vec<OutboxEntry>,
    /// Expired before they could be sent.
    pub expired: Vec<OutboxEntry>,
    /// Not tried because the server was unavailable (no attempt charged).
    pub untried: usize,
    /// Still queued because the per-batch cap was reached.
    pub held_over: usize,
    /// Why delivery stopped, when the server was unavailable.
    pub unavailable: Option<String>,
}

impl DeliveryReport {
    /// Whether some mail due in this run did not certainly go out.
    pub fn trouble(&self) -> bool {
        !self.retrying.is_empty()
            || !self.failed.is_empty()
            || !self.uncertain.is_empty()
            || self.unavailable.is_some()
    }
}

impl fmt::Display for DeliveryReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (verb, what) = if self.leaves_machine {
            ("发送", "")
        } else {
            ("写入", " .eml")
        };
        write!(
            f,
            "{verb}（{}）：已{verb} {} 封{what}，待重试 {} 封，失败 {} 封，",
            self.transport,
            self.sent.len(),
            self.retrying.len() + self.untried,
            self.failed.len(),
        )?;
        if !self.uncertain.is_empty() {
            write!(f, "待确认 {} 封，", self.uncertain.len())?;
        }
        write!(
            f,
            "过期 {} 封，超出本批上限留待下批 {} 封",
            self.expired.len(),
            self.held_over
        )?;
        if let Some(why) = &self.unavailable {
            write!(
                f,
                "\n  无法发送：{why}（{} 封未尝试，留待下一批，不计尝试次数）",
                self.untried
            )?;
        }
        for e in self
            .retrying
            .iter()
            .chain(&self.failed)
            .chain(&self.uncertain)
        {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

/// A server that times out on this many messages in a row is treated as
/// unavailable for the rest of the batch, so a stalled server costs the
/// night minutes, not one timeout per queued message.
const TIMEOUTS_IN_A_ROW: usize = 3;

/// Attempts that may have delivered a message before it is held for the
/// office: the first, and one retry.
const MAX_UNCONFIRMED: u32 = 2;

/// Delivers queued messages: expired ones are dropped first; then at most
/// `max_per_batch` (digest and report first, then oldest first), paced to
/// `rate_per_minute`. Each success is committed on its own at once.
///
/// A refusal concerns its message only: a permanent one (5xx) fails it at
/// once, a temporary one (4xx) or a connection lost during it costs one
/// attempt and the next batch retries, and the batch goes on with the next
/// message; after `max_attempts` a message is `failed`. A connection lost
/// after the whole message was sent may have delivered it: it is retried
/// once more at most, then held as `uncertain`. Only a server that cannot
/// be reached or refuses the login stops the batch, and then the messages
/// not tried keep their attempts (the reason is noted on them).
pub fn deliver_pending(
    ledger: &Ledger,
    transport: &mut dyn Transport,
    limits: &DeliveryLimits,
    clock: DateTime<FixedOffset>,
) -> Result<DeliveryReport, LedgerError> {
    let mut report = DeliveryReport {
        transport: transport.describe(),
        leaves_machine: transport.leaves_machine(),
        expired: ledger.expire_messages(clock)?,
        ..DeliveryReport::default()
    };
    let due = ledger.due_messages()?;
    let cap = limits.max_per_batch as usize;
    report.held_over = due.len().saturating_sub(cap);
    let due = &due[..due.len().min(cap)];
    if due.is_empty() {
        return Ok(report);
    }
    if let Err(e) = transport.check() {
        note_untried(ledger, due, &e.to_string(), &mut report)?;
        return Ok(report);
    }
    let interval = if report.leaves_machine {
        Duration::from_secs(60) / limits.rate_per_minute.max(1)
    } else {
        Duration::ZERO
    };
    let mut last_send: Option<Instant> = None;
    let mut timeouts = 0;
    for (i, &id) in due.iter().enumerate() {
        if let Some(last) = last_send {
            std::thread::sleep(interval.saturating_sub(last.elapsed()));
        }
        last_send = Some(Instant::now());
        let row = match ledger.outgoing(id)? {
            Ok(row) => row,
            Err(why) => {
                // Sent with guessed recipients it could reach the wrong
                // people: the office sees it among the failed ones.
                tracing::warn!("{why}");
                ledger.fail_message(id, &why)?;
                continue;
            }
        };
        let outgoing = Outgoing {
            kind: row.kind,
            unit: row.unit.as_deref(),
            created_at: row.created_at,
            message_id: &row.message_id,
            envelope_from: &row.envelope_from,
            recipients: &row.recipients,
            bytes: &row.bytes,
        };
        match transport.send(&outgoing) {
            Ok(via) => {
                let now = chrono::Local::now().fixed_offset();
                let status = if report.leaves_machine {
                    OutboxStatus::Sent
                } else {
                    OutboxStatus::Written
                };
                report
                    .sent
                    .extend(ledger.mark_delivered(id, status, &via, now)?);
                timeouts = 0;
            }
            Err(SendError::Unavailable(why)) => {
                note_untried(ledger, &due[i..], &why, &mut report)?;
                break;
            }
            Err(e) => {
                let timed_out = matches!(
                    e,
                    SendError::Broken {
                        timed_out: true,
                        ..
                    }
                );
                note_attempt(ledger, id, &e, limits, &mut report)?;
                timeouts = if timed_out { timeouts + 1 } else { 0 };
                if timeouts == TIMEOUTS_IN_A_ROW {
                    let why =
                        format!("服务器连续{TIMEOUTS_IN_A_ROW}封邮件超时未响应，本批停止发送");
                    note_untried(ledger, &due[i + 1..], &why, &mut report)?;
                    break;
                }
            }
        }
    }
    Ok(report)
}

/// Records one attempt at `id` that did not certainly deliver it, and
/// decides what happens next: retry, `failed`, or `uncertain`.
fn note_attempt(
    ledger: &Ledger,
    id: i64,
    error: &SendError,
    limits: &DeliveryLimits,
    report: &mut DeliveryReport,
) -> Result<(), LedgerError> {
    let (permanent, maybe_delivered) = match error {
        SendError::Rejected { permanent, .. } => (*permanent, false),
        SendError::Broken {
            maybe_delivered, ..
        } => (false, *maybe_delivered),
        SendError::Unavailable(_) => (false, false),
    };
    let tried = ledger.next_attempt(id, maybe_delivered)?;
    let give_up =
        permanent || tried.attempts >= limits.max_attempts || tried.unconfirmed >= MAX_UNCONFIRMED;
    // A message that may have arrived is never called failed: the office
    // decides whether to send it again.
    let status = match (give_up, tried.unconfirmed > 0) {
        (false, _) => OutboxStatus::Queued,
        (true, true) => OutboxStatus::Uncertain,
        (true, false) => OutboxStatus::Failed,
    };
    for entry in ledger.note_attempt(id, tried, status, &error.to_string())? {
        match status {
            OutboxStatus::Failed => report.failed.push(entry),
            OutboxStatus::Uncertain => report.uncertain.push(entry),
            _ => report.retrying.push(entry),
        }
    }
    Ok(())
}

/// Notes on messages not tried why (the server was unavailable), without
/// charging them an attempt.
fn note_untried(
    ledger: &Ledger,
    ids: &[i64],
    why: &str,
    report: &mut DeliveryReport,
) -> Result<(), LedgerError> {
    let note = format!("未能发送：{why}");
    for &id in ids {
        ledger.note_untried(id, &note)?;
    }
    report.untried += ids.len();
    report.unavailable = Some(why.to_string());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::outbox::OutboxAction;
    use crate::ledger::{DeliveryState, OutboxError, Queued};
    use crate::notify::message::{Kind, Message};
    use crate::notify::outbox::queue;
    use crate::notify::test_support::{at, msg, sender};

    /// A transport that answers from a script.
    struct Fake {
        check: Result<(), SendError>,
        answers: Vec<Result<String, SendError>>,
        sent: Vec<String>,
        /// Whether it stands for a server (else for a folder of .eml files).
        leaves_machine: bool,
    }

    impl Transport for Fake {
        fn describe(&self) -> String {
            "测试".into()
        }
        fn check(&mut self) -> Result<(), SendError> {
            self.check.clone()
        }
        fn leaves_machine(&self) -> bool {
            self.leaves_machine
        }
        fn send(&mut self, mail: &Outgoing<'_>) -> Result<String, SendError> {
            let answer = if self.answers.is_empty() {
                Ok("ok".to_string())
            } else {
                self.answers.remove(0)
            };
            if answer.is_ok() {
                self.sent.push(mail.message_id.to_string());
            }
            answer
        }
    }

    fn fake(check: Result<(), SendError>, answers: Vec<Result<String, SendError>>) -> Fake {
        Fake {
            check,
            answers,
            sent: vec![],
            leaves_machine: true,
        }
    }

    fn db() -> Ledger {
        Ledger::in_memory().unwrap()
    }

    fn queue_all(ledger: &Ledger, msgs: &[Message]) -> Vec<Queued> {
        let tx = ledger.begin().unwrap();
        let out = msgs
            .iter()
            .map(|m| queue(ledger, &sender(), m, at("2025-05-06T20:00:00+08:00")).unwrap())
            .collect();
        tx.commit().unwrap();
        out
    }

    const LIMITS: DeliveryLimits = DeliveryLimits {
        rate_per_minute: 60_000,
        max_per_batch: 100,
        max_attempts: 3,
    };

    fn now() -> DateTime<FixedOffset> {
        at("2025-05-06T20:10:00+08:00")
    }

    #[test]
    fn same_event_is_queued_once_even_across_runs() {
        let ledger = db();
        let first = queue_all(&ledger, &[msg(Kind::Receipt, "receipt:a:1")]);
        let again = queue_all(&ledger, &[msg(Kind::Receipt, "receipt:a:1")]);
        let Queued::New(id) = first[0] else { panic!() };
        assert_eq!(again, vec![Queued::AlreadyQueued(id)]);
        let mut t = fake(Ok(()), vec![]);
        let r = deliver_pending(&ledger, &mut t, &LIMITS, now()).unwrap();
        assert_eq!(r.sent.len(), 1);
        // After sending, a re-run still does not queue it again.
        assert_eq!(
            queue_all(&ledger, &[msg(Kind::Receipt, "receipt:a:1")]),
            vec![Queued::AlreadyQueued(id)]
        );
        let r = deliver_pending(&ledger, &mut t, &LIMITS, now()).unwrap();
        assert!(r.sent.is_empty());
        assert_eq!(t.sent.len(), 1);
    }

    #[test]
    fn a_message_only_written_to_a_file_is_not_called_sent() {
        let ledger = db();
        queue_all(&ledger, &[msg(Kind::Receipt, "a")]);
        let mut folder = fake(Ok(()), vec![Ok("/tmp/outbox/a.eml".into())]);
        folder.leaves_machine = false;
        let r = deliver_pending(&ledger, &mut folder, &LIMITS, now()).unwrap();
        queue_all(&ledger, &[msg(Kind::Receipt, "b")]);
        let mut server = fake(Ok(()), vec![Ok("SMTP 测试".into())]);
        let s = deliver_pending(&ledger, &mut server, &LIMITS, now()).unwrap();
        let labels: Vec<&str> = [&r.sent[0], &s.sent[0]]
            .iter()
            .map(|m| m.status.label())
            .collect();
        assert_eq!(labels, ["已写入（未发送）", "已发送"]);
        let listed = r.sent[0].to_string();
        assert!(listed.contains(" 已写入（未发送）（"), "{listed}");
        // Written ones can be sent again as a new message, as sent ones can.
        assert!(
            ledger
                .outbox_resend(r.sent[0].id, now(), |b, _, _| ("<x@y>".into(), b.to_vec()))
                .is_ok()
        );
    }

    #[test]
    fn a_rolled_back_event_queues_nothing() {
        let ledger = db();
        {
            let _tx = ledger.begin().unwrap();
            queue(&ledger, &sender(), &msg(Kind::Receipt, "k"), now()).unwrap();
            // dropped without commit: the batch crashed
        }
        assert!(ledger.outbox_list(true).unwrap().is_empty());
    }

    fn broken(maybe_delivered: bool, timed_out: bool) -> SendError {
        SendError::Broken {
            maybe_delivered,
            timed_out,
            reason: "服务器断开了连接".into(),
        }
    }

    #[test]
    fn an_unavailable_server_charges_no_attempt() {
        let ledger = db();
        queue_all(
            &ledger,
            &[msg(Kind::Receipt, "a"), msg(Kind::Reminder, "b")],
        );
        let down = || fake(Err(SendError::Unavailable("连接被拒绝".into())), vec![]);
        for night in 1..=LIMITS.max_attempts + 2 {
            let r = deliver_pending(&ledger, &mut down(), &LIMITS, now()).unwrap();
            assert_eq!((r.untried, r.retrying.len()), (2, 0), "night {night}");
            assert!(r.unavailable.as_deref().unwrap().contains("连接被拒绝"));
            assert!(r.trouble());
        }
        let pending = ledger.outbox_list(false).unwrap();
        assert!(
            pending
                .iter()
                .all(|e| e.status == OutboxStatus::Queued && e.attempts == 0)
        );
        assert_eq!(
            pending[0].last_error.as_deref(),
            Some("未能发送：连接被拒绝")
        );
        assert_eq!(ledger.delivery_state().unwrap().retrying.len(), 2);
        let mut up = fake(Ok(()), vec![]);
        let r = deliver_pending(&ledger, &mut up, &LIMITS, now()).unwrap();
        assert_eq!(r.sent.len(), 2);
        assert!(!r.trouble());
        assert_eq!(ledger.delivery_state().unwrap(), DeliveryState::default());
    }

    #[test]
    fn refusals_mid_batch_concern_their_message_only() {
        let ledger = db();
        let keys = ["a", "b", "c", "d", "e", "f"];
        let msgs: Vec<Message> = keys.iter().map(|k| msg(Kind::Receipt, k)).collect();
        queue_all(&ledger, &msgs);
        let mut t = fake(
            Ok(()),
            vec![
                Ok("x".into()),
                Err(SendError::Rejected {
                    permanent: true,
                    reason: "550 no such user".into(),
                }),
                Err(SendError::Rejected {
                    permanent: false,
                    reason: "451 try later".into(),
                }),
                Err(broken(false, false)),
                Err(SendError::Unavailable("登录失败".into())),
            ],
        );
        let r = deliver_pending(&ledger, &mut t, &LIMITS, now()).unwrap();
        assert_eq!(r.sent.len(), 1);
        assert_eq!(r.failed.len(), 1, "550 fails at once");
        assert_eq!(r.failed[0].last_error.as_deref(), Some("550 no such user"));
        assert_eq!(r.retrying.len(), 2, "451 and the dropped connection retry");
        assert_eq!(r.untried, 2, "the server went away: e and f not tried");
        assert!(
            r.to_string()
                .contains("已发送 1 封，待重试 4 封，失败 1 封"),
            "{r}"
        );
        let attempts: Vec<u32> = ledger
            .outbox_list(true)
            .unwrap()
            .iter()
            .map(|e| e.attempts)
            .collect();
        assert_eq!(attempts, vec![1, 1, 1, 1, 0, 0]);
        // The failure is in the next digest once; the retries in every one
        // until they go out.
        let tx = ledger.begin().unwrap();
        assert_eq!(ledger.take_unreported_problems().unwrap().len(), 1);
        assert!(ledger.take_unreported_problems().unwrap().is_empty());
        assert_eq!(ledger.retrying().unwrap().len(), 4);
        tx.commit().unwrap();
        // The next night: the four go out, the failed one is not tried.
        let mut t = fake(Ok(()), vec![]);
        let r = deliver_pending(&ledger, &mut t, &LIMITS, now()).unwrap();
        assert_eq!(r.sent.len(), 4);
        let state = ledger.delivery_state().unwrap();
        assert_eq!((state.failed.len(), state.retrying.len()), (1, 0));
        assert!(state.needs_office());
        // The office fixes the address and retries it by hand.
        ledger.outbox_retry(2).unwrap();
        assert_eq!(
            deliver_pending(&ledger, &mut t, &LIMITS, now())
                .unwrap()
                .sent
                .len(),
            1
        );
        assert!(matches!(
            ledger.outbox_retry(2),
            Err(OutboxError::Status { .. })
        ));
        assert!(!ledger.delivery_state().unwrap().needs_office());
    }

    #[test]
    fn transient_refusals_fail_after_max_attempts() {
        let ledger = db();
        queue_all(&ledger, &[msg(Kind::Receipt, "a")]);
        let deferred = || {
            fake(
                Ok(()),
                vec![Err(SendError::Rejected {
                    permanent: false,
                    reason: "451 4.3.0 try later".into(),
                })],
            )
        };
        for _ in 1..LIMITS.max_attempts {
            let r = deliver_pending(&ledger, &mut deferred(), &LIMITS, now()).unwrap();
            assert_eq!(r.retrying.len(), 1);
        }
        let r = deliver_pending(&ledger, &mut deferred(), &LIMITS, now()).unwrap();
        assert_eq!(r.failed.len(), 1);
        assert_eq!(r.failed[0].attempts, LIMITS.max_attempts);
        assert_eq!(
            r.failed[0].last_error.as_deref(),
            Some("451 4.3.0 try later")
        );
    }

    #[test]
    fn maybe_delivered_is_tried_once_more_then_held_for_the_office() {
        let ledger = db();
        queue_all(&ledger, &[msg(Kind::Receipt, "a"), msg(Kind::Receipt, "b")]);
        // Night 1: both went out, the connection dropped before the answer.
        let mut t = fake(
            Ok(()),
            vec![Err(broken(true, false)), Err(broken(true, true))],
        );
        let r = deliver_pending(&ledger, &mut t, &LIMITS, now()).unwrap();
        assert_eq!(r.retrying.len(), 2);
        // Night 2: a is confirmed, b drops again and is held.
        let mut t = fake(Ok(()), vec![Ok("x".into()), Err(broken(true, false))]);
        let r = deliver_pending(&ledger, &mut t, &LIMITS, now()).unwrap();
        assert_eq!((r.sent.len(), r.uncertain.len()), (1, 1));
        assert!(r.to_string().contains("待确认 1 封"), "{r}");
        assert_eq!(r.uncertain[0].status.label(), "待确认（可能已送达）");
        // Night 3: nothing is sent again.
        let mut t = fake(Ok(()), vec![]);
        let r = deliver_pending(&ledger, &mut t, &LIMITS, now()).unwrap();
        assert!(t.sent.is_empty() && !r.trouble());
        let state = ledger.delivery_state().unwrap();
        assert_eq!(state.uncertain.len(), 1);
        let mut out = Vec::new();
        crate::cli::outbox::run(&ledger, OutboxAction::List { all: false }, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("#2 回执 县民政局 待确认（可能已送达）"),
            "{text}"
        );
        assert!(text.contains("outbox retry"), "{text}");
        // The recipient says it never arrived: the office sends it again.
        ledger.outbox_retry(2).unwrap();
        let r = deliver_pending(&ledger, &mut t, &LIMITS, now()).unwrap();
        assert_eq!(r.sent.len(), 1);
    }

    #[test]
    fn maybe_delivered_out_of_attempts_is_held_not_failed() {
        let ledger = db();
        queue_all(&ledger, &[msg(Kind::Receipt, "a")]);
        let limits = DeliveryLimits {
            max_attempts: 2,
            ..LIMITS
        };
        let deferred = Err(SendError::Rejected {
            permanent: false,
            reason: "451".into(),
        });
        let mut t = fake(Ok(()), vec![Err(broken(true, false)), deferred]);
        deliver_pending(&ledger, &mut t, &limits, now()).unwrap();
        let r = deliver_pending(&ledger, &mut t, &limits, now()).unwrap();
        assert_eq!((r.failed.len(), r.uncertain.len()), (0, 1));
        // The office was told: it is in the next digest, and can drop it.
        let tx = ledger.begin().unwrap();
        assert_eq!(ledger.take_unreported_problems().unwrap().len(), 1);
        tx.commit().unwrap();
        ledger.outbox_drop(1).unwrap();
        assert_eq!(ledger.delivery_state().unwrap(), DeliveryState::default());
    }

    #[test]
    fn a_server_that_keeps_timing_out_stops_the_batch() {
        let ledger = db();
        let msgs: Vec<Message> = (0..5)
            .map(|i| msg(Kind::Receipt, &format!("r{i}")))
            .collect();
        queue_all(&ledger, &msgs);
        let mut t = fake(
            Ok(()),
            vec![
                Err(broken(false, true)),
                Err(broken(false, true)),
                Err(broken(false, true)),
            ],
        );
        let r = deliver_pending(&ledger, &mut t, &LIMITS, now()).unwrap();
        assert_eq!((r.retrying.len(), r.untried), (3, 2));
        assert!(r.unavailable.unwrap().contains("连续3封邮件超时"));
    }

    #[test]
    fn cap_holds_the_rest_over_and_digest_goes_first() {
        let ledger = db();
        let mut msgs: Vec<Message> = (0..5)
            .map(|i| msg(Kind::Reminder, &format!("r{i}")))
            .collect();
        msgs.push(msg(Kind::Digest, "digest:1"));
        queue_all(&ledger, &msgs);
        let limits = DeliveryLimits {
            max_per_batch: 2,
            ..LIMITS
        };
        let mut t = fake(Ok(()), vec![]);
        let r = deliver_pending(&ledger, &mut t, &limits, now()).unwrap();
        assert_eq!(r.sent.len(), 2);
        assert_eq!(r.sent[0].kind, Kind::Digest);
        assert_eq!(r.held_over, 4);
        assert_eq!(ledger.outbox_list(false).unwrap().len(), 4);
    }

    #[test]
    fn rate_limit_paces_sends() {
        let ledger = db();
        queue_all(
            &ledger,
            &[
                msg(Kind::Receipt, "a"),
                msg(Kind::Receipt, "b"),
                msg(Kind::Receipt, "c"),
            ],
        );
        let limits = DeliveryLimits {
            rate_per_minute: 600,
            ..LIMITS
        }; // 100 ms apart
        let start = Instant::now();
        deliver_pending(&ledger, &mut fake(Ok(()), vec![]), &limits, now()).unwrap();
        assert!(
            start.elapsed() >= Duration::from_millis(200),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn expired_reminders_are_dropped_not_sent() {
        let ledger = db();
        let mut m = msg(Kind::Reminder, "reminder:县民政局:2025-05-06");
        m.expires_at = Some(at("2025-05-07T00:00:00+08:00"));
        queue_all(&ledger, &[m]);
        let mut t = fake(Ok(()), vec![]);
        let r = deliver_pending(&ledger, &mut t, &LIMITS, at("2025-05-07T20:00:00+08:00")).unwrap();
        assert_eq!((r.sent.len(), r.expired.len()), (0, 1));
        assert_eq!(
            ledger.outbox_list(true).unwrap()[0].status,
            OutboxStatus::Dropped
        );
    }
}
