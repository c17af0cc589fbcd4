pirk::theory! {
    pub O3 {
        field: phi[3],
        params: [m2],
        action: m2 * sum_a(phi[x, a]^2),
        kernels: { norm: sum_a(phi[x, a]^2) },
    }
}

fn main() {}
