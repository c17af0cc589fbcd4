pirk::theory! {
    pub Gauge {
        field: link a[2],
        params: [beta],
        action: beta * sum_mu(sum_nu(ordered(mu, nu) * a[x + mu, nu]^2)),
        kernels: {
            id: a[x, mu],
            same: sum_nu(distinct(nu, nu) * a[x + nu, mu]),
            loose: mu * a[x, mu],
            nested: sin(grad(a[x, 0]^2)) * a[x, mu],
        },
    }
}

pirk::theory! {
    pub Scalar {
        params: [m2],
        action: m2 * phi[x]^2,
        kernels: {
            id: phi[x],
            ordered_runtime: sum_mu(sum_nu(ordered(mu, nu) * phi[x + mu + nu])),
        },
    }
}

fn main() {}
