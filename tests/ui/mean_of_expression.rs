pirk::theory! {
    pub Phi4 {
        params: [m2],
        action: m2 * phi[x]^2,
        kernels: { id: phi[x], zm: tanh(mean(phi[x])) },
    }
}

fn main() {}
