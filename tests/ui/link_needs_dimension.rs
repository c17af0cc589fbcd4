pirk::theory! {
    pub Gauge {
        field: periodic link theta,
        params: [beta],
        action: -beta * cos(theta[x, 0]),
        kernels: {
            s: sin(theta[x, mu]),
        },
    }
}

fn main() {}
