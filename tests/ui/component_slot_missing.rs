pirk::theory! {
    pub O3 {
        field: phi[3],
        params: [m2],
        action: m2 * phi[x]^2,
        kernels: { id: phi[x, a] },
    }
}

fn main() {}
