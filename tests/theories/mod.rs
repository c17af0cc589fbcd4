//! The theories every test suite exercises, one declaration per file (also read as text by
//! the snapshot tests).

pub mod harmonics;
pub mod hopping;
pub mod hopping_critical;
pub mod hopping_neighbours;
pub mod hopping_tanh;
pub mod links;
pub mod phi4;
pub mod sine_gordon;
pub mod zero_dim;

/// The 18 declared kernels of `examples/cards/cost/hopping-32-critical.toml` (theory
/// `hopping-wells`).
#[allow(dead_code)]
pub const CRITICAL_CARD_KERNELS: [&str; 18] = [
    "th_q",
    "th_half",
    "th1",
    "th2",
    "d3_1",
    "d3_4",
    "hop_sech",
    "th_hop",
    "rat",
    "zm1",
    "zm2",
    "zm4",
    "zm_d3",
    "hop2_sech",
    "rat2",
    "th_hop2",
    "th_hop8",
    "th_sq",
];

/// File name and text of every declaration, for compiling through `pirk_codegen` directly.
#[allow(dead_code)]
pub const DECLARATIONS: [(&str, &str); 6] = [
    ("phi4", include_str!("phi4.rs")),
    ("hopping", include_str!("hopping.rs")),
    ("zero_dim", include_str!("zero_dim.rs")),
    ("sine_gordon", include_str!("sine_gordon.rs")),
    ("hopping_neighbours", include_str!("hopping_neighbours.rs")),
    ("links", include_str!("links.rs")),
];

/// The lattices of `all` that theory `T` runs on: a link field's own dimension only.
#[allow(dead_code)]
pub fn lattices<T: pirk::Theory>(all: &[&'static [usize]]) -> Vec<&'static [usize]> {
    (all.iter().copied())
        .filter(|dims| !T::LINKS || dims.len() == T::COMPONENTS)
        .collect()
}

/// Compile a declaration file's `theory!` invocation through the compiler library.
#[allow(dead_code)]
pub fn compile(text: &str) -> pirk_codegen::Compiled {
    let file: syn::File = syn::parse_str(text).expect("declaration files are valid Rust");
    let tokens = file
        .items
        .into_iter()
        .find_map(|item| match item {
            syn::Item::Macro(m) => Some(m.mac.tokens),
            _ => None,
        })
        .expect("a theory! invocation");
    pirk_codegen::compile(tokens).unwrap_or_else(|e| panic!("declaration does not compile: {e}"))
}
