//! pirk's compiler: a `theory!` declaration → checked IR → symbolic derivatives (egg) →
//! lowered, specialised Rust implementing `pirk::Theory`.
//!
//! A library rather than part of the proc-macro crate so that snapshot tests, benchmarks and
//! `pirk expand` can call it directly.
#![warn(missing_docs)]

mod ast;
mod check;
mod coincide;
mod components;
mod emit;
mod factor;
pub mod interp;
pub mod ir;
mod lower;
mod parse;
mod paths;
mod periodic;
pub mod symbolic;

pub use check::{Kernel, Model};
pub use symbolic::Derived;

use proc_macro2::TokenStream;

/// A compiled theory: the checked model, its derived forms, and the generated code.
pub struct Compiled {
    /// The checked declaration.
    pub model: Model,
    /// Force, coupling gradients and divergences, simplified.
    pub derived: Derived,
    /// The generated items.
    pub tokens: TokenStream,
    /// The generated items formatted, without the `SOURCE` constant that holds this text.
    pub source: String,
}

/// Compile a declaration (the tokens inside `theory! { … }`).
pub fn compile(input: TokenStream) -> syn::Result<Compiled> {
    let decl: ast::Decl = syn::parse2(input)?;
    compile_decl(&decl)
}

fn compile_decl(decl: &ast::Decl) -> syn::Result<Compiled> {
    let model = check::check(decl)?;
    let derived = symbolic::derive(&model).map_err(|msg| syn::Error::new(decl.name.span(), msg))?;
    let (tokens, source) = emit::emit(&model, &derived);
    Ok(Compiled {
        model,
        derived,
        tokens,
        source,
    })
}

/// The `theory!` macro: generated items, or every error plus a stub of the type.
pub fn expand(input: TokenStream) -> TokenStream {
    let decl: ast::Decl = match syn::parse2(input.clone()) {
        Ok(decl) => decl,
        Err(e) => {
            let mut out = match syn::parse2::<parse::Header>(input) {
                Ok(header) => emit::stub(&header.name, &[], &[]),
                Err(_) => TokenStream::new(),
            };
            out.extend(e.to_compile_error());
            return out;
        }
    };
    match compile_decl(&decl) {
        Ok(compiled) => compiled.tokens,
        Err(e) => {
            let params: Vec<String> = decl.params.iter().map(|p| p.to_string()).collect();
            let kernels: Vec<String> = decl.kernels.iter().map(|k| k.0.to_string()).collect();
            let mut out = emit::stub(&decl.name, &params, &kernels);
            out.extend(e.to_compile_error());
            out
        }
    }
}
