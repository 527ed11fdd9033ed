//! Intake from the unified mailbox (统一收信邮箱) over IMAP, `[intake.imap]`.
//!
//! Each folder is opened read-only (EXAMINE, bodies fetched with
//! BODY.PEEK: nothing gets `\Seen`, nothing is moved or deleted) and only
//! UIDs above the last one taken under the folder's UIDVALIDITY are asked
//! for. A message whose Message-ID or content was taken before (the same
//! mail filed in two folders, or a folder renumbered after a UIDVALIDITY
//! change) is recorded as a duplicate and not taken again. A message is
//! streamed into the store in pieces of [`CHUNK`] bytes, so memory never
//! grows with its size; one over the size limit is refused from its
//! RFC822.SIZE without being downloaded. What is taken goes on as a saved
//! e-mail file would: the caller reads it with the same walker.
//!
//! A fault (server unreachable, login refused, TLS, timeout) never stops
//! the batch: it is returned as a sentence for the summary, the status and
//! the office digest, and the next batch goes on from the last message
//! recorded. A message is recorded only once it is wholly in the store.

pub mod session;
pub mod utf7;

use std::io::Write;
use std::path::PathBuf;

use async_imap::types::Fetch;
use chrono::{DateTime, FixedOffset};
use futures_util::TryStreamExt;

use super::IntakeError;
use crate::campaign::config::ImapSection;
use crate::ledger::{Ledger, MailOutcome, MailRow};
use crate::store::{Store, hash_bytes};
use session::{Fault, Session, step};

/// The piece a message body is fetched in (`BODY.PEEK[]<offset.CHUNK>`).
pub const CHUNK: u32 = 1 << 20;

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
}

/// What reading the mailbox did.
#[derive(Debug, Clone, Default)]
pub struct Taken {
    pub messages: usize,
    /// Messages seen before under another folder or UIDVALIDITY.
    pub duplicates: usize,
    /// Why the mailbox (or a folder of it) could not be read, for the office.
    pub faults: Vec<String>,
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

/// Takes the new messages of every configured folder, handing each to
/// `accept` (which reads and records it as a file, and gives its subject)
/// before recording it as taken. Only the ledger or the store failing is an error.
pub fn take(
    account: &Account,
    ledger: &Ledger,
    store: &Store,
    batch: i64,
    max_bytes: u64,
    accept: &mut dyn FnMut(&Message) -> Result<Option<String>, IntakeError>,
) -> Result<Taken, IntakeError> {
    let mut taken = Taken::default();
    let rt = runtime().map_err(IntakeError::Store)?;
    let mut reader = Reader {
        account,
        ledger,
        store,
        batch,
        max_bytes,
        accept,
        taken: &mut taken,
    };
    let read = rt.block_on(reader.all());
    match read {
        Ok(()) => {}
        Err(Stop::Fault(f)) => taken.faults.push(fault_line(account, &f)),
        Err(Stop::Intake(e)) => return Err(e),
    }
    Ok(taken)
}

struct Reader<'a> {
    account: &'a Account,
    ledger: &'a Ledger,
    store: &'a Store,
    batch: i64,
    max_bytes: u64,
    accept: &'a mut dyn FnMut(&Message) -> Result<Option<String>, IntakeError>,
    taken: &'a mut Taken,
}

/// What the server says of a message before it is fetched.
struct Meta {
    uid: u32,
    size: u64,
    internal_date: Option<DateTime<FixedOffset>>,
    message_id: Option<String>,
}

impl Meta {
    fn of(f: &Fetch) -> Option<Meta> {
        let message_id = f
            .envelope()
            .and_then(|e| e.message_id.as_ref())
            .map(|id| String::from_utf8_lossy(id).trim().to_string())
            .filter(|id| !id.is_empty());
        Some(Meta {
            uid: f.uid?,
            size: u64::from(f.size.unwrap_or(0)),
            internal_date: f.internal_date(),
            message_id,
        })
    }
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
        let last = self.ledger.last_mail_uid(folder, validity)?;
        let mut query = format!("UID {}:*", u64::from(last) + 1);
        if let Some(day) = self.account.config.since {
            query.push_str(&format!(" SINCE {}", day.format("%-d-%b-%Y")));
        }
        // `n:*` names the last message even when its UID is below n.
        let mut uids: Vec<u32> = step(host, "SEARCH", session.uid_search(&query))
            .await?
            .into_iter()
            .filter(|&u| u > last)
            .collect();
        uids.sort_unstable();
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
                .filter_map(Meta::of)
                .filter(|m| chunk.binary_search(&m.uid).is_ok())
                .collect();
            metas.sort_by_key(|m| m.uid);
            metas.dedup_by_key(|m| m.uid);
            for meta in metas {
                self.message(session, folder, validity, meta).await?;
            }
        }
        Ok(())
    }

    async fn message(
        &mut self,
        session: &mut Session,
        folder: &str,
        validity: u32,
        meta: Meta,
    ) -> Result<(), Stop> {
        let mut row = MailRow {
            folder,
            uidvalidity: validity,
            uid: meta.uid,
            message_id: meta.message_id.as_deref(),
            subject: None,
            hash: None,
            size: meta.size,
            internal_date: meta.internal_date.map(|t| t.to_rfc3339()),
            path: None,
            outcome: MailOutcome::Duplicate,
        };
        if self.ledger.mail_taken(row.message_id, None)?.is_some() {
            self.ledger.record_mail(self.batch, &row)?;
            self.taken.duplicates += 1;
            return Ok(());
        }
        let path = format!("{PATH_PREFIX}/{folder}/{validity}-{}.eml", meta.uid);
        if meta.size > self.max_bytes {
            let hash = hash_bytes(format!("imap:{folder}:{validity}:{}", meta.uid).as_bytes());
            (self.accept)(&Message {
                path: path.clone(),
                blob: None,
                hash,
                size: meta.size,
                internal_date: meta.internal_date,
            })?;
            row.path = Some(&path);
            row.outcome = MailOutcome::TooLarge;
            self.ledger.record_mail(self.batch, &row)?;
            self.taken.messages += 1;
            return Ok(());
        }
        let host = self.account.config.host.as_str();
        let mut writer = self.store.blob_writer(true).map_err(IntakeError::Store)?;
        let mut offset: u64 = 0;
        loop {
            let query = format!("BODY.PEEK[]<{offset}.{CHUNK}>");
            let fetched = fetch_all(session, host, &meta.uid.to_string(), &query).await?;
            let piece = fetched
                .iter()
                .filter(|f| f.uid == Some(meta.uid))
                .find_map(|f| f.body())
                .unwrap_or_default();
            writer.write_all(piece).map_err(IntakeError::Store)?;
            offset += piece.len() as u64;
            if piece.len() < CHUNK as usize || offset > self.max_bytes {
                break;
            }
        }
        if offset == 0 {
            // Expunged by someone else since the search: nothing to take.
            return Ok(());
        }
        let blob = self.store.finish_blob(writer).map_err(IntakeError::Store)?;
        row.hash = Some(&blob.hash);
        row.size = blob.size;
        if self.ledger.mail_taken(None, row.hash)?.is_some() {
            self.ledger.record_mail(self.batch, &row)?;
            self.taken.duplicates += 1;
            return Ok(());
        }
        let subject = (self.accept)(&Message {
            path: path.clone(),
            blob: blob.path.clone(),
            hash: blob.hash.clone(),
            size: blob.size,
            internal_date: meta.internal_date,
        })?;
        row.subject = subject.as_deref();
        row.path = Some(&path);
        row.outcome = MailOutcome::Taken;
        self.ledger.record_mail(self.batch, &row)?;
        self.taken.messages += 1;
        Ok(())
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
