pirk::theory! {
    /// Hopping-form φ⁴ with only the bounded local kernels tanh(aφ_x), a ∈ {½, 1, 2}: with the
    /// momentum shells, the symmetric-phase basis of docs/theory.md §4 (benchmarks use it).
    pub HoppingTanh {
        params: [kappa, lambda],
        action: -2 * kappa * sum_mu(phi[x] * phi[x + mu]) + (1 - 2 * lambda) * phi[x]^2 + lambda * phi[x]^4,
        kernels: {
            th_half: tanh(phi[x] / 2),
            th1: tanh(phi[x]),
            th2: tanh(2 * phi[x]),
        },
    }
}
