fn main() {
    std::process::exit(clawprint::cli::main());
}
