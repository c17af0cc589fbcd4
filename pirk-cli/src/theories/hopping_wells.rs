pirk::theory! {
    /// Hopping-form φ⁴ plus an auxiliary zero-mode term −log cosh(w M) per site (M = mean φ),
    /// which splits the magnetisation into two wells at M ≈ ±w/(2(1 − 4κ)) when λ = 0. The
    /// target is `wells = 0`, plain hopping φ⁴; a path that starts at `lambda = 0, wells = w`
    /// starts from the exactly samplable two-well prior (`[prior] wells = w`) and never has to
    /// split the collective mode: the route into the broken phase (docs/physics.md). Kernels
    /// act on the fluctuation φ_x − M around the well a configuration sits in, times tanh of
    /// M where they must change sign with the well, so that each stays odd.
    pub Phi4HoppingWells {
        params: [kappa, lambda, wells],
        action: -2 * kappa * sum_mu(phi[x] * phi[x + mu]) + (1 - 2 * lambda) * phi[x]^2 + lambda * phi[x]^4 - log(cosh(wells * mean(phi))),
        kernels: {
            th_q: tanh(phi[x] / 4),
            th_half: tanh(phi[x] / 2),
            fl_th1: tanh(phi[x] - mean(phi)),
            fl_th2: tanh(2 * (phi[x] - mean(phi))),
            fl_d3: (phi[x] - mean(phi))^3 * exp(-(phi[x] - mean(phi))^2 / 2),
            fl_sq: tanh(mean(phi)) * (phi[x] - mean(phi))^2 * exp(-(phi[x] - mean(phi))^2 / 2),
            fl_sq_wide: tanh(mean(phi)) * (phi[x] - mean(phi))^2 * exp(-(phi[x] - mean(phi))^2 / 8),
            fl_hop: tanh(mean(phi)) * (phi[x] - mean(phi)) * sum_mu(phi[x + mu] + phi[x - mu] - 2 * mean(phi)) * exp(-(phi[x] - mean(phi))^2 / 2),
            zm1: tanh(mean(phi)),
            zm_q: tanh(mean(phi) / 4),
        },
    }
}
