pirk::theory! {
    pub Phi4 {
        params: [m2],
        action: m2 * phi[x]^2,
        kernels: { th: tanh(phi[x]), th: tanh(2 * phi[x]) },
    }
}

fn main() {}
