pirk::theory! {
    pub Phi4 {
        params: [m2],
        action: m2 * phi[x]^2,
        kernels: {
            id: phi[x],
            same: sum_mu(distinct(mu, mu) * phi[x + mu]),
            unbound: sum_mu(distinct(mu, nu) * phi[x + mu]),
            one: sum_mu(distinct(mu) * phi[x + mu]),
        },
    }
}

fn main() {}
