//! `paperwatch serve`: the local inbox. An HTTP server (axum, one thread) on 127.0.0.1 over the
//! database `update` uses: pages to read (`pages`: the unread queue, a topic, a paper, search,
//! the starred papers) and three endpoints that change state (`api`: mark, star, read). Every
//! request must name this server in its `Host` (a page elsewhere cannot reach it through DNS
//! rebinding); every change must carry the per-run token the pages embed, and takes the run lock
//! briefly, as `mark` does, so it never races an `update`.

mod api;
mod pages;
mod state;
mod views;

pub use views::unread_page;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jiff::Timestamp;

use crate::config::Settings;
use crate::output::Ui;
use state::{Inbox, Shared, header_str};

/// How `serve` listens.
#[derive(Debug, Clone)]
pub struct Options {
    /// The port (0: any free one).
    pub port: u16,
    /// The address, when not 127.0.0.1.
    pub bind: Option<IpAddr>,
    /// Open the inbox in the default browser.
    pub open: bool,
    /// "Now" for labels and the unread window, asked at each request (`SOURCE_DATE_EPOCH` or
    /// the clock, as every command reads it).
    pub clock: fn() -> Timestamp,
}

/// The `Host` values a browser sends to reach `addr:port`; none for an unspecified address
/// (`0.0.0.0`, `::`), whose names cannot be known: then any `Host` is answered (the warning at
/// start says so) and the token still guards every change.
fn hosts(addr: IpAddr, port: u16) -> Vec<String> {
    if addr.is_unspecified() {
        return Vec::new();
    }
    let mut out = vec![match addr {
        IpAddr::V4(a) => format!("{a}:{port}"),
        IpAddr::V6(a) => format!("[{a}]:{port}"),
    }];
    if addr.is_loopback() {
        out.push(format!("localhost:{port}"));
    }
    out
}

/// Listens until interrupted (Ctrl-C), printing the inbox's address on standard output.
pub fn run(settings: Settings, options: Options, ui: Ui) -> anyhow::Result<()> {
    let addr = options.bind.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    if !addr.is_loopback() {
        ui.say(&format!(
            "warning: listening on {addr}, not 127.0.0.1: anyone who can reach it can read your papers{} \
             (changes still need the token the pages carry)",
            if addr.is_unspecified() { ", under any host name" } else { "" }
        ));
    }
    let token = crate::text::random_hex()
        .map_err(|e| anyhow::anyhow!("no random source for the token: {e}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(addr, options.port))
            .await
            .with_context(|| format!("cannot listen on {addr}:{}", options.port))?;
        let local = listener.local_addr()?;
        let inbox = Arc::new(Inbox {
            hosts: hosts(addr, local.port()),
            settings,
            token,
            clock: options.clock,
        });
        let url = format!("http://{local}/");
        println!("paperwatch inbox: {url}");
        ui.say("Ctrl-C stops it");
        if options.open {
            open_browser(&url, ui);
        }
        axum::serve(listener, router(inbox))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("the inbox server stopped")
    })
}

/// Asks the desktop to open `url`; a failure is a line, not an error.
fn open_browser(url: &str, ui: Ui) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener).arg(url).spawn() {
        ui.say(&format!(
            "cannot open a browser ({opener}: {e}); open {url} yourself"
        ));
    }
}

/// The routes, behind the `Host` check.
fn router(inbox: Shared) -> Router {
    Router::new()
        .route("/", get(views::unread))
        .route("/topic", get(views::topic))
        .route("/paper/{id}", get(views::paper))
        .route("/search", get(views::search))
        .route("/starred", get(views::starred))
        .route("/api/mark", post(api::mark))
        .route("/api/star", post(api::star))
        .route("/api/read", post(api::read))
        .layer(axum::middleware::from_fn_with_state(
            inbox.clone(),
            only_this_host,
        ))
        .with_state(inbox)
}

/// Refuses a request whose `Host` does not name this server, or whose `Origin` (sent with
/// every cross-site POST) is another site.
async fn only_this_host(State(inbox): State<Shared>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let any = inbox.hosts.is_empty();
    let named =
        |value: Option<&str>| any || value.is_some_and(|h| inbox.hosts.iter().any(|x| x == h));
    if !named(header_str(headers, header::HOST)) {
        return (
            StatusCode::FORBIDDEN,
            "this server answers only as 127.0.0.1 or localhost\n",
        )
            .into_response();
    }
    if let Some(origin) = header_str(headers, header::ORIGIN)
        && !named(origin.strip_prefix("http://"))
    {
        return (
            StatusCode::FORBIDDEN,
            "requests from other sites are refused\n",
        )
            .into_response();
    }
    next.run(request).await
}
