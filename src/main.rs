//! The `findings` binary: parse arguments, run, map the outcome to an exit code
//! (0 all good, 1 some documents failed, 2 usage or configuration error).

fn main() -> std::process::ExitCode {
    findings::cli::main()
}
