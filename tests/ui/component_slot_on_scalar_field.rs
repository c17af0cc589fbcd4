pirk::theory! {
    pub Phi4 {
        params: [m2],
        action: m2 * phi[x, 0]^2,
        kernels: { id: phi[x] },
    }
}

fn main() {}
