pirk::theory! {
    pub Rotor {
        field: periodic theta,
        params: [beta],
        action: -beta * sum_mu(cos(theta[x + mu] - theta[x])),
        kernels: { half: sin(theta[x] / 2) },
    }
}

fn main() {}
