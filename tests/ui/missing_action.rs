pirk::theory! {
    pub Phi4 {
        params: [m2],
        kernels: { id: phi[x] },
    }
}

fn main() {}
