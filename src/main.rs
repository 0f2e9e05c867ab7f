fn main() {
    std::process::exit(clawprint_cli());
}

fn clawprint_cli() -> i32 {
    0
}
