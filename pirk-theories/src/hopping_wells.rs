pirk::theory! {
    /// Hopping-form φ⁴ plus an auxiliary zero-mode potential per site (M = mean φ):
    /// −log cosh(w M), which splits the magnetisation into two wells at M ≈ ±w/(2(1 − 4κ)) when
    /// λ = 0, and μ M² + g M⁴ (`zm_mass`, `zm_quartic`). The target switches it off
    /// (`wells = zm_mass = zm_quartic = 0`: plain hopping φ⁴). A path that starts at
    /// `lambda = 0, wells = w` starts from the exactly samplable two-well prior
    /// (`[prior] wells = w`) and never has to split the collective mode: the route into the
    /// broken phase. One that starts at `lambda = 0, zm_mass = μ, zm_quartic = g` starts from
    /// the zero-mode prior (`[prior] zm_mass`, `zm_quartic`), whose magnetisation already has
    /// the critical point's shape (docs/physics.md). Kernels act on the fluctuation φ_x − M
    /// around the well a configuration sits in, times tanh of M where they must change sign
    /// with the well, so that each stays odd. The kernels from `th1` on are hopping's
    /// near-critical ones, for scans that start in the two wells and run down through κ_c.
    pub Phi4HoppingWells {
        params: [kappa, lambda, wells, zm_mass, zm_quartic],
        action: -2 * kappa * sum_mu(phi[x] * phi[x + mu]) + (1 - 2 * lambda) * phi[x]^2 + lambda * phi[x]^4 - log(cosh(wells * mean(phi))) + zm_mass * mean(phi)^2 + zm_quartic * mean(phi)^4,
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
            th1: tanh(phi[x]),
            th2: tanh(2 * phi[x]),
            d3_1: phi[x]^3 * exp(-phi[x]^2 / 2),
            d3_4: phi[x]^3 * exp(-phi[x]^2 / 8),
            hop_sech: (1 - tanh(phi[x] / 2)^2) * sum_mu(phi[x + mu] + phi[x - mu]),
            th_hop: tanh(sum_mu(phi[x + mu] + phi[x - mu]) / 4) * (1 - tanh(phi[x] / 2)^2),
            rat: phi[x]^2 * sum_mu(phi[x + mu] + phi[x - mu]) / (4 + phi[x]^2),
            hop2_sech: (1 - tanh(phi[x] / 2)^2) * sum_mu(phi[x + 2 * mu] + phi[x - 2 * mu]),
            rat2: phi[x]^2 * sum_mu(phi[x + 2 * mu] + phi[x - 2 * mu]) / (4 + phi[x]^2),
            th_hop2: tanh(sum_mu(phi[x + mu] + phi[x - mu]) / 2) * (1 - tanh(phi[x] / 2)^2),
            th_hop8: tanh(sum_mu(phi[x + mu] + phi[x - mu]) / 8) * (1 - tanh(phi[x] / 2)^2),
            th_sq: tanh(phi[x]) * sum_mu((phi[x + mu] + phi[x - mu])^2) / (4 + sum_mu((phi[x + mu] + phi[x - mu])^2)),
            zm2: tanh(2 * mean(phi)),
            zm4: tanh(4 * mean(phi)),
            zm_d3: mean(phi)^3 * exp(-mean(phi)^2 / 2),
        },
    }
}
