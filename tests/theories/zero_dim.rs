pirk::theory! {
    /// The zero-dimensional φ⁴ of the PIK paper: Ŝ = ½ m² φ² + λ/4 φ⁴.
    pub ZeroDimPhi4 {
        params: [m2, lambda],
        action: 0.5*m2*phi[x]^2 + lambda/4*phi[x]^4,
        kernels: {
            id: phi[x],
            th_half: tanh(phi[x] / 2),
            th1: tanh(phi[x]),
            th2: tanh(2 * phi[x]),
        },
    }
}
