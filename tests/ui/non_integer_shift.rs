pirk::theory! {
    pub Phi4 {
        params: [m2],
        action: sum_mu((phi[x + 1.5 * mu] - phi[x])^2) + m2 * phi[x]^2,
        kernels: { id: phi[x] },
    }
}

fn main() {}
