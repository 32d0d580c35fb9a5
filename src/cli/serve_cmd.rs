//! `findings serve`: the web page and JSON API over a run, on this machine.
//!
//! Picks the folders and the address, opens the run, binds, prints the
//! address and serves until Ctrl-C. The server itself is [`crate::serve`].

use super::{Outcome, UsageError, default_out};
use crate::serve::{self, AppState};
use clap::Args;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;

/// Arguments of `findings serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Output folder of the run, holding dataset/ and index/ (default: output).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Index folder (default: OUT/index). A run folder holding index/ works too.
    #[arg(long)]
    index: Option<PathBuf>,
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on. Anything but loopback lets other machines read the page.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
}

/// Run `findings serve`.
pub fn run(args: ServeArgs) -> anyhow::Result<Outcome> {
    let out = args.out.unwrap_or_else(default_out);
    let index_dir = match args.index {
        Some(dir) if dir.join("index").join("meta.json").is_file() => dir.join("index"),
        Some(dir) => dir,
        None => out.join("index"),
    };
    let dataset_dir = out.join("dataset");
    for (what, dir) in [("index", &index_dir), ("dataset", &dataset_dir)] {
        if !dir.is_dir() {
            return Err(UsageError(format!(
                "no {what} at {}: run `findings run` first or pass --out/--index",
                dir.display()
            ))
            .into());
        }
    }
    let state = AppState::open(&index_dir, &dataset_dir)?;
    let statements = state.num_statements();
    let addr = SocketAddr::new(args.bind, args.port);
    let listener =
        TcpListener::bind(addr).map_err(|e| UsageError(format!("cannot listen on {addr}: {e}")))?;
    let local = listener.local_addr()?;
    if !args.bind.is_loopback() {
        eprintln!(
            "findings: warning: listening on {} — other machines on the network can read this page",
            args.bind
        );
    }
    eprintln!(
        "findings: serving {statements} statements from {} at http://{local}/ (Ctrl-C to stop)",
        out.display()
    );
    serve::serve(listener, Arc::new(state), serve::ctrl_c())?;
    eprintln!("findings: stopped");
    Ok(Outcome::Success)
}
