//! The parsed declaration, before any checking: every node keeps its span.

use proc_macro2::Span;
use syn::{Attribute, Ident, Visibility};

/// A `theory!` declaration as written.
pub struct Decl {
    /// Outer attributes (doc comments are copied to the generated type).
    pub attrs: Vec<Attribute>,
    /// Visibility of the generated type.
    pub vis: Visibility,
    /// Name of the generated type.
    pub name: Ident,
    /// The field's name (`phi` unless a `field:` line renames it).
    pub field: Option<Ident>,
    /// `field: periodic theta`: the field is an angle, and the action and kernels must be
    /// 2π-periodic in it (the `periodic` keyword, for errors about the declaration).
    pub periodic: Option<Ident>,
    /// `field: link theta[D]`: one value per site and direction on D-dimensional lattices (the
    /// `link` keyword, for errors about the declaration); `components` holds D.
    pub link: Option<Ident>,
    /// `field: phi[N]`: N real components per site, and the literal (for errors).
    pub components: Option<(u32, Span)>,
    /// Declared couplings.
    pub params: Vec<Ident>,
    /// The `params` key, for errors about the list as a whole.
    pub params_span: Span,
    /// The action density at site `x`.
    pub action: Option<Ast>,
    /// Named kernels, in order.
    pub kernels: Vec<(Ident, Ast)>,
    /// The `kernels` key (or the declaration name when it is missing).
    pub kernels_span: Span,
}

/// Binary operators of the expression language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `^` (right-associative, binds tighter than unary minus)
    Pow,
}

/// A parsed expression.
pub enum Ast {
    /// A number literal, with its source text.
    Num(String, Span),
    /// A bare identifier.
    Ident(Ident),
    /// `name[index]` or `name[index, component]`.
    Index(Ident, Box<Ast>, Option<Box<Ast>>),
    /// `name(args…)`.
    Call(Ident, Vec<Ast>),
    /// `-e`.
    Neg(Box<Ast>, Span),
    /// `a op b`; the span is the operator's.
    Binary(BinOp, Box<Ast>, Box<Ast>, Span),
}

impl Ast {
    /// The leftmost token: where to point errors about the expression as a whole.
    pub fn first_span(&self) -> Span {
        match self {
            Ast::Binary(_, lhs, _, _) => lhs.first_span(),
            other => other.span(),
        }
    }

    /// The first identifier (leftmost, depth first) for which `pred` holds.
    pub fn find_ident(&self, pred: &impl Fn(&Ident) -> bool) -> Option<&Ident> {
        match self {
            Ast::Num(..) => None,
            Ast::Ident(i) => pred(i).then_some(i),
            Ast::Index(_, e, None) | Ast::Neg(e, _) => e.find_ident(pred),
            Ast::Index(_, e, Some(c)) => e.find_ident(pred).or_else(|| c.find_ident(pred)),
            Ast::Call(_, args) => args.iter().find_map(|a| a.find_ident(pred)),
            Ast::Binary(_, a, b, _) => a.find_ident(pred).or_else(|| b.find_ident(pred)),
        }
    }

    /// Where to point errors about this node.
    pub fn span(&self) -> Span {
        match self {
            Ast::Num(_, s) | Ast::Neg(_, s) | Ast::Binary(_, _, _, s) => *s,
            Ast::Ident(i) | Ast::Index(i, ..) | Ast::Call(i, _) => i.span(),
        }
    }
}
