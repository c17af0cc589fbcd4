use pirk::{Lattice, Theory};

pirk::theory! {
    pub Phi4 {
        params: [m2, lambda],
        action: m2 * phi[x]^2 + lambda * phi[x]^4,
        kernels: { id: phi[x], th: tanh(lambda * phi[x]) },
    }
}

fn main() {
    let lat = Lattice::new(&[4]);
    let phi = [0.0; 4];
    let _ = Phi4::NAME;
    let _ = Phi4::KERNELS.len();
    let _ = Phi4.action(&lat, &[1.0, 0.5], &phi);
}
