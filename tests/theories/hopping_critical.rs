pirk::theory! {
    /// Hopping-form φ⁴ with the near-critical basis of `examples/cards/cost/hopping-16-critical.toml`
    /// (without its two slowest scales): bounded local, neighbour-coupled and zero-mode kernels.
    pub HoppingCritical {
        params: [kappa, lambda],
        action: -2 * kappa * sum_mu(phi[x] * phi[x + mu]) + (1 - 2 * lambda) * phi[x]^2 + lambda * phi[x]^4,
        kernels: {
            th_half: tanh(phi[x] / 2),
            th1: tanh(phi[x]),
            th2: tanh(2 * phi[x]),
            d3_1: phi[x]^3 * exp(-phi[x]^2 / 2),
            hop_sech: (1 - tanh(phi[x] / 2)^2) * sum_mu(phi[x + mu] + phi[x - mu]),
            th_hop: tanh(sum_mu(phi[x + mu] + phi[x - mu]) / 4) * (1 - tanh(phi[x] / 2)^2),
            rat: phi[x]^2 * sum_mu(phi[x + mu] + phi[x - mu]) / (4 + phi[x]^2),
            zm1: tanh(mean(phi)),
            zm2: tanh(2 * mean(phi)),
            zm4: tanh(4 * mean(phi)),
            zm_d3: mean(phi)^3 * exp(-mean(phi)^2 / 2),
        },
    }
}
