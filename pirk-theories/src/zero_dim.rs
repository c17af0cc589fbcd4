pirk::theory! {
    /// The zero-dimensional φ⁴ of the PIK paper, Ŝ = ½ m² φ² + λ/4 φ⁴, with the basis that
    /// reaches ESS ≥ 0.995 on m² 1 → −2, λ 0 → ½: φ, tanh(aφ) for a ∈ {½, 1, 2} and damped
    /// odd powers (raw φ⁵, φ⁷ diverge out of the training domain, docs/theory.md §4).
    pub ZeroDimPhi4 {
        params: [m2, lambda],
        action: m2 / 2 * phi[x]^2 + lambda / 4 * phi[x]^4,
        kernels: {
            id: phi[x],
            th_half: tanh(phi[x] / 2),
            th1: tanh(phi[x]),
            th2: tanh(2 * phi[x]),
            d1: phi[x] * exp(-phi[x]^2 / 2),
            d3: phi[x]^3 * exp(-phi[x]^2 / 2),
        },
    }
}
