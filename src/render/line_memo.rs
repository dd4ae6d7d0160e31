//! Remembers how syntect parsed a line in a given parser state, so a line
//! met again in the same state is not matched against the grammar again.
//!
//! syntect's [`ParseState::parse_line`] is a pure function of the state
//! before the line, the line and the syntax set; its result is the line's
//! scope operations and the state after it. Code in documentation repeats
//! lines (imports, closing braces, the same call with other arguments,
//! blank lines), and most of a build's time is this regex matching, so
//! the highlighter asks a [`LineMemo`] first. syntect documents keeping
//! parse states per line as its caching approach.
//!
//! A parse is kept only for a line met before (its hash is noted the first
//! time): most distinct lines of a book occur once, and a parse with its
//! states takes about a kilobyte. The memo is bounded (a line keeps a few
//! states, and a thread's memo is emptied past its share of
//! [`MAX_ENTRIES`]) and kept per thread: a parse state may hold an
//! Oniguruma region, which cannot cross threads, and rayon's threads
//! highlight without waiting on each other this way. A [`LineMemo`] is a
//! handle for one syntax set: a thread's memo is emptied when a handle
//! other than the one that filled it asks, so no state is ever read
//! against a syntax set it was not made with. It never renders HTML.

use std::cell::RefCell;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};
use syntect::parsing::{ParseState, ScopeStackOp, SyntaxSet};

/// Entries all threads together keep (about a kilobyte each); each
/// thread's share is at least [`MIN_ENTRIES_PER_THREAD`].
const MAX_ENTRIES: usize = 64_000;
const MIN_ENTRIES_PER_THREAD: usize = 8_000;
/// Hashes of lines met once that a thread notes before it forgets them.
const MAX_SEEN: usize = 1 << 20;
/// Parser states kept per distinct line.
const STATES_PER_LINE: usize = 4;

/// One parse of a line: the state it started in, what it gave and the
/// state it left.
struct Parsed {
    before: ParseState,
    ops: Vec<(usize, ScopeStackOp)>,
    /// `None` when the line left the state as it found it (most lines).
    after: Option<ParseState>,
}

/// A thread's remembered lines, and which handle they belong to.
#[derive(Default)]
struct Memo {
    owner: u64,
    lines: FxHashMap<Box<str>, Vec<Parsed>>,
    entries: usize,
    /// Hashes of the lines met so far.
    seen: FxHashSet<u64>,
    #[cfg(test)]
    hits: usize,
}

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::default();
}

/// Hands out a distinct number to every [`LineMemo`].
static NEXT_OWNER: AtomicU64 = AtomicU64::new(1);

/// The memo of lines parsed with one syntax set; keep one beside the
/// syntax set and ask it instead of [`ParseState::parse_line`].
pub(crate) struct LineMemo {
    owner: u64,
    bound: usize,
}

impl Default for LineMemo {
    fn default() -> LineMemo {
        let share = MAX_ENTRIES / rayon::current_num_threads().max(1);
        LineMemo::with_bound(share.max(MIN_ENTRIES_PER_THREAD))
    }
}

impl LineMemo {
    /// A memo whose threads empty theirs past `entries` remembered lines.
    fn with_bound(entries: usize) -> LineMemo {
        LineMemo {
            owner: NEXT_OWNER.fetch_add(1, Ordering::Relaxed),
            bound: entries,
        }
    }

    /// The scope operations of `line` parsed from `state`, which is moved
    /// on past the line: exactly what `state.parse_line(line, syntaxes)`
    /// gives, from the memo when this thread parsed the line from an equal
    /// state before.
    pub(crate) fn parse_line(
        &self,
        state: &mut ParseState,
        line: &str,
        syntaxes: &SyntaxSet,
    ) -> Result<Vec<(usize, ScopeStackOp)>, syntect::parsing::ParsingError> {
        MEMO.with_borrow_mut(|memo| {
            if memo.owner != self.owner {
                *memo = Memo {
                    owner: self.owner,
                    ..Memo::default()
                };
            }
            if let Some(parsed) = memo
                .lines
                .get(line)
                .and_then(|states| states.iter().find(|parsed| parsed.before == *state))
            {
                if let Some(after) = &parsed.after {
                    *state = after.clone();
                }
                #[cfg(test)]
                {
                    memo.hits += 1;
                }
                return Ok(parsed.ops.clone());
            }
            if !memo.met_before(line) {
                return state.parse_line(line, syntaxes);
            }
            let before = state.clone();
            let ops = state.parse_line(line, syntaxes)?;
            let after = (*state != before).then(|| state.clone());
            memo.keep(
                self.bound,
                line,
                Parsed {
                    before,
                    ops: ops.clone(),
                    after,
                },
            );
            Ok(ops)
        })
    }

    /// How many parses this thread remembers for this handle, and how
    /// many it served.
    #[cfg(test)]
    fn entries_and_hits(&self) -> (usize, usize) {
        MEMO.with_borrow(|memo| {
            if memo.owner == self.owner {
                (memo.entries, memo.hits)
            } else {
                (0, 0)
            }
        })
    }
}

impl Memo {
    /// Whether `line` was met before; notes it if not.
    fn met_before(&mut self, line: &str) -> bool {
        if self.seen.len() >= MAX_SEEN {
            self.seen.clear();
        }
        !self.seen.insert(FxBuildHasher.hash_one(line))
    }

    fn keep(&mut self, bound: usize, line: &str, parsed: Parsed) {
        if self.entries >= bound {
            self.lines.clear();
            self.entries = 0;
        }
        let states = self.lines.entry(line.into()).or_default();
        if states.len() < STATES_PER_LINE {
            // Most lines are met in one state: no room kept for more.
            states.reserve_exact(1);
            states.push(parsed);
            self.entries += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syntect::parsing::SyntaxSet;

    fn parse_all(code: &str, memo: Option<&LineMemo>) -> Vec<Vec<(usize, ScopeStackOp)>> {
        let syntaxes = SyntaxSet::load_defaults_newlines();
        let syntax = syntaxes.find_syntax_by_token("rust").unwrap();
        let mut state = ParseState::new(syntax);
        syntect::util::LinesWithEndings::from(code)
            .map(|line| match memo {
                Some(memo) => memo.parse_line(&mut state, line, &syntaxes).unwrap(),
                None => state.parse_line(line, &syntaxes).unwrap(),
            })
            .collect()
    }

    #[test]
    fn a_remembered_line_parses_as_syntect_parses_it_in_every_state() {
        // `}` and the `let` line recur at different depths and inside a
        // string that spans lines: each must take its own state's parse.
        // The function recurs whole, in the same states.
        let function = "fn a() {\n    let x = 1;\n}\n";
        let code = format!(
            "{function}let s = \"\n    let x = 1;\n}}\n\";\n    let x = 1;\n}}\n{function}"
        );
        let memo = LineMemo::default();
        let plain = parse_all(&code, None);
        assert_eq!(parse_all(&code, Some(&memo)), plain);
        assert_eq!(parse_all(&code, Some(&memo)), plain);
        let (kept, hits) = memo.entries_and_hits();
        assert!(hits > 0, "the second pass is served from the memo");
        assert!(
            kept < code.lines().count(),
            "a line met in one state is kept once"
        );
    }

    #[test]
    fn a_second_memo_never_reads_the_first_ones_states() {
        let code = "fn a() {\n}\nfn a() {\n}\n";
        let first = LineMemo::default();
        parse_all(code, Some(&first));
        assert!(first.entries_and_hits().0 > 0);
        let second = LineMemo::default();
        assert_eq!(second.entries_and_hits(), (0, 0));
        assert_eq!(parse_all(code, Some(&second)), parse_all(code, None));
        assert_eq!(
            first.entries_and_hits(),
            (0, 0),
            "the thread's memo is the second's now"
        );
    }

    #[test]
    fn a_line_met_once_is_not_kept_and_the_memo_empties_itself_past_its_bound() {
        let memo = LineMemo::with_bound(64);
        let lines: String = (0..1000).map(|n| format!("let v{n} = {n};\n")).collect();
        let plain = parse_all(&lines, None);
        assert_eq!(parse_all(&lines, Some(&memo)), plain);
        assert_eq!(memo.entries_and_hits(), (0, 0), "every line was met once");
        assert_eq!(parse_all(&lines, Some(&memo)), plain);
        let (kept, _) = memo.entries_and_hits();
        assert!(kept > 0 && kept <= 64, "{kept} entries kept");
    }
}
