//! Every runtime path the generated code names, spelled once.

use crate::ir::Func;
use proc_macro2::TokenStream;
use quote::quote;

/// The trait generated types implement.
pub fn theory_trait() -> TokenStream {
    quote!(::pirk::Theory)
}

/// The lattice type.
pub fn lattice() -> TokenStream {
    quote!(::pirk::Lattice)
}

/// The in-place block function that evaluates `f` for many sites at once, if there is one.
pub fn vector_function(f: Func) -> Option<TokenStream> {
    match f {
        Func::Exp => Some(quote!(::pirk::vmath::exp)),
        Func::Tanh => Some(quote!(::pirk::vmath::tanh)),
        _ => None,
    }
}

/// Sites per block when the site loop is strip-mined for the vector functions.
pub fn vector_block() -> TokenStream {
    quote!(::pirk::vmath::BLOCK)
}
