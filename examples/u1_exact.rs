//! The exact plaquette, ⟨Q²⟩ and charge distribution of two-dimensional U(1) gauge theory on
//! the L × L torus ([`pirk::U1Torus`]), for the table in docs/physics.md:
//! `cargo run --release --example u1_exact`.

use pirk::U1Torus;

fn main() {
    println!("  L     β    plaquette        q2          chi_t       P(0)      P(±1)     P(±2)");
    for l in [8usize, 16] {
        for beta in [1.0, 2.0, 4.0, 6.0, 8.0] {
            let t = U1Torus::new(l * l, beta);
            let p = t.charge_distribution(2);
            println!(
                "{l:3} {beta:5.1}   {:.8}   {:.8}   {:.8}   {:.5}   {:.5}   {:.5}",
                t.plaquette(),
                t.q2(),
                t.chi_t(),
                p[2],
                p[1] + p[3],
                p[0] + p[4]
            );
        }
    }
}
