use pirk::{Lattice, Theory};

pirk::theory! {
    pub Phi4 {
        params: [m2],
        action: m2 * phi[x]^2,
        kernel: { id: phi[x] },
    }
}

fn main() {
    let lat = Lattice::new(&[4]);
    let _ = Phi4::NAME;
    let _ = Phi4.action(&lat, &[1.0], &[0.0; 4]);
}
