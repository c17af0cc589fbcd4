//! The rewrite rule table, one name per rule, grouped by family.

use super::lang::{Atom, ConstFold, Sym};
use egg::{EGraph, Id, Rewrite, Subst, Var, rewrite as rw};

/// A family of rules with a name (for tests and for reading).
pub struct RuleGroup {
    /// Family name.
    pub name: &'static str,
    /// The rules.
    pub rules: Vec<Rewrite<Sym, ConstFold>>,
}

type Cond = fn(&mut EGraph<Sym, ConstFold>, Id, &Subst) -> bool;
/// Rebuilds the compound node a pattern matched, from its pattern variables.
type NodeBuilder = fn(&dyn Fn(&str) -> Id) -> Sym;

fn var(name: &str) -> Var {
    name.parse().expect("pattern variable")
}

fn atoms(egraph: &EGraph<Sym, ConstFold>, id: Id) -> impl Iterator<Item = &Atom> {
    egraph[id].nodes.iter().filter_map(|n| match n {
        Sym::Atom(a) => Some(a),
        _ => None,
    })
}

/// `?y` is a constant or an atom other than the variable `?x`: its derivative is zero.
fn is_other_leaf(egraph: &mut EGraph<Sym, ConstFold>, _: Id, subst: &Subst) -> bool {
    let (x, y) = (subst[var("?x")], subst[var("?y")]);
    egraph.find(x) != egraph.find(y)
        && (egraph[y].data.is_some() || atoms(egraph, y).next().is_some())
}

/// The variable `?x` is a field occurrence whose shift names the direction `?b`.
fn shift_names_binder(egraph: &mut EGraph<Sym, ConstFold>, _: Id, subst: &Subst) -> bool {
    let (x, b) = (subst[var("?x")], subst[var("?b")]);
    atoms(egraph, x).any(|a| match a {
        Atom::Field(s, _) => {
            atoms(egraph, b).any(|bb| matches!(bb, Atom::Binder(b) if s.mentions(*b)))
        }
        _ => false,
    })
}

fn not_shift_names_binder(egraph: &mut EGraph<Sym, ConstFold>, id: Id, subst: &Subst) -> bool {
    !shift_names_binder(egraph, id, subst)
}

fn cond(c: Cond) -> impl Fn(&mut EGraph<Sym, ConstFold>, Id, &Subst) -> bool {
    c
}

/// The compound a derivative rule looks into is not a constant class. Without this guard a
/// class such as `1 = (^ A 0)` or `0 = (* A 0)` makes the rules differentiate `A`, and
/// whatever `A` contains, forever (the run never saturates).
fn varying(build: NodeBuilder) -> impl Fn(&mut EGraph<Sym, ConstFold>, Id, &Subst) -> bool {
    move |egraph, _, subst| {
        let node = build(&|name| subst[var(name)]);
        egraph
            .lookup(node)
            .is_none_or(|id| egraph[id].data.is_none())
    }
}

/// Every rule, grouped. Without commutativity and associativity the derivative rules
/// saturate in a few iterations; like terms are combined afterwards by `canon`.
pub fn rule_table() -> Vec<RuleGroup> {
    vec![
        RuleGroup {
            name: "derivative",
            rules: vec![
                rw!("d-same"; "(d ?x ?x)" => "1"),
                rw!("d-other"; "(d ?x ?y)" => "0" if cond(is_other_leaf)),
                rw!("d-add"; "(d ?x (+ ?a ?b))" => "(+ (d ?x ?a) (d ?x ?b))" if varying(|v| Sym::Add([v("?a"), v("?b")]))),
                rw!("d-mul"; "(d ?x (* ?a ?b))" => "(+ (* (d ?x ?a) ?b) (* ?a (d ?x ?b)))" if varying(|v| Sym::Mul([v("?a"), v("?b")]))),
                // Constant exponents only: the general rule divides by the base (NaN at 0).
                rw!("d-pow"; "(d ?x (^ ?f ?c))" => "(* (* ?c (^ ?f (+ ?c -1))) (d ?x ?f))" if varying(|v| Sym::Pow([v("?f"), v("?c")]))),
                rw!("d-exp"; "(d ?x (exp ?f))" => "(* (exp ?f) (d ?x ?f))" if varying(|v| Sym::Exp(v("?f")))),
                rw!("d-log"; "(d ?x (log ?f))" => "(* (^ ?f -1) (d ?x ?f))" if varying(|v| Sym::Log(v("?f")))),
                rw!("d-sqrt"; "(d ?x (sqrt ?f))" => "(* (* 1/2 (^ (sqrt ?f) -1)) (d ?x ?f))" if varying(|v| Sym::Sqrt(v("?f")))),
                rw!("d-sin"; "(d ?x (sin ?f))" => "(* (cos ?f) (d ?x ?f))" if varying(|v| Sym::Sin(v("?f")))),
                rw!("d-cos"; "(d ?x (cos ?f))" => "(* (* -1 (sin ?f)) (d ?x ?f))" if varying(|v| Sym::Cos(v("?f")))),
                rw!("d-tanh"; "(d ?x (tanh ?f))" => "(* (+ 1 (* -1 (^ (tanh ?f) 2))) (d ?x ?f))" if varying(|v| Sym::Tanh(v("?f")))),
                rw!("d-sinh"; "(d ?x (sinh ?f))" => "(* (cosh ?f) (d ?x ?f))" if varying(|v| Sym::Sinh(v("?f")))),
                rw!("d-cosh"; "(d ?x (cosh ?f))" => "(* (sinh ?f) (d ?x ?f))" if varying(|v| Sym::Cosh(v("?f")))),
            ],
        },
        RuleGroup {
            name: "direction-sum",
            rules: vec![
                rw!("d-sum"; "(d ?x (sum ?b ?f))" => "(sum ?b (d ?x ?f))" if cond(not_shift_names_binder)),
                rw!("d-sum-marked"; "(d ?x (sum ?b ?f))" => "(dsum ?b (d ?x ?f))" if cond(shift_names_binder)),
                rw!("sum-zero"; "(sum ?b 0)" => "0"),
                rw!("dsum-zero"; "(dsum ?b 0)" => "0"),
            ],
        },
        RuleGroup {
            name: "identity",
            rules: vec![
                rw!("add-zero-r"; "(+ ?a 0)" => "?a"),
                rw!("add-zero-l"; "(+ 0 ?a)" => "?a"),
                rw!("mul-zero-r"; "(* ?a 0)" => "0"),
                rw!("mul-zero-l"; "(* 0 ?a)" => "0"),
                rw!("mul-one-r"; "(* ?a 1)" => "?a"),
                rw!("mul-one-l"; "(* 1 ?a)" => "?a"),
                rw!("pow-one"; "(^ ?a 1)" => "?a"),
                rw!("pow-zero"; "(^ ?a 0)" => "1"),
            ],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::super::lang::NoDerivatives;
    use super::*;
    use egg::{Extractor, RecExpr, Runner, SimpleScheduler};

    /// Rewrite `input` with the whole table and extract the cheapest form.
    fn simplify(input: &str) -> String {
        let rules: Vec<_> = rule_table().into_iter().flat_map(|g| g.rules).collect();
        let expr: RecExpr<Sym> = input.parse().unwrap();
        let runner = Runner::<Sym, ConstFold>::default()
            .with_scheduler(SimpleScheduler)
            .with_iter_limit(50)
            .with_node_limit(10_000)
            .with_expr(&expr)
            .run(&rules);
        let (_, best) = Extractor::new(&runner.egraph, NoDerivatives).find_best(runner.roots[0]);
        best.to_string()
    }

    #[test]
    fn table_has_unique_names() {
        let mut names: Vec<String> = rule_table()
            .iter()
            .flat_map(|g| g.rules.iter().map(|r| r.name.to_string()))
            .collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n);
    }

    #[test]
    fn derivative_family() {
        assert_eq!(simplify("(d φ[x] φ[x])"), "1");
        assert_eq!(simplify("(d φ[x] φ[x+μ0])"), "0");
        assert_eq!(simplify("(d φ[x] (* θ0 φ[x]))"), "θ0");
        assert_eq!(simplify("(d φ[x] (^ φ[x] 3))"), "(* 3 (^ φ[x] 2))");
        assert_eq!(simplify("(d φ[x] (exp φ[x]))"), "(exp φ[x])");
        assert_eq!(
            simplify("(d φ[x] (tanh φ[x]))"),
            "(+ 1 (* -1 (^ (tanh φ[x]) 2)))"
        );
        assert_eq!(simplify("(d θ0 (+ (* θ0 φ[x]) θ1))"), "φ[x]");
    }

    #[test]
    fn direction_sum_family() {
        assert_eq!(
            simplify("(d φ[x] (sum μ0 (* φ[x] φ[x+μ0])))"),
            "(sum μ0 φ[x+μ0])"
        );
        assert_eq!(
            simplify("(d φ[x+μ0] (sum μ0 (* φ[x] φ[x+μ0])))"),
            "(dsum μ0 φ[x])"
        );
        assert_eq!(simplify("(d θ0 (sum μ0 φ[x+μ0]))"), "0");
    }

    #[test]
    fn identity_family() {
        assert_eq!(simplify("(+ (* 1 φ[x]) 0)"), "φ[x]");
        assert_eq!(simplify("(* (^ θ0 1) (^ φ[x] 0))"), "θ0");
        assert_eq!(simplify("(+ 2 (* 3 (^ 2 -1)))"), "7/2");
    }
}
