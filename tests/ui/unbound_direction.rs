pirk::theory! {
    pub Phi4 {
        params: [m2],
        action: (phi[x + mu] - phi[x])^2 + m2 * phi[x]^2,
        kernels: { id: phi[x] },
    }
}

fn main() {}
