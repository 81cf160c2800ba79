//! The checks a lab's `tests/grade.rs` declares, read from its source
//! without building it: each `Check::new("id", points, f)` with the hint
//! tiers chained to it (`.idea`, `.approach`, `.hint`). The workbench lists them before the first
//! grade, whose build can take minutes.

use syn::visit::Visit;
use syn::{Expr, ExprCall, ExprLit, ExprMethodCall, Lit};

/// A check as its source declares it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Declared {
    /// Its id.
    pub id: String,
    /// The points it is worth.
    pub points: u32,
    /// Its hint tiers as chained to it: the idea, the approach, the
    /// code-level hint.
    pub tiers: [Option<String>; 3],
}

impl Declared {
    /// Its hints, gentlest first, as the grade report will list them.
    pub fn hints(&self) -> Vec<String> {
        self.tiers.iter().flatten().cloned().collect()
    }
}

/// The tier a chained method sets, if it sets one.
fn tier(method: &str) -> Option<usize> {
    match method {
        "idea" => Some(0),
        "approach" => Some(1),
        "hint" => Some(2),
        _ => None,
    }
}

/// The checks `source` declares, in order; `None` when it is not Rust that
/// parses (a learner mid-edit), so a caller can keep what it had.
pub fn declared(source: &str) -> Option<Vec<Declared>> {
    let file = syn::parse_file(source).ok()?;
    let mut finder = Finder::default();
    finder.visit_file(&file);
    Some(finder.checks)
}

#[derive(Default)]
struct Finder {
    checks: Vec<Declared>,
}

/// `Check::new("id", points, ...)`: its id and points.
fn check_new(call: &ExprCall) -> Option<(String, u32)> {
    let Expr::Path(path) = &*call.func else {
        return None;
    };
    let names: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    if !names.ends_with(&["Check".to_owned(), "new".to_owned()]) {
        return None;
    }
    let mut args = call.args.iter();
    let id = match args.next()? {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => s.value(),
        _ => return None,
    };
    let points = match args.next()? {
        Expr::Lit(ExprLit {
            lit: Lit::Int(n), ..
        }) => n.base10_parse().ok()?,
        _ => return None,
    };
    Some((id, points))
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_expr_method_call(&mut self, call: &'ast ExprMethodCall) {
        // `Check::new(..).hint("...")`: the hint belongs to that check. The
        // receiver is visited first, so the check is already recorded.
        syn::visit::visit_expr_method_call(self, call);
        let Some(tier) = tier(&call.method.to_string()) else {
            return;
        };
        // The check whose chain this is: `Check::new(..)`, perhaps with
        // other settings (`.time_limit(..)`) before the hint.
        let mut receiver = &*call.receiver;
        while let Expr::MethodCall(inner) = receiver {
            receiver = &inner.receiver;
        }
        let Expr::Call(receiver) = receiver else {
            return;
        };
        let (
            Some((id, _)),
            Some(Expr::Lit(ExprLit {
                lit: Lit::Str(hint),
                ..
            })),
        ) = (check_new(receiver), call.args.first())
        else {
            return;
        };
        if let Some(check) = self.checks.iter_mut().rev().find(|c| c.id == id) {
            check.tiers[tier] = Some(hint.value());
        }
    }

    fn visit_expr_call(&mut self, call: &'ast ExprCall) {
        if let Some((id, points)) = check_new(call) {
            self.checks.push(Declared {
                id,
                points,
                tiers: Default::default(),
            });
        }
        syn::visit::visit_expr_call(self, call);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_their_points_and_hints_are_read_in_order() {
        let source = r#"
            use ninety_grader::{Check, Lab};
            fn main() -> std::process::ExitCode {
                Lab::new("x")
                    .check(Check::new("a.first", 2, first).idea("why").approach("how").hint(
                        "do the first thing, \
                         then the rest",
                    ))
                    .check(ninety_grader::Check::new("b.second", 3, second))
                    .check(Check::new("c.third", 1, first).time_limit(d).hint("late").idea("first"))
                    .run()
            }
            fn first() {}
            fn second() {}
        "#;
        assert_eq!(
            declared(source).unwrap(),
            vec![
                Declared {
                    id: "a.first".into(),
                    points: 2,
                    tiers: [
                        Some("why".into()),
                        Some("how".into()),
                        Some("do the first thing, then the rest".into()),
                    ],
                },
                Declared {
                    id: "b.second".into(),
                    points: 3,
                    tiers: [None, None, None],
                },
                Declared {
                    id: "c.third".into(),
                    points: 1,
                    tiers: [Some("first".into()), None, Some("late".into())],
                },
            ]
        );
        let third = &declared(source).unwrap()[2];
        assert_eq!(
            third.hints(),
            ["first", "late"],
            "gentlest first, whatever the chain's order"
        );
        assert_eq!(declared("fn main( {"), None, "a file mid-edit");
    }

    #[test]
    fn every_lab_s_checks_have_three_hint_tiers() {
        let labs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../labs");
        for lab in [
            "frame", "gather", "label", "train", "evaluate", "deploy", "monitor",
        ] {
            let source = std::fs::read_to_string(labs.join(lab).join("tests/grade.rs")).unwrap();
            let checks = declared(&source).unwrap();
            assert!(checks.len() >= 5, "{lab}: {checks:?}");
            for c in &checks {
                assert!(c.points > 0, "{lab}: {c:?}");
                // The idea, the approach and the code-level hint, each
                // saying something.
                assert!(
                    c.tiers
                        .iter()
                        .all(|t| t.as_deref().is_some_and(|h| h.len() > 20)),
                    "{lab}: {} needs an idea, an approach and a hint: {c:?}",
                    c.id
                );
                let hints = c.hints();
                assert!(
                    hints[0] != hints[1] && hints[1] != hints[2],
                    "{lab}: {}: each tier says something new",
                    c.id
                );
            }
        }
    }
}
