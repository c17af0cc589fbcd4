pirk::theory! {
    /// Sines and cosines of whole multiples of one angle, which generated code derives from
    /// one `sin_cos` by angle addition (`tests/families.rs`).
    pub Harmonics {
        field: theta,
        params: [beta],
        action: -beta * cos(theta[x]),
        kernels: {
            s1: sin(theta[x]),
            s2: sin(2 * theta[x]),
            c3: cos(3 * theta[x]),
            s3: sin(-3 * theta[x]),
            c4: cos(4 * theta[x]),
        },
    }
}
