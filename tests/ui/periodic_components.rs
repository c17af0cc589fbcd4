pirk::theory! {
    pub Spins {
        field: periodic theta[2],
        params: [beta],
        action: -beta * sum_mu(sum_a(cos(theta[x + mu, a] - theta[x, a]))),
        kernels: { s: sin(theta[x, a]) },
    }
}

fn main() {}
