pirk::theory! {
    pub Phi4 {
        params: [m2, p],
        action: m2 * phi[x]^2 + phi[x]^p,
        kernels: { id: phi[x] },
    }
}

fn main() {}
