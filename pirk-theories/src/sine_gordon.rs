pirk::theory! {
    /// Massive lattice sine-Gordon,
    /// S = Σ_x [½ Σ_μ (θ_{x+μ} − θ_x)² + ½ m² θ_x² + (α/β²)(1 − cos(β θ_x))].
    /// The mass term makes the zero mode normalisable (a periodic potential alone does not) and
    /// lets a free-field prior start the path at α = 0. The theory is odd under θ → −θ, so the
    /// kernels are odd: θ, bounded sines and tanh, and a neighbour-coupled tanh.
    pub SineGordon {
        field: theta,
        params: [m2, alpha, beta],
        action: sum_mu((theta[x + mu] - theta[x])^2) / 2 + m2 / 2 * theta[x]^2 + alpha / beta^2 * (1 - cos(beta * theta[x])),
        kernels: {
            id: theta[x],
            s1: sin(theta[x]),
            s2: sin(2 * theta[x]),
            th1: tanh(theta[x]),
            hop: sum_mu(theta[x + mu] + theta[x - mu]),
            hop_sech: (1 - tanh(theta[x])^2) * sum_mu(theta[x + mu] + theta[x - mu]),
            zm: tanh(mean(theta)),
        },
    }
}
