fn main() {
    std::process::exit(pail::cmd::main());
}
