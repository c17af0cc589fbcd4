pirk::theory! {
    pub Phi4 {
        params: [m2],
        action: 0.5f64 * m2 * phi[x]^2,
        kernels: { id: phi[x] },
    }
}

fn main() {}
