//! The `baosong` command: the edge is [`baosong::cli`].

fn main() -> std::process::ExitCode {
    baosong::allocator::configure();
    baosong::cli::main()
}
