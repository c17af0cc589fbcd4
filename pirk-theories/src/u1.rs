pirk::theory! {
    /// Two-dimensional U(1) lattice gauge theory with the Wilson action S = −β Σ_P cos θ_P,
    /// θ_P = θ_{x,μ} + θ_{x+μ,ν} − θ_{x+ν,μ} − θ_{x,ν} (μ < ν), on link angles θ_{x,μ}. The
    /// flow starts from the Haar measure (uniform links, exact at β = 0). Every kernel is the
    /// gradient of a gauge-invariant density, so the velocity is gauge covariant and the flow
    /// commutes with gauge transformations: the plaquette's first harmonics (`plaq`…`plaq3`),
    /// the 2×1 rectangles (`rect`), and products of neighbouring plaquettes (`pair`), through
    /// which the velocity of one plaquette feels its neighbours'.
    pub U1 {
        field: periodic link theta[2],
        params: [beta],
        action: -beta * sum_mu(sum_nu(ordered(mu, nu)
            * cos(theta[x, mu] + theta[x + mu, nu] - theta[x + nu, mu] - theta[x, nu]))),
        kernels: {
            plaq: grad(sum_mu(sum_nu(ordered(mu, nu)
                * cos(theta[x, mu] + theta[x + mu, nu] - theta[x + nu, mu] - theta[x, nu])))),
            plaq2: grad(sum_mu(sum_nu(ordered(mu, nu)
                * cos(2 * (theta[x, mu] + theta[x + mu, nu] - theta[x + nu, mu] - theta[x, nu]))))),
            plaq3: grad(sum_mu(sum_nu(ordered(mu, nu)
                * cos(3 * (theta[x, mu] + theta[x + mu, nu] - theta[x + nu, mu] - theta[x, nu]))))),
            rect: grad(sum_mu(sum_nu(distinct(mu, nu)
                * cos(theta[x, mu] + theta[x + mu, mu] + theta[x + 2 * mu, nu]
                    - theta[x + mu + nu, mu] - theta[x + nu, mu] - theta[x, nu])))),
            pair: grad(sum_mu(sum_nu(distinct(mu, nu)
                * cos(theta[x, mu] + theta[x + mu, nu] - theta[x + nu, mu] - theta[x, nu])
                * cos(theta[x + mu, mu] + theta[x + 2 * mu, nu] - theta[x + mu + nu, mu] - theta[x + mu, nu])))),
        },
    }
}
