//! Prints the OpenAPI document; `cargo xtask` writes it to `www/v1/openapi.json`.

fn main() {
    println!("{}", loyalty_edge::openapi_document());
}
