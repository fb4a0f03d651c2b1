fn main() {
    std::process::exit(api::cli::main());
}
