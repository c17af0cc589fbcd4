//! The built-in theories (declared in the `pirk-theories` crate), registered with their card
//! names, dimensions and Wolff embeddings.

use pirk_theories::{
    O2Hopping, O3Hopping, Phi4, Phi4Hopping, Phi4HoppingWells, SineGordon, U1, Xy, ZeroDimPhi4,
};

use crate::App;
use crate::registry::{PlanarEmbedding, WolffEmbedding};

/// Registers every built-in theory on `app`, in the order `pirk theories` lists them.
pub fn builtins(app: App) -> App {
    app.theory::<Phi4>(
        "phi4",
        "lattice φ⁴, form A: Σ_μ (φ_{x+μ} − φ_x)² + m² φ² + λ φ⁴",
    )
    .theory::<Phi4Hopping>(
        "hopping",
        "lattice φ⁴, hopping form: −2κ Σ_μ φ_x φ_{x+μ} + (1 − 2λ) φ² + λ φ⁴",
    )
    .wolff(WolffEmbedding {
        kappa: "kappa",
        lambda: "lambda",
        extra: &[],
    })
    .theory::<Phi4HoppingWells>(
        "hopping-wells",
        "hopping φ⁴ plus a zero-mode potential −log cosh(w M) + μ M² + g M⁴ that shapes the prior",
    )
    .wolff(WolffEmbedding {
        kappa: "kappa",
        lambda: "lambda",
        extra: &["wells", "zm_mass", "zm_quartic"],
    })
    .theory::<ZeroDimPhi4>(
        "phi4-0d",
        "zero-dimensional φ⁴ of the PIK paper: ½ m² φ² + λ/4 φ⁴ (lattice = [])",
    )
    .dimensions(0..=0)
    .theory::<SineGordon>(
        "sine-gordon",
        "massive sine-Gordon: ½ Σ_μ (θ_{x+μ} − θ_x)² + ½ m² θ² + (α/β²)(1 − cos βθ)",
    )
    .theory::<Xy>(
        "xy",
        "XY model of planar spins (periodic θ): −β Σ_μ cos(θ_{x+μ} − θ_x)",
    )
    .wolff(PlanarEmbedding { beta: "beta" })
    .theory::<O2Hopping>(
        "o2-hopping",
        "two-component φ⁴, hopping form: −2κ Σ_μ φ_x·φ_{x+μ} + φ² + λ (φ² − 1)²",
    )
    .wolff(WolffEmbedding {
        kappa: "kappa",
        lambda: "lambda",
        extra: &[],
    })
    .theory::<O3Hopping>(
        "o3-hopping",
        "three-component φ⁴, hopping form: −2κ Σ_μ φ_x·φ_{x+μ} + φ² + λ (φ² − 1)²",
    )
    .wolff(WolffEmbedding {
        kappa: "kappa",
        lambda: "lambda",
        extra: &[],
    })
    .theory::<U1>(
        "u1",
        "U(1) gauge theory on links (periodic θ_{x,μ}, two dimensions): −β Σ_P cos θ_P",
    )
}
