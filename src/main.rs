fn main() {
    std::process::exit(pail::cli::main());
}
