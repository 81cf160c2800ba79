//! The `ninety` binary: the command line, and the workbench when run bare.

fn main() -> std::process::ExitCode {
    ninety::cli::main()
}
