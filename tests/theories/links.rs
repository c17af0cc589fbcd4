pirk::theory! {
    /// A non-compact link field `a_{x,μ}` on three-dimensional lattices: squared plaquettes over
    /// ordered direction pairs, a mass term and a quartic on one axis, and kernels of every
    /// shape a link field allows: a free direction index in a component slot only (`id`), in
    /// shifts too (`curl`, guarded by `distinct`), a literal component (`axis`), and gradients of
    /// densities the compiler differentiates (`grad_cube`, and `grad_rect` over 2×1 loops).
    pub Links {
        field: link a[3],
        params: [beta, m2],
        action: beta / 2 * sum_mu(sum_nu(ordered(mu, nu)
                    * (a[x, mu] + a[x + mu, nu] - a[x + nu, mu] - a[x, nu])^2))
                + m2 * sum_mu(a[x, mu]^2) + a[x, 0]^4 / 4,
        kernels: {
            id: a[x, mu],
            curl: sum_nu(distinct(mu, nu) * tanh(a[x, mu] + a[x + mu, nu] - a[x + nu, mu] - a[x, nu])),
            axis: a[x - mu, mu] * a[x, 1]^2,
            grad_cube: grad(sum_mu(a[x, mu]^4)),
            grad_rect: grad(sum_mu(sum_nu(distinct(mu, nu)
                * cos(a[x, mu] + a[x + mu, mu] + a[x + 2 * mu, nu] - a[x + mu + nu, mu] - a[x + nu, mu] - a[x, nu])))),
        },
    }
}
