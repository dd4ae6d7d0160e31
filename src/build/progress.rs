//! What a running build reports as it goes, for a progress line.
//!
//! `build` reports which stage it is in and how many of its items are done;
//! the caller decides whether and how to show that (the CLI draws one line
//! on a terminal). Nothing here prints.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Receives a build's progress, from any of its threads.
pub trait Progress: Sync {
    /// `done` of `total` items of `stage` are finished.
    fn update(&self, stage: Stage, done: usize, total: usize);
}

/// The stages a progress line names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading and parsing pages.
    Parsing,
    /// Resolving and checking links.
    Checking,
    /// Rendering pages.
    Rendering,
    /// Writing the site.
    Writing,
}

impl Stage {
    /// What a person reads: `parsing pages`.
    pub fn describe(self) -> &'static str {
        match self {
            Stage::Parsing => "parsing pages",
            Stage::Checking => "checking links",
            Stage::Rendering => "rendering pages",
            Stage::Writing => "writing the site",
        }
    }
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {
    fn update(&self, _stage: Stage, _done: usize, _total: usize) {}
}

/// Counts the items of one stage as threads finish them.
pub(super) struct Counter<'a> {
    progress: &'a dyn Progress,
    stage: Stage,
    total: usize,
    done: AtomicUsize,
}

impl<'a> Counter<'a> {
    pub(super) fn new(progress: &'a dyn Progress, stage: Stage, total: usize) -> Self {
        progress.update(stage, 0, total);
        Counter {
            progress,
            stage,
            total,
            done: AtomicUsize::new(0),
        }
    }

    /// One more item is done.
    pub(super) fn tick(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        self.progress.update(self.stage, done, self.total);
    }
}
