//! Expansion time per shipped theory (parse → check → egg → lower → emit → format).
//!
//! Run with `cargo bench --bench codegen`; the dev-build figure that users feel is measured
//! with `cargo bench --profile dev --bench codegen` (egg and pirk-codegen at opt-level 3 as
//! in `[profile.dev.package]`).

use criterion::{Criterion, criterion_group, criterion_main};

#[path = "../tests/theories/mod.rs"]
#[allow(dead_code)]
mod theories;

/// The built-in theories of the `pirk` command line.
const SHIPPED: [(&str, &str); 4] = [
    ("cli_phi4", include_str!("../pirk-cli/src/theories/phi4.rs")),
    (
        "cli_hopping",
        include_str!("../pirk-cli/src/theories/hopping.rs"),
    ),
    (
        "cli_zero_dim",
        include_str!("../pirk-cli/src/theories/zero_dim.rs"),
    ),
    (
        "cli_sine_gordon",
        include_str!("../pirk-cli/src/theories/sine_gordon.rs"),
    ),
];

fn expansion(c: &mut Criterion) {
    let mut group = c.benchmark_group("expand");
    group.sample_size(10);
    for (name, text) in theories::DECLARATIONS.into_iter().chain(SHIPPED) {
        group.bench_function(name, |b| b.iter(|| theories::compile(text).source.clone()));
    }
    group.finish();
}

criterion_group!(benches, expansion);
criterion_main!(benches);
