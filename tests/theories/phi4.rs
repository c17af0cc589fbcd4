pirk::theory! {
    /// Lattice φ⁴ (S = Σ_x [Σ_μ (φ_{x+μ} − φ_x)² + m² φ_x² + λ φ_x⁴]).
    pub Phi4 {
        params: [m2, lambda],
        action: sum_mu((phi[x + mu] - phi[x])^2) + m2 * phi[x]^2 + lambda * phi[x]^4,
        kernels: {
            id: phi[x],
            hop: sum_mu(phi[x + mu] + phi[x - mu]),
            th1: tanh(phi[x]),
            zm: tanh(2 * mean(phi)),
        },
    }
}
