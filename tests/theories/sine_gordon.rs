pirk::theory! {
    /// Lattice sine-Gordon (S = Σ_x [½ Σ_μ (φ_{x+μ} − φ_x)² − (α/β²) cos(β φ_x)]).
    pub SineGordon {
        field: theta,
        params: [alpha, beta],
        action: sum_mu((theta[x + mu] - theta[x])^2) / 2 - alpha / beta^2 * cos(beta * theta[x]),
        kernels: {
            id: theta[x],
            s1: sin(theta[x]),
            s2: sin(2 * theta[x]),
            lap: sum_mu(theta[x + mu] - 2 * theta[x] + theta[x - mu]),
        },
    }
}
