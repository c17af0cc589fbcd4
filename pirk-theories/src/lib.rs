//! pirk's built-in theories, one `pirk::theory!` declaration per file: lattice φ⁴ in form A
//! and in hopping form (with and without the zero-mode potential that shapes priors near the
//! critical point), the zero-dimensional φ⁴ of the PIK paper, massive sine-Gordon, the XY
//! model of planar spins, the O(2) and O(3) models of two- and three-component fields and
//! two-dimensional U(1) gauge theory on links. The `pirk` command line registers them; tests,
//! benches and examples use the same types, and
//! [`DECLARATIONS`] gives their source text to tools that compile it directly.

mod hopping;
mod hopping_wells;
mod o2_hopping;
mod o3_hopping;
mod phi4;
mod sine_gordon;
mod u1;
mod xy;
mod zero_dim;

pub use hopping::Phi4Hopping;
pub use hopping_wells::Phi4HoppingWells;
pub use o2_hopping::O2Hopping;
pub use o3_hopping::O3Hopping;
pub use phi4::Phi4;
pub use sine_gordon::SineGordon;
pub use u1::U1;
pub use xy::Xy;
pub use zero_dim::ZeroDimPhi4;

/// File stem and text of every declaration, for compiling through `pirk_codegen` directly
/// (snapshots, expansion benches, the interpreter oracle).
pub const DECLARATIONS: [(&str, &str); 9] = [
    ("phi4", include_str!("phi4.rs")),
    ("hopping", include_str!("hopping.rs")),
    ("hopping_wells", include_str!("hopping_wells.rs")),
    ("zero_dim", include_str!("zero_dim.rs")),
    ("sine_gordon", include_str!("sine_gordon.rs")),
    ("xy", include_str!("xy.rs")),
    ("o2_hopping", include_str!("o2_hopping.rs")),
    ("o3_hopping", include_str!("o3_hopping.rs")),
    ("u1", include_str!("u1.rs")),
];

/// The text of the declaration in file `stem`.rs, if it is a built-in.
pub fn declaration(stem: &str) -> Option<&'static str> {
    DECLARATIONS
        .iter()
        .find(|(s, _)| *s == stem)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pirk::{Lattice, Theory};

    /// Every built-in theory is symmetric under φ → −φ, so every kernel must be odd: then the
    /// velocity is odd, the flow commutes with the symmetry, and a symmetric prior stays
    /// symmetric at every t.
    fn kernels_are_odd<T: Theory + Default>(dims: &[usize]) {
        let lat = Lattice::new(dims);
        let v = lat.volume() * T::COMPONENTS;
        let phi: Vec<f64> = (0..v)
            .map(|x| ((x * 7919 % 101) as f64 / 101.0 - 0.4) * 3.0)
            .collect();
        let minus: Vec<f64> = phi.iter().map(|p| -p).collect();
        let (mut k, mut km) = (vec![0.0; v], vec![0.0; v]);
        for (j, name) in T::KERNELS.iter().enumerate() {
            T::default().kernel(&lat, j, &phi, &mut k);
            T::default().kernel(&lat, j, &minus, &mut km);
            for (a, b) in k.iter().zip(&km) {
                assert!(
                    (a + b).abs() <= 1e-12 * (1.0 + a.abs()),
                    "{}: kernel {name} is not odd",
                    T::NAME
                );
            }
        }
    }

    /// Generated divergences against central differences of the generated kernels.
    fn divergences_match_finite_differences<T: Theory + Default>(dims: &[usize]) {
        let lat = Lattice::new(dims);
        let v = lat.volume() * T::COMPONENTS;
        let phi: Vec<f64> = (0..v)
            .map(|x| ((x * 7919 % 101) as f64 / 101.0 - 0.4) * 3.0)
            .collect();
        let mut div = vec![0.0; T::KERNELS.len()];
        T::default().divergence(&lat, &phi, &mut div);
        let (h, mut up, mut down) = (1e-5, vec![0.0; v], vec![0.0; v]);
        for (j, name) in T::KERNELS.iter().enumerate() {
            let fd: f64 = (0..v)
                .map(|x| {
                    let mut shifted = phi.clone();
                    shifted[x] += h;
                    T::default().kernel(&lat, j, &shifted, &mut up);
                    shifted[x] -= 2.0 * h;
                    T::default().kernel(&lat, j, &shifted, &mut down);
                    (up[x] - down[x]) / (2.0 * h)
                })
                .sum();
            assert!(
                (fd - div[j]).abs() <= 1e-6 * (1.0 + fd.abs()),
                "{}: divergence of {name} is {} but finite differences give {fd}",
                T::NAME,
                div[j]
            );
        }
    }

    #[test]
    fn built_in_divergences_match_finite_differences() {
        divergences_match_finite_differences::<Phi4>(&[4, 5]);
        divergences_match_finite_differences::<Phi4Hopping>(&[4, 5]);
        divergences_match_finite_differences::<Phi4HoppingWells>(&[4, 5]);
        divergences_match_finite_differences::<SineGordon>(&[4, 5]);
        divergences_match_finite_differences::<Xy>(&[4, 5]);
        divergences_match_finite_differences::<ZeroDimPhi4>(&[]);
        divergences_match_finite_differences::<O2Hopping>(&[4, 5]);
        divergences_match_finite_differences::<O3Hopping>(&[3, 4]);
        divergences_match_finite_differences::<U1>(&[4, 5]);
    }

    #[test]
    fn built_in_kernels_are_odd() {
        kernels_are_odd::<Phi4>(&[4, 5]);
        kernels_are_odd::<Phi4Hopping>(&[4, 5]);
        kernels_are_odd::<Phi4HoppingWells>(&[4, 5]);
        kernels_are_odd::<SineGordon>(&[4, 5]);
        kernels_are_odd::<Xy>(&[4, 5]);
        kernels_are_odd::<ZeroDimPhi4>(&[]);
        kernels_are_odd::<O2Hopping>(&[4, 5]);
        kernels_are_odd::<O3Hopping>(&[3, 4]);
        kernels_are_odd::<U1>(&[4, 5]);
    }
}
