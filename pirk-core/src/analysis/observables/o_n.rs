//! Observables of an N-component field stored site-major, `phi[x·N + a]`: the magnetisation
//! vector `M_a = (1/V) Σ_x φ_{x,a}` and what O(N) symmetry makes of its moments, the
//! susceptibility `χ = V⟨|M|²⟩` (`⟨M⟩ = 0` on a finite volume) and the O(N) Binder cumulant.

use crate::{Estimate, Jackknife};

/// `M_a = (1/V) Σ_x φ_{x,a}` of an `n`-component configuration `phi[x·n + a]`.
///
/// # Panics
/// If `n` is 0 or does not divide `phi.len()`.
pub fn vector_magnetisation(phi: &[f64], n: usize) -> Vec<f64> {
    assert!(
        n > 0 && phi.len().is_multiple_of(n),
        "{} values are not sites of {n} components",
        phi.len()
    );
    let mut m = vec![0.0; n];
    for site in phi.chunks(n) {
        m.iter_mut().zip(site).for_each(|(m, f)| *m += f);
    }
    let v = (phi.len() / n) as f64;
    m.iter_mut().for_each(|m| *m /= v);
    m
}

/// `|M|`, the length of the magnetisation vector of an `n`-component configuration (`|M|`
/// of the one-component magnetisation for `n = 1`).
pub fn magnetisation_length(phi: &[f64], n: usize) -> f64 {
    (vector_magnetisation(phi, n).iter())
        .map(|m| m * m)
        .sum::<f64>()
        .sqrt()
}

/// `χ = V⟨|M|²⟩` from a series of `|M|²`: with O(N) symmetry unbroken on a finite volume
/// `⟨M⟩ = 0`, so nothing is subtracted (unlike [`crate::susceptibility`]).
pub fn o_n_susceptibility(
    m2: &[f64],
    volume: usize,
    weights: Option<&[f64]>,
    jk: &Jackknife,
) -> Estimate {
    jk.estimate(&[m2], weights, |a| volume as f64 * a[0])
}

/// `U = 1 − n⟨|M|⁴⟩/((n+2)⟨|M|²⟩²)` of an `n`-component magnetisation from a series of `|M|²`:
/// 0 when `M` is Gaussian (the disordered phase), `2/(n+2)` when `|M|` is sharp (the ordered
/// one). `n = 1` is [`crate::binder`]; `(n+2)/2` times this is the variant normalised to 1 in
/// the ordered phase.
pub fn o_n_binder(m2: &[f64], n: usize, weights: Option<&[f64]>, jk: &Jackknife) -> Estimate {
    let n = n as f64;
    let m4: Vec<f64> = m2.iter().map(|x| x * x).collect();
    jk.estimate(&[m2, &m4], weights, |a| {
        1.0 - n * a[1] / ((n + 2.0) * a[0] * a[0])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{binder, magnetisation, stream_rng};
    use rand_distr::{Distribution, StandardNormal};

    /// `|M|²` of a configuration.
    fn norm2(m: &[f64]) -> f64 {
        m.iter().map(|x| x * x).sum()
    }

    /// Three sites of three components: the mean of each component over the sites; one
    /// component is [`magnetisation`].
    #[test]
    fn magnetisation_of_a_hand_made_configuration() {
        let phi = [1.0, 2.0, 3.0, -1.0, 0.5, 0.0, 3.0, 0.5, -6.0];
        assert_eq!(vector_magnetisation(&phi, 3), [1.0, 1.0, -1.0]);
        assert_eq!(vector_magnetisation(&phi, 1), [magnetisation(&phi)]);
        let aligned = [0.6, -0.8].repeat(5);
        assert_eq!(vector_magnetisation(&aligned, 2), [0.6, -0.8]);
        let opposed = [0.6, -0.8, -0.6, 0.8];
        assert_eq!(norm2(&vector_magnetisation(&opposed, 2)), 0.0);
    }

    #[test]
    #[should_panic(expected = "not sites of 2 components")]
    fn magnetisation_needs_whole_sites() {
        vector_magnetisation(&[1.0; 5], 2);
    }

    /// `χ = V⟨|M|²⟩`.
    #[test]
    fn susceptibility_is_the_volume_times_the_mean_square() {
        let chi = o_n_susceptibility(&[0.25, 0.75], 8, None, &Jackknife::new());
        assert!((chi.value - 4.0).abs() < 1e-14, "{chi}");
    }

    /// With `n = 1` the cumulant is the Ising one of the same series, and a sharp `|M|` gives
    /// `2/(n+2)`.
    #[test]
    fn o_n_binder_reduces_to_binder() {
        let m: Vec<f64> = (0..200)
            .map(|i| ((i * 37 % 101) as f64 - 50.0) / 30.0)
            .collect();
        let m2: Vec<f64> = m.iter().map(|x| x * x).collect();
        let jk = Jackknife::new();
        let (u, b) = (o_n_binder(&m2, 1, None, &jk), binder(&m, None, &jk));
        assert!((u.value - b.value).abs() < 1e-14, "{u} vs {b}");
        assert!((u.error - b.error).abs() < 1e-14, "{u} vs {b}");
        for n in [2, 3, 4] {
            let sharp = o_n_binder(&[0.49; 10], n, None, &jk);
            let expected = 2.0 / (n as f64 + 2.0);
            assert!((sharp.value - expected).abs() < 1e-14, "{n}: {sharp}");
        }
    }

    /// Gaussian magnetisations of `n` components (from configurations of 4 sites whose values
    /// are independent normals) give `U = 0` within 4σ and 0.01, for `n = 1, 2, 3`.
    #[test]
    fn gaussian_magnetisation_has_zero_binder() {
        let jk = Jackknife::new();
        for n in 1..=3 {
            let mut rng = stream_rng(17, n as u64);
            let m2: Vec<f64> = (0..100_000)
                .map(|_| {
                    let phi: Vec<f64> = (0..4 * n)
                        .map(|_| StandardNormal.sample(&mut rng))
                        .collect();
                    norm2(&vector_magnetisation(&phi, n))
                })
                .collect();
            let u = o_n_binder(&m2, n, None, &jk);
            assert!(u.error < 0.01 && u.value.abs() < 4.0 * u.error, "{n}: {u}");
        }
    }
}
