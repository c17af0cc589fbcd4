pirk::theory! {
    pub Phi4 {
        params: [m2],
        action: sum_mu(sum_mu(phi[x + mu] * phi[x])) + m2 * phi[x]^2,
        kernels: { id: phi[x] },
    }
}

fn main() {}
