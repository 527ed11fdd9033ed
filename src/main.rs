fn main() {
    println!("baosong");
}
