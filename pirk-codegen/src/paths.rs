//! Every runtime path the generated code names, spelled once.

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
