//! Wall time per stage of a batch, for `baosong run --timings` and the
//! benchmark (`benches/run.sh`). Stages are recorded in the order they ran;
//! a stage that runs twice adds up.

use std::fmt;
use std::time::{Duration, Instant};

/// Wall time per named stage.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timings {
    stages: Vec<(&'static str, Duration)>,
    /// Photos decoded in this batch (not served from the store's cache).
    pub photos: usize,
}

impl Timings {
    /// Runs `f` and adds its wall time to `stage`.
    pub fn time<T>(&mut self, stage: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.add(stage, start.elapsed());
        out
    }

    /// Adds `spent` to `stage`.
    pub fn add(&mut self, stage: &'static str, spent: Duration) {
        match self.stages.iter_mut().find(|(s, _)| *s == stage) {
            Some((_, d)) => *d += spent,
            None => self.stages.push((stage, spent)),
        }
    }

    /// Every stage with its time, in order.
    pub fn stages(&self) -> &[(&'static str, Duration)] {
        &self.stages
    }

    /// The time of one stage (zero if it did not run).
    pub fn get(&self, stage: &str) -> Duration {
        self.stages
            .iter()
            .find(|(s, _)| *s == stage)
            .map_or(Duration::ZERO, |(_, d)| *d)
    }

    /// Adds another set of timings (stages and photo count).
    pub fn extend(&mut self, other: &Timings) {
        for (stage, d) in &other.stages {
            self.add(stage, *d);
        }
        self.photos += other.photos;
    }
}

/// A table: one line per stage, seconds, then the total; the photo rate
/// of the inspect stage when photos were decoded.
impl fmt::Display for Timings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{:<12} {:>9}", "阶段", "耗时(秒)")?;
        let mut total = Duration::ZERO;
        for (stage, d) in &self.stages {
            writeln!(f, "{stage:<12} {:>9.3}", d.as_secs_f64())?;
            total += *d;
        }
        writeln!(f, "{:<12} {:>9.3}", "total", total.as_secs_f64())?;
        let inspect = self.get(INSPECT).as_secs_f64();
        if self.photos > 0 && inspect > 0.0 {
            writeln!(
                f,
                "照片 {} 张，检查阶段 {:.1} 张/秒",
                self.photos,
                self.photos as f64 / inspect
            )?;
        }
        Ok(())
    }
}

/// Stage names (stable: the benchmark script reads them).
pub const INTAKE: &str = "intake";
pub const INSPECT: &str = "inspect";
pub const ASSESS: &str = "assess";
pub const PDF: &str = "pdf";
pub const DOCX: &str = "docx";
pub const XLSX: &str = "xlsx";
pub const HTML: &str = "html";
pub const NOTIFY: &str = "notify";
pub const ARCHIVE: &str = "archive";
pub const PORTAL: &str = "portal";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_add_up_in_order() {
        let mut t = Timings::default();
        t.add(INTAKE, Duration::from_millis(5));
        t.add(PDF, Duration::from_millis(2));
        t.add(INTAKE, Duration::from_millis(5));
        assert_eq!(t.get(INTAKE), Duration::from_millis(10));
        assert_eq!(t.stages()[1].0, PDF);
        assert!(t.to_string().contains("total"));
    }
}
