pirk::theory! {
    /// The O(3) model in hopping form: 3 real components per site, S = Σ_x [−2κ Σ_μ φ_x·φ_{x+μ}
    /// + φ_x² + λ (φ_x² − 1)²] with φ_x² = Σ_a φ_{x,a}². The kernels are vectors K_{x,a} that
    /// rotate with the field (built from φ_{x,a}, its neighbours and O(3)-invariant damping),
    /// and odd, so the flow keeps both symmetries.
    pub O3Hopping {
        field: phi[3],
        params: [kappa, lambda],
        action: -2 * kappa * sum_mu(sum_a(phi[x, a] * phi[x + mu, a]))
                + sum_a(phi[x, a]^2) + lambda * (sum_a(phi[x, a]^2) - 1)^2,
        kernels: {
            id: phi[x, a],
            rat: phi[x, a] / (1 + sum_b(phi[x, b]^2)),
            th: phi[x, a] * tanh(sum_b(phi[x, b]^2)),
            damped: phi[x, a] * exp(-sum_b(phi[x, b]^2) / 2),
            hop: sum_mu(phi[x + mu, a] + phi[x - mu, a]),
            hop_damped: exp(-sum_b(phi[x, b]^2) / 2) * sum_mu(phi[x + mu, a] + phi[x - mu, a]),
            zm: mean(phi, a),
        },
    }
}
