//! `loyalty-sim --listen 127.0.0.1:8788 [--seed N]`: the provider simulators for the local
//! stack and the tests.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let mut listen = "127.0.0.1:8788".to_string();
    let mut seed: u64 = 1;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--listen", Some(value)) => listen = value,
            ("--seed", Some(value)) => match value.parse() {
                Ok(n) => seed = n,
                Err(_) => {
                    eprintln!("loyalty-sim: --seed needs a number");
                    return ExitCode::from(2);
                }
            },
            _ => {
                eprintln!("usage: loyalty-sim [--listen 127.0.0.1:8788] [--seed N]");
                return ExitCode::from(2);
            }
        }
    }
    let listener = match tokio::net::TcpListener::bind(&listen).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("loyalty-sim: cannot listen on {listen}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let sim = loyalty_sim::Sim::new(seed);
    eprintln!("loyalty-sim listening on http://{listen} (mokafaa, pongo, email, __sim)");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match axum::serve(listener, loyalty_sim::app(sim))
        .with_graceful_shutdown(shutdown)
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("loyalty-sim: {e}");
            ExitCode::FAILURE
        }
    }
}
