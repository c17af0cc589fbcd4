//! Parsing `theory!` input: `syn` for the declaration, precedence climbing for expressions.

use crate::ast::{Ast, BinOp, Decl};
use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Ident, Token, Visibility, braced, bracketed, parenthesized};

impl Parse for Decl {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        let name: Ident = input.parse()?;
        let body;
        braced!(body in input);
        let mut decl = Decl {
            attrs,
            vis,
            field: None,
            periodic: None,
            link: None,
            components: None,
            params: Vec::new(),
            params_span: name.span(),
            action: None,
            kernels: Vec::new(),
            kernels_span: name.span(),
            name,
        };
        let mut seen: Vec<String> = Vec::new();
        while !body.is_empty() {
            let key: Ident = body.parse()?;
            let key_name = key.to_string();
            if seen.contains(&key_name) {
                return Err(syn::Error::new(
                    key.span(),
                    format!("duplicate key `{key_name}`"),
                ));
            }
            body.parse::<Token![:]>()?;
            match key_name.as_str() {
                "field" => {
                    let mut name: Ident = body.parse()?;
                    if name == "periodic" && body.peek(Ident) {
                        decl.periodic = Some(name);
                        name = body.parse()?;
                    }
                    if name == "link" && body.peek(Ident) {
                        decl.link = Some(name);
                        name = body.parse()?;
                    }
                    if let Some(link) = &decl.link
                        && !body.peek(syn::token::Bracket)
                    {
                        return Err(syn::Error::new(
                            link.span(),
                            format!(
                                "a link field has one value per site and direction: declare the \
                                 lattice's dimension, e.g. `field: link {name}[2]`"
                            ),
                        ));
                    }
                    decl.field = Some(name);
                    if body.peek(syn::token::Bracket) {
                        let inner;
                        bracketed!(inner in body);
                        let n: syn::LitInt = inner.parse()?;
                        match n.base10_parse::<u32>() {
                            Ok(count) if count >= 1 && n.suffix().is_empty() => {
                                decl.components = Some((count, n.span()));
                            }
                            _ => {
                                return Err(syn::Error::new(
                                    n.span(),
                                    "the number of components is an integer literal ≥ 1",
                                ));
                            }
                        }
                    }
                }
                "params" => {
                    let list;
                    bracketed!(list in body);
                    decl.params = list
                        .parse_terminated(Ident::parse, Token![,])?
                        .into_iter()
                        .collect();
                    decl.params_span = key.span();
                }
                "action" => decl.action = Some(parse_expr(&body)?),
                "kernels" => {
                    let list;
                    braced!(list in body);
                    decl.kernels_span = key.span();
                    while !list.is_empty() {
                        let kname: Ident = list.parse()?;
                        list.parse::<Token![:]>()?;
                        decl.kernels.push((kname, parse_expr(&list)?));
                        if !list.is_empty() {
                            list.parse::<Token![,]>()?;
                        }
                    }
                }
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown key `{key_name}`; expected `field`, `params`, `action` or `kernels`"
                        ),
                    ));
                }
            }
            seen.push(key_name);
            if !body.is_empty() {
                body.parse::<Token![,]>()?;
            }
        }
        if decl.action.is_none() {
            return Err(syn::Error::new(decl.name.span(), "missing `action: …`"));
        }
        if !seen.iter().any(|k| k == "kernels") {
            return Err(syn::Error::new(
                decl.name.span(),
                "missing `kernels: { … }`",
            ));
        }
        Ok(decl)
    }
}

/// Only the attributes, visibility and name of a declaration: enough to emit a stub of the
/// type when the rest does not parse.
pub struct Header {
    /// Name of the generated type.
    pub name: Ident,
}

impl Parse for Header {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        input.call(Attribute::parse_outer)?;
        input.parse::<Visibility>()?;
        let name = input.parse()?;
        input.parse::<proc_macro2::TokenStream>()?;
        Ok(Header { name })
    }
}

/// An expression: `+ -` < `* /` < unary `-` < `^` (right-associative).
pub fn parse_expr(input: ParseStream) -> syn::Result<Ast> {
    let mut lhs = parse_product(input)?;
    loop {
        let op = if input.peek(Token![+]) {
            (BinOp::Add, input.parse::<Token![+]>()?.span)
        } else if input.peek(Token![-]) {
            (BinOp::Sub, input.parse::<Token![-]>()?.span)
        } else {
            return Ok(lhs);
        };
        let rhs = parse_product(input)?;
        lhs = Ast::Binary(op.0, Box::new(lhs), Box::new(rhs), op.1);
    }
}

fn parse_product(input: ParseStream) -> syn::Result<Ast> {
    let mut lhs = parse_unary(input)?;
    loop {
        let op = if input.peek(Token![*]) {
            (BinOp::Mul, input.parse::<Token![*]>()?.span)
        } else if input.peek(Token![/]) {
            (BinOp::Div, input.parse::<Token![/]>()?.span)
        } else {
            return Ok(lhs);
        };
        let rhs = parse_unary(input)?;
        lhs = Ast::Binary(op.0, Box::new(lhs), Box::new(rhs), op.1);
    }
}

fn parse_unary(input: ParseStream) -> syn::Result<Ast> {
    if input.peek(Token![-]) {
        let minus: Token![-] = input.parse()?;
        return Ok(Ast::Neg(Box::new(parse_unary(input)?), minus.span));
    }
    parse_power(input)
}

fn parse_power(input: ParseStream) -> syn::Result<Ast> {
    let base = parse_primary(input)?;
    if input.peek(Token![^]) {
        let caret: Token![^] = input.parse()?;
        let exponent = parse_unary(input)?;
        return Ok(Ast::Binary(
            BinOp::Pow,
            Box::new(base),
            Box::new(exponent),
            caret.span,
        ));
    }
    Ok(base)
}

fn parse_primary(input: ParseStream) -> syn::Result<Ast> {
    if input.peek(syn::token::Paren) {
        let inner;
        parenthesized!(inner in input);
        let e = parse_expr(&inner)?;
        if !inner.is_empty() {
            return Err(inner.error("unexpected tokens after expression"));
        }
        return Ok(e);
    }
    if input.peek(syn::LitInt) {
        let lit: syn::LitInt = input.parse()?;
        return number(lit.base10_digits(), lit.suffix(), lit.span());
    }
    if input.peek(syn::LitFloat) {
        let lit: syn::LitFloat = input.parse()?;
        return number(lit.base10_digits(), lit.suffix(), lit.span());
    }
    if input.peek(Ident) {
        let name: Ident = input.parse()?;
        if input.peek(syn::token::Bracket) {
            let inner;
            bracketed!(inner in input);
            let index = parse_expr(&inner)?;
            let component = if inner.peek(Token![,]) {
                inner.parse::<Token![,]>()?;
                Some(Box::new(parse_expr(&inner)?))
            } else {
                None
            };
            if !inner.is_empty() {
                return Err(inner.error("unexpected tokens in field index"));
            }
            return Ok(Ast::Index(name, Box::new(index), component));
        }
        if input.peek(syn::token::Paren) {
            let inner;
            parenthesized!(inner in input);
            let args = inner.parse_terminated(parse_expr, Token![,])?;
            return Ok(Ast::Call(name, args.into_iter().collect()));
        }
        return Ok(Ast::Ident(name));
    }
    Err(input.error("expected a number, a name, a call or a parenthesised expression"))
}

fn number(digits: &str, suffix: &str, span: Span) -> syn::Result<Ast> {
    if !suffix.is_empty() {
        return Err(syn::Error::new(span, "number literals take no type suffix"));
    }
    Ok(Ast::Num(digits.to_string(), span))
}
