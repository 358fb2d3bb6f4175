//! `loyalty-sim --listen 127.0.0.1:8788 [--seed N]`: the provider simulators for the local
//! stack and the tests. With `SHOP_MERCHANT_API_SECRET` set (and optionally `SHOP_EDGE_URL`,
//! `SHOP_MERCHANT_ID`) it also serves the demo store's server under `/shop` (see
//! `loyalty_sim::reference_merchant`).

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
    // The reference merchant server reaches the edge with the merchant's API secret, which the
    // local stack passes in the environment (never on the command line).
    let app = match std::env::var("SHOP_MERCHANT_API_SECRET") {
        Ok(api_secret) => loyalty_sim::app_with_reference_merchant(
            sim,
            loyalty_sim::reference_merchant::Config {
                edge_url: std::env::var("SHOP_EDGE_URL")
                    .unwrap_or_else(|_| "http://127.0.0.1:8787".into()),
                merchant_id: std::env::var("SHOP_MERCHANT_ID").unwrap_or_else(|_| "demo".into()),
                api_secret,
            },
        ),
        Err(_) => loyalty_sim::app(sim),
    };
    match axum::serve(listener, app)
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
