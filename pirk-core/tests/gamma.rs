//! The Γ-method on an AR(1) series with known `τ_int = (1 + ρ)/(2(1 − ρ))`.

use pirk_core::{GammaMethod, stream_rng};
use rand_distr::{Distribution, StandardNormal};

#[test]
fn ar1_integrated_autocorrelation_time() {
    for (rho, seed) in [(0.5, 1), (0.8, 2), (0.95, 3)] {
        let mut rng = stream_rng(seed, 0);
        let n = 100_000;
        let mut x = 0.0;
        let series: Vec<f64> = (0..n)
            .map(|_| {
                let z: f64 = StandardNormal.sample(&mut rng);
                x = rho * x + z;
                x
            })
            .collect();
        let a = GammaMethod::new().analyse(&series);
        let exact = (1.0 + rho) / (2.0 * (1.0 - rho));
        eprintln!(
            "AR(1) rho {rho}: tau_int {} (exact {exact}), window {}",
            a.tau_int, a.window
        );
        assert!(
            (a.tau_int.value - exact).abs() < 3.0 * a.tau_int.error,
            "rho {rho}: {} vs {exact}",
            a.tau_int
        );
        // Error of the mean: σ² = 2τ Var(x)/N with Var(x) = 1/(1 − ρ²).
        let err = (2.0 * exact / (1.0 - rho * rho) / n as f64).sqrt();
        assert!(
            (a.mean.error / err - 1.0).abs() < 0.2,
            "error {} vs {err}",
            a.mean.error
        );
    }
}
