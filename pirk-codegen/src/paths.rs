//! Every runtime path the generated code names, spelled once.

use crate::ir::Func;
use crate::lower::Layout;
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

/// The in-place block function that evaluates `f` for many sites at once, if there is one:
/// at the best level for one configuration, at the caller's `level` for a lane group.
pub fn vector_function(f: Func, layout: Layout) -> Option<TokenStream> {
    let name = match f {
        Func::Exp => quote!(exp),
        Func::Tanh => quote!(tanh),
        Func::Sin => quote!(sin),
        Func::Cos => quote!(cos),
        _ => return None,
    };
    Some(match layout {
        Layout::Single => quote!(::pirk::vmath::#name),
        Layout::Lanes => quote!(level.#name),
    })
}

/// The block function that evaluates sin and cos of one buffer of arguments together (one
/// reduction for both): `sin_cos(args_then_sines, cosines)`.
pub fn vector_sin_cos(layout: Layout) -> TokenStream {
    match layout {
        Layout::Single => quote!(::pirk::vmath::sin_cos),
        Layout::Lanes => quote!(level.sin_cos),
    }
}

/// The instruction-set level type, which batched methods take and run at.
pub fn level() -> TokenStream {
    quote!(::pirk::vmath::Level)
}

/// The lane-group value type.
pub fn lanes() -> TokenStream {
    quote!(::pirk::lanes::Lanes)
}

/// Configurations per lane group.
pub fn lane_count() -> TokenStream {
    quote!(::pirk::lanes::LANES)
}

/// Sites per block when the site loop is strip-mined for the vector functions.
pub fn vector_block() -> TokenStream {
    quote!(::pirk::vmath::BLOCK)
}

/// The operation trait a batched sweep implements to run at a level.
pub fn with_simd() -> TokenStream {
    quote!(::pirk::vmath::WithSimd)
}

/// The instruction-set trait that operation is generic over.
pub fn simd() -> TokenStream {
    quote!(::pirk::vmath::Simd)
}
