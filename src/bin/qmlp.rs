fn main() {
    println!("qmlp {}", qmlp::version());
}
