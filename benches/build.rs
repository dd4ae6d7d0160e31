//! Build benchmark (see below).
fn main() {}
