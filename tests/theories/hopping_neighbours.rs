pirk::theory! {
    /// Hopping φ⁴ with a bond term α Σ_μ (exp(−(φ_{x+μ} − φ_x)²/2) + φ_x tanh φ_{x+μ}) and
    /// kernels whose `tanh` and `exp` read neighbours, outside and inside (nested) direction
    /// loops: every shape of vectorised call in the generated code, and a call inside another
    /// (`th_in_th`, whose outer call stays scalar); and anti-diagonal neighbours `x + μ − ν`
    /// kept off `x` by `distinct(mu, nu)`, in the action (its force pulls both sums) and in a
    /// kernel (its divergence).
    pub HoppingNeighbours {
        params: [kappa, lambda, alpha],
        action: -2 * kappa * sum_mu(phi[x] * phi[x + mu]) + (1 - 2 * lambda) * phi[x]^2 + lambda * phi[x]^4 + alpha * sum_mu(exp(-(phi[x + mu] - phi[x])^2 / 2) + phi[x] * tanh(phi[x + mu])) + alpha * sum_mu(sum_nu(distinct(mu, nu) * phi[x] * tanh(phi[x + mu - nu]))),
        kernels: {
            th_hop: tanh(sum_mu(phi[x + mu] + phi[x - mu]) / 4) * (1 - tanh(phi[x] / 2)^2),
            hop_sech: (1 - tanh(phi[x] / 2)^2) * sum_mu(phi[x + mu] + phi[x - mu]),
            gauss_grad: phi[x] * exp(-sum_mu((phi[x + mu] - phi[x])^2) / 8),
            th_bond: sum_mu(tanh(phi[x + mu] - phi[x]) + tanh(phi[x - mu] - phi[x])),
            gauss_bond: sum_mu((phi[x + mu] - phi[x]) * exp(-(phi[x + mu] - phi[x])^2 / 2)),
            th_mixed: sum_mu(tanh(phi[x + mu] * sum_nu(phi[x + nu] + phi[x - nu]) / 8)),
            th_diag: sum_mu(sum_nu(tanh(phi[x + mu + nu] - phi[x]))),
            th_in_th: sum_mu(tanh(phi[x + mu] * tanh(phi[x]))),
            th_adiag: sum_mu(sum_nu(distinct(mu, nu) * tanh(phi[x + mu - nu] - phi[x]))),
        },
    }
}
