pirk::theory! {
    /// The XY model, S = −β Σ_x Σ_μ cos(θ_{x+μ} − θ_x), with angles θ_x ∈ [−π, π): planar spins
    /// with a Berezinskii–Kosterlitz–Thouless transition in two dimensions (β_c ≈ 1.12). The
    /// field is periodic, so the flow starts from the uniform (Haar) prior at β = 0, and every
    /// kernel is a sine of whole-number angle differences: periodic, and odd under θ → −θ like
    /// the action's force. `hop` is the force's own shape; the others add harmonics, longer
    /// bonds (`diag` and `adiag` together reach all four diagonal neighbours, so the basis keeps
    /// the lattice's reflections) and the local field's strength.
    pub Xy {
        field: periodic theta,
        params: [beta],
        action: -beta * sum_mu(cos(theta[x + mu] - theta[x])),
        kernels: {
            hop: sum_mu(sin(theta[x + mu] - theta[x]) + sin(theta[x - mu] - theta[x])),
            hop2: sum_mu(sin(2 * (theta[x + mu] - theta[x])) + sin(2 * (theta[x - mu] - theta[x]))),
            hop3: sum_mu(sin(3 * (theta[x + mu] - theta[x])) + sin(3 * (theta[x - mu] - theta[x]))),
            far: sum_mu(sin(theta[x + 2 * mu] - theta[x]) + sin(theta[x - 2 * mu] - theta[x])),
            diag: sum_mu(sum_nu(sin(theta[x + mu + nu] - theta[x]) + sin(theta[x - mu - nu] - theta[x]))),
            adiag: sum_mu(sum_nu(distinct(mu, nu) * sin(theta[x + mu - nu] - theta[x]))),
            strength: sum_mu(sin(theta[x + mu] - theta[x]) + sin(theta[x - mu] - theta[x])) * sum_nu(cos(theta[x + nu] - theta[x]) + cos(theta[x - nu] - theta[x])),
        },
    }
}
