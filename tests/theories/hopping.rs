pirk::theory! {
    /// Lattice φ⁴ in hopping form (S = Σ_x [−2κ Σ_μ φ_x φ_{x+μ} + (1 − 2λ) φ_x² + λ φ_x⁴]).
    pub Phi4Hopping {
        params: [kappa, lambda],
        action: -2 * kappa * sum_mu(phi[x] * phi[x + mu]) + (1 - 2 * lambda) * phi[x]^2 + lambda * phi[x]^4,
        kernels: {
            id: phi[x],
            th_half: tanh(phi[x] / 2),
            th1: tanh(phi[x]),
            th2: tanh(2 * phi[x]),
            damped3: phi[x]^3 * exp(-phi[x]^2 / 2),
            hop_th: tanh(phi[x]) * sum_mu(phi[x + mu] + phi[x - mu]),
            zm: tanh(mean(phi)),
        },
    }
}
