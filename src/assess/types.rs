//! What an assessment is made of: plain typed values, no words. Every
//! sentence about them is made by [`crate::wording`].

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

use crate::campaign::Campaign;
use crate::campaign::identify::Basis;
use crate::fmt::printable;
use crate::inspect::{FileKind, Inspection};
use crate::model::{ENTRY_SEP, State};

/// The assessment of a whole campaign at a clock.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub clock: DateTime<FixedOffset>,
    /// One per scheduled activity that owes something, in schedule order.
    pub activities: Vec<ActivityAssessment>,
    /// Every current file (latest version of each path), in path order.
    pub files: Vec<FileAssessment>,
    /// What the assessment asks of the office, in the order found.
    pub questions: Vec<Question>,
}

impl Assessment {
    /// The schedule's entries in schedule order, each once: an activity
    /// with the other units' views of it when it is a joint entry (one
    /// row of the schedule naming several units).
    pub fn entries(&self, campaign: &Campaign) -> Vec<Vec<&ActivityAssessment>> {
        let mut placed = std::collections::HashSet::new();
        let mut entries = Vec::new();
        for st in &self.activities {
            if !placed.insert(st.activity) {
                continue;
            }
            let mut views = vec![st];
            for &partner in &campaign.activities[st.activity].joint {
                if let Some(view) = self.activities.iter().find(|v| v.activity == partner)
                    && placed.insert(partner)
                {
                    views.push(view);
                }
            }
            entries.push(views);
        }
        entries
    }
}

/// One activity of one unit.
#[derive(Debug, Clone, Serialize)]
pub struct ActivityAssessment {
    /// Index into `campaign.activities`.
    pub activity: usize,
    pub unit: usize,
    pub items: Vec<ItemAssessment>,
    /// The worst state among the items.
    pub overall: State,
}

impl ActivityAssessment {
    /// Whether the views of a joint entry stand alike on every deliverable:
    /// then the entry is one row in every table, else a row per unit (a
    /// duty each owes on its own, an extension of one, sets them apart).
    pub fn alike(views: &[&ActivityAssessment]) -> bool {
        views.windows(2).all(|w| {
            let (x, y) = (w[0], w[1]);
            x.items.len() == y.items.len()
                && x.items.iter().zip(&y.items).all(|(p, q)| {
                    (p.deliverable, p.state, p.due, p.completed, p.late_workdays)
                        == (q.deliverable, q.state, q.due, q.completed, q.late_workdays)
                        && (p.counted, p.exemption) == (q.counted, q.exemption)
                })
        })
    }
}

/// One deliverable of one activity.
#[derive(Debug, Clone, Serialize)]
pub struct ItemAssessment {
    /// Index into `campaign.deliverables`.
    pub deliverable: usize,
    pub state: State,
    pub due: Option<DateTime<FixedOffset>>,
    /// When the deliverable became complete.
    pub completed: Option<DateTime<FixedOffset>>,
    /// Working days late (a late item) or overdue (an overdue one), counted
    /// from the last day that was still on time; None otherwise.
    pub late_workdays: Option<i64>,
    /// Usable files counted (distinct contents).
    pub counted: usize,
    pub needed: usize,
    /// Indexes into `Assessment::files` of the files attributed here.
    pub files: Vec<usize>,
    /// The other units of a joint entry, whose files count here too
    /// (联合报送); empty otherwise.
    pub joint_with: Vec<usize>,
    /// Index into `campaign.exemptions` of the 免报 or 已取消 that makes
    /// this item exempt.
    pub exemption: Option<usize>,
}

/// How a file's unit was found, or why none was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum UnitBasis {
    /// By a folder, a file name, an e-mail's subject or sender.
    Found(Basis),
    /// A name (`text`) that could mean each of `units`.
    Ambiguous { text: String, units: Vec<usize> },
    /// Nothing named a unit; `likely` are the units it may be from, with
    /// why (at most three, best first), for the office to decide.
    Unknown {
        likely: Vec<(usize, crate::campaign::identify::Hint)>,
    },
}

/// Why a file does not count, or what the office should know of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Flag {
    /// No deliverable of its unit takes this kind of file.
    FitsNoDeliverable { kind: FileKind },
    /// Several deliverables could take it (indexes into
    /// `campaign.deliverables`) and nothing in its name decided.
    Undecided { deliverables: Vec<usize> },
    /// Several activities of its unit could take it; only its arrival
    /// placed it in this one (index into `campaign.activities`).
    PlacedByArrival { activity: usize },
    /// A photo smaller than the print needs; set aside.
    LowResolution { width: u32, height: u32 },
    /// A photo that looks like a screenshot; set aside.
    Screenshot,
    /// A photo taken on a day too far from its activity's; set aside.
    TakenFarFromActivity { taken: NaiveDate, activity: usize },
    /// The same bytes as another photo of the unit (index into
    /// `Assessment::files`), which counts instead; set aside.
    SameAs { file: usize },
    /// Nearly the same picture as another photo of the unit (a burst, a
    /// copy), which counts instead; set aside.
    NearlySameAs { file: usize },
    /// A document whose title names another unit (`named`) than the one it
    /// was filed under.
    ForeignTitle { named: usize, filed_by: usize },
    /// A document still mostly its deliverable's template (`template = …`),
    /// with what was left unfilled. Set aside.
    UnfilledTemplate(crate::campaign::template::Unfilled),
}

impl Flag {
    /// Whether the flag keeps the file from counting at all (the photo
    /// checks); the others only explain.
    pub fn sets_aside(&self) -> bool {
        matches!(
            self,
            Flag::LowResolution { .. }
                | Flag::Screenshot
                | Flag::TakenFarFromActivity { .. }
                | Flag::SameAs { .. }
                | Flag::NearlySameAs { .. }
                | Flag::UnfilledTemplate(_)
        )
    }
}

/// What the assessment asks of the office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Question {
    /// An activity's time could not be read, so the deadlines of these
    /// deliverables of it could not be computed (indexes into the
    /// campaign).
    NoDeadline {
        activity: usize,
        deliverables: Vec<usize>,
    },
    /// Deadlines fell in a year the official calendar does not cover and
    /// were counted Monday to Friday.
    CalendarMissing { year: i32 },
}

/// A file and what the assessment made of it.
#[derive(Debug, Clone, Serialize)]
pub struct FileAssessment {
    pub path: String,
    pub version_id: i64,
    pub batch_id: i64,
    /// How many versions this path has had.
    pub versions: usize,
    pub hash: String,
    pub size: u64,
    pub arrived: DateTime<FixedOffset>,
    pub inspection: Inspection,
    pub gone: bool,
    pub unit: Option<usize>,
    /// How the unit was found, or why none was.
    pub unit_basis: UnitBasis,
    pub deliverable: Option<usize>,
    pub activity: Option<usize>,
    /// Counts toward its deliverable.
    pub counted: bool,
    /// Why it does not count, or what the office should know.
    pub flags: Vec<Flag>,
    /// A photo found inside a Word document.
    pub embedded: bool,
}

impl FileAssessment {
    /// File name without folders, as people read it ([`printable`]).
    pub fn name(&self) -> String {
        printable(self.path.rsplit(['/', '!']).next().unwrap_or(&self.path))
    }

    /// The path as people read it: an entry inside a zip or an e-mail is
    /// shown as "报送.zip › 照片/1.jpg".
    pub fn display_path(&self) -> String {
        printable(&self.path.replace(ENTRY_SEP, " › "))
    }

    /// Assigned to no unit.
    pub fn unassigned(&self) -> bool {
        self.unit.is_none()
    }

    /// The units an ambiguous name could mean (empty otherwise).
    pub fn candidates(&self) -> &[usize] {
        match &self.unit_basis {
            UnitBasis::Ambiguous { units, .. } => units,
            _ => &[],
        }
    }

    /// The units a file of no unit may be from: those its ambiguous name
    /// could mean, or those likely by a near name or the sender's domain.
    pub fn maybe_from(&self) -> Vec<usize> {
        match &self.unit_basis {
            UnitBasis::Ambiguous { units, .. } => units.clone(),
            UnitBasis::Unknown { likely } => likely.iter().map(|(u, _)| *u).collect(),
            UnitBasis::Found(_) => Vec::new(),
        }
    }

    /// Set aside by the photo checks before counting (too small, a
    /// screenshot, taken far from the activity, a duplicate), so it can
    /// never be `counted`; `flags` says why.
    pub fn set_aside(&self) -> bool {
        self.flags.iter().any(Flag::sets_aside)
    }
}
