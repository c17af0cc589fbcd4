pirk::theory! {
    pub SineGordon {
        field: theta,
        params: [alpha],
        action: alpha * cos(theta[x]) + phi[x]^2,
        kernels: { s1: sin(theta[x]) },
    }
}

fn main() {}
