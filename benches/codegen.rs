//! Expansion time per shipped theory (parse → check → egg → lower → emit → format).
//!
//! Run with `cargo bench --bench codegen`; the dev-build figure that users feel is measured
//! with `cargo bench --profile dev --bench codegen` (egg and pirk-codegen at opt-level 3 as
//! in `[profile.dev.package]`).

use criterion::{Criterion, criterion_group, criterion_main};

#[path = "../tests/theories/mod.rs"]
#[allow(dead_code)]
mod theories;

fn expansion(c: &mut Criterion) {
    let mut group = c.benchmark_group("expand");
    group.sample_size(10);
    for (name, text) in theories::DECLARATIONS {
        group.bench_function(name, |b| b.iter(|| theories::compile(text).source.clone()));
    }
    // The built-in theories of the `pirk` command line.
    for (stem, text) in pirk_theories::DECLARATIONS {
        group.bench_function(format!("cli_{stem}"), |b| {
            b.iter(|| theories::compile(text).source.clone())
        });
    }
    group.finish();
}

criterion_group!(benches, expansion);
criterion_main!(benches);
