//! The questionnaire's conditions resolved once per edition, so that reading
//! many responses through them looks nothing up and allocates nothing.

use super::Cells;
use crate::definition::{Cell, Kind, MULTI_SEPARATOR, Question, Survey, Test};
use std::collections::HashMap;
use std::ops::Range;

/// What decides whether one question is shown, and which of its rows are asked.
#[derive(Debug, Clone)]
struct Rule<'a> {
    cells: Range<usize>,
    /// The condition and the cells of the earlier question it looks at
    /// (None: no earlier question has that id, so nothing satisfies it).
    shown_if: Option<(Option<Range<usize>>, &'a Test)>,
    /// For a matrix asked only for the rows picked in an earlier question:
    /// that question's cell (None: no such earlier question, no row asked).
    rows_picked_in: Option<Option<usize>>,
}

/// The conditions of an edition, in questionnaire order.
#[derive(Debug, Clone)]
pub struct Conditions<'a> {
    survey: &'a Survey,
    rules: Vec<Rule<'a>>,
}

/// The codes in a choice cell (`a;b`).
fn codes(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(MULTI_SEPARATOR).filter(|c| !c.is_empty())
}

impl<'a> Conditions<'a> {
    pub fn new(survey: &'a Survey) -> Self {
        // Conditions look only backwards: a question sees those before it.
        let mut earlier: HashMap<&str, &Question> = HashMap::new();
        let rules = survey
            .questions()
            .map(|q| {
                let cells_of = |id: &str| earlier.get(id).map(|t| t.cells.clone());
                let rule = Rule {
                    cells: q.cells.clone(),
                    shown_if: q
                        .shown_if
                        .as_ref()
                        .map(|c| (cells_of(&c.question), &c.test)),
                    rows_picked_in: match &q.kind {
                        Kind::MatrixChoice {
                            rows_picked_in: Some(src),
                            ..
                        }
                        | Kind::MatrixNumber {
                            rows_picked_in: Some(src),
                            ..
                        } => Some(cells_of(src).map(|c| c.start)),
                        _ => None,
                    },
                };
                earlier.insert(q.id.as_str(), q);
                rule
            })
            .collect();
        Conditions { survey, rules }
    }

    /// Sets `shown` to whether each question (in questionnaire order) is
    /// shown, given the answers, and clears the cells of hidden questions
    /// and of matrix rows not picked. One pass in order settles them.
    pub fn apply(&self, cells: &mut Cells, shown: &mut Vec<bool>) {
        shown.clear();
        for rule in &self.rules {
            let visible = match &rule.shown_if {
                None => true,
                Some((target, test)) => {
                    let answer = target.as_ref().map_or("", |t| cells[t.start].as_str());
                    match test {
                        Test::Answered => target
                            .as_ref()
                            .is_some_and(|t| cells[t.clone()].iter().any(|c| !c.is_empty())),
                        Test::Is(list) => codes(answer).any(|c| list.iter().any(|l| l == c)),
                        Test::IsNot(list) => {
                            codes(answer).next().is_some()
                                && !codes(answer).any(|c| list.iter().any(|l| l == c))
                        }
                    }
                }
            };
            if !visible {
                for c in &mut cells[rule.cells.clone()] {
                    c.clear();
                }
            } else if let Some(source) = rule.rows_picked_in {
                for i in rule.cells.clone() {
                    if let Cell::Row { row } = &self.survey.columns()[i].cell {
                        let picked = source.is_some_and(|s| codes(&cells[s]).any(|c| c == row));
                        if !picked {
                            cells[i].clear();
                        }
                    }
                }
            }
            shown.push(visible);
        }
    }
}
