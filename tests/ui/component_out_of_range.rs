pirk::theory! {
    pub O3 {
        field: phi[3],
        params: [m2],
        action: m2 * sum_a(phi[x, a]^2) + phi[x, 3]^4,
        kernels: { id: phi[x, a] },
    }
}

fn main() {}
