use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = posture::cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return std::process::ExitCode::from(posture::cli::exit::ERROR);
        }
    };
    std::process::ExitCode::from(runtime.block_on(posture::cli::run(cli)))
}
