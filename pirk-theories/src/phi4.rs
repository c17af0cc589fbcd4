pirk::theory! {
    /// Lattice φ⁴ in form A (S = Σ_x [Σ_μ (φ_{x+μ} − φ_x)² + m² φ_x² + λ φ_x⁴]). Odd, bounded
    /// kernels at the scales of the m² = −4, λ ≈ 6…8 benchmarks (minima near |φ| ≈ 0.5…1),
    /// neighbour-coupled terms for the near-critical region and tanh of the magnetisation for the
    /// broken phase (docs/theory.md §4).
    pub Phi4 {
        params: [m2, lambda],
        action: sum_mu((phi[x + mu] - phi[x])^2) + m2 * phi[x]^2 + lambda * phi[x]^4,
        kernels: {
            id: phi[x],
            th1: tanh(phi[x]),
            th2: tanh(2 * phi[x]),
            th4: tanh(4 * phi[x]),
            d3_1: phi[x]^3 * exp(-phi[x]^2 / 2),
            d3_q: phi[x]^3 * exp(-2 * phi[x]^2),
            hop: sum_mu(phi[x + mu] + phi[x - mu]),
            hop_sech2: (1 - tanh(2 * phi[x])^2) * sum_mu(phi[x + mu] + phi[x - mu]),
            th_hop: tanh(sum_mu(phi[x + mu] + phi[x - mu])) * (1 - tanh(2 * phi[x])^2),
            rat: phi[x]^2 * sum_mu(phi[x + mu] + phi[x - mu]) / (1 + phi[x]^2),
            zm2: tanh(2 * mean(phi)),
            zm8: tanh(8 * mean(phi)),
        },
    }
}
