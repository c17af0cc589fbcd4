pirk::theory! {
    pub O3 {
        field: phi[3],
        params: [kappa],
        action: -kappa * sum_mu(phi[x, mu] * phi[x + mu, 0]),
        kernels: { id: phi[x, a] },
    }
}

fn main() {}
