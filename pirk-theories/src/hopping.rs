pirk::theory! {
    /// Lattice φ⁴ in hopping form (S = Σ_x [−2κ Σ_μ φ_x φ_{x+μ} + (1 − 2λ) φ_x² + λ φ_x⁴]).
    /// At λ = 0.022 the field is O(1) in the symmetric phase and |φ| ≈ 5 in the broken phase
    /// (κ = 0.5), so the odd bounded kernels span the scales ¼…2 and the magnetisation kernels
    /// tanh(cM) move the zero mode to ±v (docs/theory.md §4).
    pub Phi4Hopping {
        params: [kappa, lambda],
        action: -2 * kappa * sum_mu(phi[x] * phi[x + mu]) + (1 - 2 * lambda) * phi[x]^2 + lambda * phi[x]^4,
        kernels: {
            id: phi[x],
            th_q: tanh(phi[x] / 4),
            th_half: tanh(phi[x] / 2),
            th1: tanh(phi[x]),
            th2: tanh(2 * phi[x]),
            d3_1: phi[x]^3 * exp(-phi[x]^2 / 2),
            d3_4: phi[x]^3 * exp(-phi[x]^2 / 8),
            hop: sum_mu(phi[x + mu] + phi[x - mu]),
            hop_sech: (1 - tanh(phi[x] / 2)^2) * sum_mu(phi[x + mu] + phi[x - mu]),
            th_hop: tanh(sum_mu(phi[x + mu] + phi[x - mu]) / 4) * (1 - tanh(phi[x] / 2)^2),
            rat: phi[x]^2 * sum_mu(phi[x + mu] + phi[x - mu]) / (4 + phi[x]^2),
            hop2_sech: (1 - tanh(phi[x] / 2)^2) * sum_mu(phi[x + 2 * mu] + phi[x - 2 * mu]),
            rat2: phi[x]^2 * sum_mu(phi[x + 2 * mu] + phi[x - 2 * mu]) / (4 + phi[x]^2),
            th_hop2: tanh(sum_mu(phi[x + mu] + phi[x - mu]) / 2) * (1 - tanh(phi[x] / 2)^2),
            th_hop8: tanh(sum_mu(phi[x + mu] + phi[x - mu]) / 8) * (1 - tanh(phi[x] / 2)^2),
            th_sq: tanh(phi[x]) * sum_mu((phi[x + mu] + phi[x - mu])^2) / (4 + sum_mu((phi[x + mu] + phi[x - mu])^2)),
            zm_q: tanh(mean(phi) / 4),
            zm1: tanh(mean(phi)),
            zm2: tanh(2 * mean(phi)),
            zm4: tanh(4 * mean(phi)),
            zm_d3: mean(phi)^3 * exp(-mean(phi)^2 / 2),
            zm_m: mean(phi) * exp(-mean(phi)^2 / 50),
        },
    }
}
