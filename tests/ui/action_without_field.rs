pirk::theory! {
    pub Phi4 {
        params: [m2, lambda],
        action: m2 + lambda * 2,
        kernels: { id: phi[x] },
    }
}

fn main() {}
