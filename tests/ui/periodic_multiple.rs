pirk::theory! {
    pub Rotor {
        field: periodic theta,
        params: [beta],
        action: -beta * sum_mu(cos(theta[x + mu] - theta[x])),
        kernels: { s: sin(0.5 * theta[x]) },
    }
}

fn main() {}
