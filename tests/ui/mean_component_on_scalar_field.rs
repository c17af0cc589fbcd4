pirk::theory! {
    pub Phi4 {
        params: [m2],
        action: m2 * phi[x]^2,
        kernels: { zm: mean(phi, 0) },
    }
}

fn main() {}
