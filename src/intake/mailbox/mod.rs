//! Intake from the unified mailbox (统一收信邮箱) over IMAP, `[intake.imap]`.
//!
//! Each folder is opened read-only (EXAMINE, bodies fetched with
//! BODY.PEEK: nothing gets `\Seen`, nothing is moved or deleted) and only
//! UIDs above the last one taken under the folder's UIDVALIDITY are asked
//! for, with those not fetched whole before. A message whose Message-ID or
//! content was taken before (the same mail filed in two folders, or a
//! folder renumbered after a UIDVALIDITY change) is a duplicate and not
//! taken again. A message is streamed into the store in pieces of
//! [`CHUNK`] bytes, so memory never grows with its size; one over the
//! size limit is refused from its RFC822.SIZE without being downloaded.
//!
//! A message is taken only whole: the bytes stored must be as many as the
//! server announced (RFC822.SIZE) and end the message its header starts
//! (a multipart message's closing boundary). One cut short (deleted or
//! moved by another mail program while it was fetched, a server that
//! stopped sending) is discarded and tried again by the next batch; after
//! [`FETCH_ATTEMPTS`] batches the office is told, with its sender and
//! subject, and it is tried no more.
//!
//! Nothing here writes the ledger: [`take`] reads what the ledger knew at
//! the start of the batch and returns what it took, for the caller to read
//! with the same walker as a saved e-mail file and to record with the rest
//! of the batch. A fault (server unreachable, login refused, TLS, timeout)
//! never stops the batch: it is returned as a sentence for the summary, the
//! status and the office digest, and the next batch goes on from the last
//! message recorded.

mod ends;
mod envelope;
pub mod session;
pub mod utf7;

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;

use async_imap::types::Fetch;
use chrono::{DateTime, FixedOffset};
use futures_util::TryStreamExt;

use super::IntakeError;
use crate::campaign::config::ImapSection;
use crate::ledger::{MailFailure, MailKnown, MailOutcome, MailRow, MailUid};
use crate::store::{Store, hash_bytes};
use ends::Ends;
use envelope::Meta;
use session::{Fault, Session, step};

/// The piece a message body is fetched in (`BODY.PEEK[]<offset.CHUNK>`).
pub const CHUNK: u32 = 1 << 20;

/// How many batches may fail to fetch a message whole before the office
/// is told and it is tried no more.
pub const FETCH_ATTEMPTS: u32 = 3;

/// Where messages taken from the mailbox live among the inbox's paths:
/// `邮箱/<folder>/<UIDVALIDITY>-<UID>.eml`.
pub const PATH_PREFIX: &str = "邮箱";

/// The mailbox and where its relative paths (ca_file, password_file) start.
#[derive(Debug, Clone)]
pub struct Account {
    pub config: ImapSection,
    pub base: PathBuf,
}

/// A message taken from the mailbox, for the caller to read and record.
#[derive(Debug)]
pub struct Message {
    /// Its path among the inbox's files.
    pub path: String,
    /// Its bytes in the store; `None` when it was refused for its size.
    pub blob: Option<PathBuf>,
    pub hash: String,
    pub size: u64,
    /// When the server received it (INTERNALDATE).
    pub internal_date: Option<DateTime<FixedOffset>>,
    /// Its record, outcome `Taken` or `TooLarge`; the caller adds the
    /// subject it reads.
    pub row: MailRow,
}

/// What reading the mailbox did, for the summary.
#[derive(Debug, Clone, Default)]
pub struct Taken {
    pub messages: usize,
    /// Messages seen before under another folder or UIDVALIDITY.
    pub duplicates: usize,
    /// Why the mailbox (or a folder or message of it) could not be read,
    /// for the office.
    pub faults: Vec<String>,
}

/// What reading the mailbox gives the batch to record.
#[derive(Debug, Default)]
pub struct Mail {
    pub messages: Vec<Message>,
    /// Duplicates, recorded as such.
    pub duplicates: Vec<MailRow>,
    /// Messages not fetched whole this batch.
    pub failures: Vec<MailFailure>,
    /// Messages that failed before and are taken (or known) now.
    pub resolved: Vec<MailUid>,
}

/// Why reading stopped: a fault of the mailbox, or of the batch itself.
enum Stop {
    Fault(Fault),
    Intake(IntakeError),
}

impl From<Fault> for Stop {
    fn from(f: Fault) -> Stop {
        Stop::Fault(f)
    }
}

impl<E: Into<IntakeError>> From<E> for Stop {
    fn from(e: E) -> Stop {
        Stop::Intake(e.into())
    }
}

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// What a fault looks like to the office: which mailbox, and why.
fn fault_line(account: &Account, fault: &dyn std::fmt::Display) -> String {
    format!(
        "收信邮箱 {}（{}）本次未能读取：{fault}。本批次照常处理收件箱文件夹，下次批处理从中断处继续收信",
        account.config.user, account.config.host
    )
}

/// Takes the new messages of every configured folder into the store,
/// given what the ledger knew at the start of the batch. Only the store
/// failing is an error; what was fetched before a fault is returned.
pub fn take(
    account: &Account,
    known: &MailKnown,
    store: &Store,
    max_bytes: u64,
) -> Result<(Taken, Mail), IntakeError> {
    let rt = runtime().map_err(IntakeError::Store)?;
    let mut reader = Reader {
        account,
        known,
        store,
        max_bytes,
        message_ids: HashSet::new(),
        hashes: HashSet::new(),
        taken: Taken::default(),
        mail: Mail::default(),
    };
    match rt.block_on(reader.all()) {
        Ok(()) => {}
        Err(Stop::Fault(f)) => {
            let line = fault_line(account, &f);
            reader.taken.faults.push(line);
        }
        Err(Stop::Intake(e)) => return Err(e),
    }
    reader.taken.messages = reader.mail.messages.len();
    reader.taken.duplicates = reader.mail.duplicates.len();
    Ok((reader.taken, reader.mail))
}

struct Reader<'a> {
    account: &'a Account,
    known: &'a MailKnown,
    store: &'a Store,
    max_bytes: u64,
    /// Message-IDs and hashes taken in this batch.
    message_ids: HashSet<String>,
    hashes: HashSet<String>,
    taken: Taken,
    mail: Mail,
}

/// Where a message taken went: its path among the inbox's files, its
/// bytes in the store (none when refused for its size), their hash and
/// size.
struct Stored {
    path: String,
    blob: Option<PathBuf>,
    hash: String,
    size: u64,
}

async fn fetch_all(
    session: &mut Session,
    host: &str,
    set: &str,
    query: &str,
) -> Result<Vec<Fetch>, Fault> {
    step(host, "FETCH", async {
        session.uid_fetch(set, query).await?.try_collect().await
    })
    .await
}

/// One piece of a message's body, or the server's refusal to send it (a
/// message expunged meanwhile): a refusal concerns that message only.
async fn body_piece(
    session: &mut Session,
    host: &str,
    uid: &str,
    query: &str,
) -> Result<Result<Vec<u8>, String>, Fault> {
    let fetched = tokio::time::timeout(session::STEP_TIMEOUT, async {
        session
            .uid_fetch(uid, query)
            .await?
            .try_collect::<Vec<Fetch>>()
            .await
    })
    .await;
    match fetched {
        Err(_) => Err(Fault::Timeout {
            host: host.to_string(),
            step: "FETCH",
        }),
        Ok(Err(async_imap::error::Error::No(why))) => Ok(Err(why)),
        Ok(Err(e)) => Err(Fault::Protocol {
            host: host.to_string(),
            step: "FETCH",
            message: e.to_string(),
        }),
        Ok(Ok(items)) => {
            let wanted: Option<u32> = uid.parse().ok();
            let piece = items
                .iter()
                .filter(|f| f.uid == wanted)
                .find_map(|f| f.body())
                .unwrap_or_default();
            Ok(Ok(piece.to_vec()))
        }
    }
}

impl Reader<'_> {
    async fn all(&mut self) -> Result<(), Stop> {
        let cfg = &self.account.config;
        let mut session = session::open(cfg, &self.account.base).await?;
        for folder in &cfg.folders {
            self.folder(&mut session, folder).await?;
        }
        // Nothing depends on a clean goodbye.
        let _ = step(&cfg.host, "LOGOUT", session.logout()).await;
        Ok(())
    }

    async fn folder(&mut self, session: &mut Session, folder: &str) -> Result<(), Stop> {
        let host = self.account.config.host.as_str();
        let examined =
            tokio::time::timeout(session::STEP_TIMEOUT, session.examine(utf7::encode(folder)))
                .await;
        let mailbox = match examined {
            Err(_) => {
                return Err(Fault::Timeout {
                    host: host.to_string(),
                    step: "EXAMINE",
                }
                .into());
            }
            Ok(Err(async_imap::error::Error::No(why))) => {
                let hint = if why.contains("Unsafe Login") {
                    "服务器要求客户端先发送 ID 命令"
                } else {
                    "请检查 [intake.imap] folders；baosong check --imap 列出全部文件夹"
                };
                self.taken.faults.push(fault_line(
                    self.account,
                    &format!("文件夹“{folder}”无法打开（{why}）：{hint}"),
                ));
                return Ok(());
            }
            Ok(Err(e)) => {
                return Err(Fault::Protocol {
                    host: host.to_string(),
                    step: "EXAMINE",
                    message: e.to_string(),
                }
                .into());
            }
            Ok(Ok(m)) => m,
        };
        let validity = mailbox.uid_validity.unwrap_or(0);
        let known = self.known;
        let last = known.last_uid(folder, validity);
        let failed: Vec<&MailFailure> = known
            .failures
            .iter()
            .filter(|f| f.uid.folder == folder && f.uid.uidvalidity == validity)
            .collect();
        let mut query = format!("UID {}:*", u64::from(last) + 1);
        if let Some(day) = self.account.config.since {
            query.push_str(&format!(" SINCE {}", day.format("%-d-%b-%Y")));
        }
        // `n:*` names the last message even when its UID is below n; a
        // message that failed is asked for again only until it is given up.
        let mut uids: Vec<u32> = step(host, "SEARCH", session.uid_search(&query))
            .await?
            .into_iter()
            .filter(|&u| u > last && !failed.iter().any(|f| f.uid.uid == u))
            .collect();
        let retry: Vec<&MailFailure> = failed.into_iter().filter(|f| !f.given_up).collect();
        uids.extend(retry.iter().map(|f| f.uid.uid));
        uids.sort_unstable();
        uids.dedup();
        let mut answered = HashSet::new();
        for chunk in uids.chunks(100) {
            let set: Vec<String> = chunk.iter().map(u32::to_string).collect();
            let fetched = fetch_all(
                session,
                host,
                &set.join(","),
                "(UID RFC822.SIZE INTERNALDATE ENVELOPE)",
            )
            .await?;
            let mut metas: Vec<Meta> = fetched
                .iter()
                .filter_map(|f| Meta::of(f, folder, validity))
                .filter(|m| chunk.binary_search(&m.uid.uid).is_ok())
                .collect();
            metas.sort_by_key(|m| m.uid.uid);
            metas.dedup_by_key(|m| m.uid.uid);
            for meta in metas {
                answered.insert(meta.uid.uid);
                self.message(session, meta).await?;
            }
        }
        // Retried and gone from the server meanwhile.
        for f in retry.into_iter().filter(|f| !answered.contains(&f.uid.uid)) {
            self.failed(f.clone(), "邮件已不在邮箱中（被删除或移走）".into());
        }
        Ok(())
    }

    /// A message that failed before, if this one did.
    fn earlier_failure(&self, uid: &MailUid) -> Option<&MailFailure> {
        self.known.failures.iter().find(|f| &f.uid == uid)
    }

    /// Counts one more failure of a message and, at the last one, tells
    /// the office.
    fn failed(&mut self, mut failure: MailFailure, why: String) {
        failure.failures += 1;
        failure.last_error = why;
        failure.given_up = failure.failures >= FETCH_ATTEMPTS;
        if failure.given_up {
            self.taken.faults.push(format!(
                "收信邮箱文件夹“{}”中{}发来的邮件《{}》连续{}次未能完整收取（{}），已不再收取；请发件人重新发送，或在邮箱中把这封邮件另存为 .eml 文件放进收件箱文件夹",
                failure.uid.folder,
                failure.sender,
                failure.subject,
                failure.failures,
                failure.last_error
            ));
        }
        self.mail.failures.push(failure);
    }

    /// Records a message seen before as a duplicate; a failure of it is
    /// over.
    fn duplicate(&mut self, row: MailRow, uid: &MailUid) {
        if self.earlier_failure(uid).is_some() {
            self.mail.resolved.push(uid.clone());
        }
        self.mail.duplicates.push(row);
    }

    fn seen(&self, message_id: Option<&str>, hash: Option<&str>) -> bool {
        message_id
            .is_some_and(|id| self.known.message_ids.contains(id) || self.message_ids.contains(id))
            || hash.is_some_and(|h| self.known.hashes.contains(h) || self.hashes.contains(h))
    }

    async fn message(&mut self, session: &mut Session, meta: Meta) -> Result<(), Stop> {
        if self.seen(meta.message_id.as_deref(), None) {
            let row = meta.row(MailOutcome::Duplicate);
            self.duplicate(row, &meta.uid);
            return Ok(());
        }
        let path = format!(
            "{PATH_PREFIX}/{}/{}-{}.eml",
            meta.uid.folder, meta.uid.uidvalidity, meta.uid.uid
        );
        if meta.size > self.max_bytes {
            let MailUid {
                folder,
                uidvalidity,
                uid,
            } = &meta.uid;
            let hash = hash_bytes(format!("imap:{folder}:{uidvalidity}:{uid}").as_bytes());
            let stored = Stored {
                path,
                blob: None,
                hash,
                size: meta.size,
            };
            self.keep(&meta, stored, MailOutcome::TooLarge);
            return Ok(());
        }
        let host = self.account.config.host.as_str();
        let mut writer = self.store.blob_writer(true).map_err(IntakeError::Store)?;
        let mut ends = Ends::default();
        let mut offset: u64 = 0;
        let mut refused = None;
        let uid = meta.uid.uid.to_string();
        loop {
            let query = format!("BODY.PEEK[]<{offset}.{CHUNK}>");
            let piece = match body_piece(session, host, &uid, &query).await? {
                Ok(piece) => piece,
                Err(why) => {
                    refused = Some(why);
                    break;
                }
            };
            writer.write_all(&piece).map_err(IntakeError::Store)?;
            ends.push(&piece);
            offset += piece.len() as u64;
            let announced_end = meta.size > 0 && offset >= meta.size;
            let unannounced_end = meta.size == 0 && piece.len() < CHUNK as usize;
            if piece.is_empty() || announced_end || unannounced_end || offset > self.max_bytes {
                break;
            }
        }
        let why = if (meta.size > 0 && offset != meta.size) || refused.is_some() {
            let answer = refused
                .map(|r| format!("；服务器答复：{r}"))
                .unwrap_or_default();
            Some(format!(
                "只收到{offset}字节，服务器标明{}字节{answer}",
                meta.size
            ))
        } else if offset == 0 {
            Some("邮件内容为空".to_string())
        } else if !ends.complete() {
            Some("邮件在结尾之前中断".to_string())
        } else {
            None
        };
        if let Some(why) = why {
            // Dropped unfinished: nothing of it enters the store.
            drop(writer);
            let failure = self
                .earlier_failure(&meta.uid)
                .cloned()
                .unwrap_or(MailFailure {
                    uid: meta.uid.clone(),
                    message_id: meta.message_id.clone(),
                    sender: meta.sender.clone(),
                    subject: meta.subject.clone(),
                    failures: 0,
                    last_error: String::new(),
                    given_up: false,
                });
            self.failed(failure, why);
            return Ok(());
        }
        let blob = self.store.finish_blob(writer).map_err(IntakeError::Store)?;
        if self.seen(None, Some(&blob.hash)) {
            let mut row = meta.row(MailOutcome::Duplicate);
            row.hash = Some(blob.hash);
            row.size = blob.size;
            self.duplicate(row, &meta.uid);
            return Ok(());
        }
        let stored = Stored {
            path,
            blob: blob.path,
            hash: blob.hash,
            size: blob.size,
        };
        self.keep(&meta, stored, MailOutcome::Taken);
        Ok(())
    }

    /// Keeps a message for the caller to read and record; a failure of
    /// it, under this UID or its Message-ID, is over.
    fn keep(&mut self, meta: &Meta, stored: Stored, outcome: MailOutcome) {
        let Stored {
            path,
            blob,
            hash,
            size,
        } = stored;
        for f in &self.known.failures {
            let same_id = f.message_id.is_some() && f.message_id == meta.message_id;
            if f.uid == meta.uid || same_id {
                self.mail.resolved.push(f.uid.clone());
            }
        }
        self.message_ids.extend(meta.message_id.clone());
        let mut row = meta.row(outcome);
        row.path = Some(path.clone());
        row.size = size;
        if outcome == MailOutcome::Taken {
            self.hashes.insert(hash.clone());
            row.hash = Some(hash.clone());
        }
        self.mail.messages.push(Message {
            path,
            blob,
            hash,
            size,
            internal_date: meta.internal_date,
            row,
        });
    }
}

/// One folder as `baosong check --imap` lists it.
#[derive(Debug, Clone)]
pub struct FolderCount {
    /// As the mail program shows it.
    pub name: String,
    pub messages: u32,
}

/// Logs in and lists the folders with their message counts, fetching no
/// message: the office's test of its settings.
pub fn check(account: &Account) -> Result<Vec<FolderCount>, String> {
    let rt = runtime().map_err(|e| e.to_string())?;
    let cfg = &account.config;
    rt.block_on(async {
        let mut session = session::open(cfg, &account.base).await?;
        let host = cfg.host.as_str();
        let names: Vec<async_imap::types::Name> = step(host, "LIST", async {
            session.list(Some(""), Some("*")).await?.try_collect().await
        })
        .await?;
        let mut out = Vec::new();
        for n in &names {
            if n.attributes()
                .iter()
                .any(|a| matches!(a, async_imap::types::NameAttribute::NoSelect))
            {
                continue;
            }
            let status = step(host, "STATUS", session.status(n.name(), "(MESSAGES)")).await?;
            out.push(FolderCount {
                name: utf7::decode(n.name()),
                messages: status.exists,
            });
        }
        let _ = step(host, "LOGOUT", session.logout()).await;
        Ok::<_, Fault>(out)
    })
    .map_err(|f| f.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ends(bytes: &[u8], piece: usize) -> Ends {
        let mut ends = Ends::default();
        for chunk in bytes.chunks(piece) {
            ends.push(chunk);
        }
        ends
    }

    #[test]
    fn a_message_cut_before_its_closing_boundary_is_not_whole() {
        let attachment = vec![("县林业局活动照片.jpg".to_string(), vec![b'x'; 200_000])];
        let mail = baosong_generate::files::eml(
            ("县林业局", "lyj@example.gov.cn"),
            "lxxzspfwj@example.gov.cn",
            "县林业局活动照片",
            "Thu, 05 Jun 2025 10:00:00 +0800",
            "请查收。",
            &attachment,
        );
        assert!(ends(&mail, 1000).complete());
        assert!(!ends(&mail[..mail.len() / 2], 1000).complete());
        // A single-part message has no boundary to miss.
        let plain = b"Subject: hi\r\n\r\nhello\r\n";
        assert!(ends(plain, 4).complete());
    }
}
