// The `pirk` command line with a theory of its own: every built-in theory plus φ⁶, declared
// below. Change the declaration, or add theories with more `.theory::<T>(…)` calls; README.md
// says how.

use std::process::ExitCode;

use pirk_cli::{App, WolffEmbedding};

pirk::theory! {
    /// Hopping-form φ⁴ plus a sextic term,
    /// S = Σ_x [−2κ Σ_μ φ_x φ_{x+μ} + (1 − 2λ) φ_x² + λ φ_x⁴ + g6 φ_x⁶].
    /// The action is even in φ, so the kernels are odd.
    pub Phi6 {
        params: [kappa, lambda, g6],
        action: -2 * kappa * sum_mu(phi[x] * phi[x + mu]) + (1 - 2 * lambda) * phi[x]^2 + lambda * phi[x]^4 + g6 * phi[x]^6,
        kernels: {
            th_half: tanh(phi[x] / 2),
            th1: tanh(phi[x]),
            th2: tanh(2 * phi[x]),
            d3_1: phi[x]^3 * exp(-phi[x]^2 / 2),
            d5_1: phi[x]^5 * exp(-phi[x]^2 / 2),
            hop_sech: (1 - tanh(phi[x] / 2)^2) * sum_mu(phi[x + mu] + phi[x - mu]),
            zm1: tanh(mean(phi)),
        },
    }
}

/// The command line: the built-in theories and `phi6`. At g6 = 0 the action is the hopping
/// form, so `compare` adds the Wolff cluster baseline there and `wolff` runs it.
fn app() -> App {
    App::with_builtins()
        .theory::<Phi6>("phi6", "hopping φ⁴ plus g6 φ⁶")
        .wolff(WolffEmbedding {
            kappa: "kappa",
            lambda: "lambda",
            extra: &["g6"],
        })
}

fn main() -> ExitCode {
    app().main()
}
