//! The `pirk` command line.

fn main() {
    println!("pirk {}", env!("CARGO_PKG_VERSION"));
}
