//! The book: building it with the mdbook library, serving it on localhost,
//! opening a chapter, and checking that its links and includes resolve.

use anyhow::{Context, Result, anyhow};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Where a page served by `ninety book serve` listens for "reload": a
/// WebSocket the server answers, named in the page by mdbook's own
/// live-reload script.
pub const RELOAD_ENDPOINT: &str = "__ninety/reload";

/// Builds the book in `book_dir` and returns the HTML output folder.
pub fn build(book_dir: &Path) -> Result<PathBuf> {
    build_with(book_dir, None)
}

/// [`build`], with pages that reload themselves when told to on
/// `live_reload` (a path on the server that serves them).
pub fn build_with(book_dir: &Path, live_reload: Option<&str>) -> Result<PathBuf> {
    let mut book = mdbook_driver::MDBook::load(book_dir)
        .map_err(|e| anyhow!("{e:#}"))
        .with_context(|| format!("loading the book in `{}`", book_dir.display()))?;
    if let Some(endpoint) = live_reload {
        book.config
            .set("output.html.live-reload-endpoint", endpoint)
            .map_err(|e| anyhow!("{e:#}"))?;
    }
    book.build()
        .map_err(|e| anyhow!("{e:#}"))
        .with_context(|| format!("building the book in `{}`", book_dir.display()))?;
    Ok(book.build_dir_for("html"))
}

/// The built page of a chapter (`frame.md` → `<out>/frame.html`).
pub fn chapter_page(out: &Path, chapter: &str) -> PathBuf {
    out.join(Path::new(chapter).with_extension("html"))
}

/// Builds the book and opens `chapter` in a browser. Returns what happened,
/// in words, for the status line: where there is no browser, the page's path.
pub fn open_chapter(book_dir: &Path, chapter: &str) -> Result<String> {
    let out = build(book_dir)?;
    let page = chapter_page(&out, chapter);
    if !page.exists() {
        return Err(anyhow!("the book has no page `{}`", page.display()));
    }
    let url = format!("file://{}", page.display());
    Ok(match webbrowser::open(&url) {
        Ok(()) => format!("Opened {chapter} in your browser."),
        Err(_) => format!(
            "No browser found here. The chapter is at {}",
            page.display()
        ),
    })
}

/// Builds the book, serves it on `127.0.0.1:port`, rebuilds when a source
/// file changes and tells every open page to reload, and stops on Ctrl-C
/// or SIGTERM.
pub fn serve(book_dir: &Path, port: u16, open: bool) -> Result<()> {
    let out = build_with(book_dir, Some(RELOAD_ENDPOINT))?;
    let (reload, _) = tokio::sync::broadcast::channel(4);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
            format!(
                "cannot listen on {addr}; is another server using port {port}? pick one with --port"
            )
        })?;
        let local = listener.local_addr()?;
        let app = router(&out).merge(reload_route(reload.clone()));
        let url = format!("http://{local}/");
        println!("Serving the book at {url} (Ctrl-C to stop; pages reload when the book changes)");
        let _watch = rebuild_on_change(book_dir, reload);
        if open && webbrowser::open(&url).is_err() {
            println!("No browser found here; open {url} yourself.");
        }
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("serving the book")?;
        println!("Stopped.");
        Ok(())
    })
}

/// The book's HTTP routes: the built files, `index.html` for folders, and
/// the book's own `404.html` for anything else.
pub fn router(out: &Path) -> axum::Router {
    let files = tower_http::services::ServeDir::new(out)
        .append_index_html_on_directories(true)
        .not_found_service(tower_http::services::ServeFile::new(out.join("404.html")));
    axum::Router::new().fallback_service(files)
}

/// The route at [`RELOAD_ENDPOINT`]: each page opens a WebSocket there and
/// is sent "reload" after every rebuild.
pub fn reload_route(reload: tokio::sync::broadcast::Sender<()>) -> axum::Router {
    use axum::extract::ws::{Message, WebSocketUpgrade};
    axum::Router::new().route(
        &format!("/{RELOAD_ENDPOINT}"),
        axum::routing::get(move |upgrade: WebSocketUpgrade| {
            let mut rebuilt = reload.subscribe();
            async move {
                upgrade.on_upgrade(|mut socket| async move {
                    // A missed message still means "the book changed".
                    while let Ok(()) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) =
                        rebuilt.recv().await
                    {
                        if socket.send(Message::text("reload")).await.is_err() {
                            break;
                        }
                    }
                })
            }
        }),
    )
}

fn rebuild_on_change(
    book_dir: &Path,
    reload: tokio::sync::broadcast::Sender<()>,
) -> Option<notify::RecommendedWatcher> {
    use notify::Watcher;
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if res.is_ok_and(|e| e.kind.is_modify() || e.kind.is_create() || e.kind.is_remove()) {
            let _ = tx.send(());
        }
    })
    .ok()?;
    watcher
        .watch(&book_dir.join("src"), notify::RecursiveMode::Recursive)
        .ok()?;
    let dir = book_dir.to_path_buf();
    std::thread::spawn(move || {
        while rx.recv().is_ok() {
            while rx
                .recv_timeout(std::time::Duration::from_millis(300))
                .is_ok()
            {}
            match build_with(&dir, Some(RELOAD_ENDPOINT)) {
                Ok(_) => {
                    println!("Rebuilt the book.");
                    // No page open is not an error.
                    let _ = reload.send(());
                }
                Err(e) => eprintln!("Rebuild failed: {e:#}"),
            }
        }
    });
    Some(watcher)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// The id mdBook gives a heading: lowercase, spaces to `-`, and only
/// letters, digits, `-` and `_` kept.
pub fn heading_id(text: &str) -> String {
    text.trim()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c.to_ascii_lowercase())
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn headings(markdown: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut current: Option<String> = None;
    for event in Parser::new_ext(markdown, Options::ENABLE_HEADING_ATTRIBUTES) {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                if let Some(id) = id {
                    ids.insert(id.to_string());
                }
                current = Some(String::new());
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = current.as_mut() {
                    c.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(text) = current.take() {
                    ids.insert(heading_id(&text));
                }
            }
            _ => {}
        }
    }
    ids
}

/// Every broken link, missing heading anchor, missing include, missing
/// `ANCHOR` and include that reaches into a solution region, in the book's
/// sources. Empty means the book's internal references all resolve.
pub fn check_links(book_dir: &Path) -> Result<Vec<String>> {
    let src = book_dir.join("src");
    let mut problems = Vec::new();
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    if files.is_empty() {
        return Err(anyhow!("no markdown files in `{}`", src.display()));
    }
    for file in &files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("reading `{}`", file.display()))?;
        let rel = file
            .strip_prefix(book_dir)
            .unwrap_or(file)
            .display()
            .to_string();
        let dir = file.parent().unwrap_or(&src);
        for event in Parser::new(&text) {
            if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event
                && let Some(problem) = check_link(file, dir, &dest_url)
            {
                problems.push(format!("{rel}: {problem}"));
            }
        }
        for (line_no, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(start) = rest.find("{{#") {
                let after = &rest[start + 3..];
                let Some(end) = after.find("}}") else { break };
                let directive = after[..end].trim();
                rest = &after[end + 2..];
                let Some(arg) = directive
                    .strip_prefix("include")
                    .or_else(|| directive.strip_prefix("rustdoc_include"))
                else {
                    continue;
                };
                if let Some(problem) = check_include(dir, arg.trim()) {
                    problems.push(format!("{rel}:{}: {problem}", line_no + 1));
                }
            }
        }
    }
    Ok(problems)
}

fn check_link(file: &Path, dir: &Path, dest: &str) -> Option<String> {
    if dest.contains("://") || dest.starts_with("mailto:") || dest.is_empty() {
        return None;
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (dest, None),
    };
    let target = if path.is_empty() {
        file.to_path_buf()
    } else {
        let p = dir.join(path);
        if p.extension().is_some_and(|e| e == "html") {
            p.with_extension("md")
        } else {
            p
        }
    };
    if !target.exists() {
        return Some(format!(
            "link to `{dest}`: `{}` does not exist",
            target.display()
        ));
    }
    if let (Some(anchor), true) = (anchor, target.extension().is_some_and(|e| e == "md")) {
        let text = std::fs::read_to_string(&target).ok()?;
        if !headings(&text).contains(anchor) {
            return Some(format!(
                "link to `{dest}`: no heading with id `{anchor}` in `{}`",
                target.display()
            ));
        }
    }
    None
}

fn check_include(dir: &Path, arg: &str) -> Option<String> {
    let mut parts = arg.splitn(2, ':');
    let path = parts.next().unwrap_or("");
    let selector = parts.next();
    let target = dir.join(path);
    let text = match std::fs::read_to_string(&target) {
        Ok(t) => t,
        Err(e) => {
            return Some(format!(
                "include `{path}`: cannot read `{}`: {e}",
                target.display()
            ));
        }
    };
    // Line ranges (`file.rs:10:20`) need no anchor check.
    let anchor = selector
        .filter(|s| !s.is_empty() && !s.chars().next().is_some_and(|c| c.is_ascii_digit()))?;
    let lines: Vec<&str> = text.lines().collect();
    let begin = lines.iter().position(|l| {
        l.trim_start().trim_start_matches(['/', '#']).trim() == format!("ANCHOR: {anchor}")
    });
    let end = lines.iter().position(|l| {
        l.trim_start().trim_start_matches(['/', '#']).trim() == format!("ANCHOR_END: {anchor}")
    });
    let (Some(begin), Some(end)) = (begin, end) else {
        return Some(format!(
            "include `{arg}`: no `ANCHOR: {anchor}` ... `ANCHOR_END: {anchor}` pair in `{}`",
            target.display()
        ));
    };
    // The book never shows solution code: the anchored lines must not lie
    // inside, or contain, a solution region.
    let mut inside = false;
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        if t.starts_with("// BEGIN SOLUTION") || t.starts_with("# BEGIN SOLUTION") {
            inside = true;
        }
        if (begin..=end).contains(&i) && inside {
            return Some(format!(
                "include `{arg}`: the anchored lines reach into a solution region of `{}` (line {})",
                target.display(),
                i + 1
            ));
        }
        if t.starts_with("// END SOLUTION") || t.starts_with("# END SOLUTION") {
            inside = false;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built_book() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "index.html", "<h1>Ninety</h1>");
        write(dir.path(), "frame.html", "<h1>Framing</h1>");
        write(dir.path(), "404.html", "<h1>No such page</h1>");
        dir
    }

    async fn get(router: axum::Router, uri: &str) -> (axum::http::StatusCode, String) {
        use tower::ServiceExt;
        let request = axum::http::Request::get(uri)
            .body(axum::body::Body::empty())
            .unwrap();
        let response = router.oneshot(request).await.unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn serves_pages_folders_and_a_real_404() {
        let book = built_book();
        let app = router(book.path());
        assert_eq!(
            get(app.clone(), "/").await,
            (axum::http::StatusCode::OK, "<h1>Ninety</h1>".into())
        );
        assert_eq!(get(app.clone(), "/frame.html").await.1, "<h1>Framing</h1>");
        let (status, body) = get(app, "/gone.html").await;
        assert_eq!(status, axum::http::StatusCode::NOT_FOUND);
        assert!(body.contains("No such page"));
    }

    #[tokio::test]
    async fn answers_over_a_real_socket() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let book = built_book();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(axum::serve(listener, router(book.path())).into_future());
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(b"GET /frame.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).await.unwrap();
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert!(response.ends_with("<h1>Framing</h1>"), "{response}");
        server.abort();
    }

    #[tokio::test]
    async fn a_built_book_has_a_search_index_that_is_served() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "book.toml",
            "[book]\ntitle = \"t\"\nsrc = \"src\"\n[output.html.search]\nenable = true\n",
        );
        write(
            dir.path(),
            "src/SUMMARY.md",
            "# Summary\n\n- [Labeling](label.md)\n",
        );
        write(
            dir.path(),
            "src/label.md",
            "# Labeling\n\nCohen's kappa corrects agreement for chance.\n",
        );
        let out = build(dir.path()).unwrap();
        let index = std::fs::read_dir(&out)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|name| name.starts_with("searchindex") && name.ends_with(".js"))
            .expect("the build writes a search index (mdbook-driver's `search` feature)");
        let text = std::fs::read_to_string(out.join(&index)).unwrap();
        assert!(
            text.contains("kappa"),
            "the index holds the chapter's words"
        );
        let (status, _) = get(router(&out), &format!("/{index}")).await;
        assert_eq!(status, axum::http::StatusCode::OK);
        let page = std::fs::read_to_string(out.join("label.html")).unwrap();
        assert!(page.contains("searchbar"), "pages carry the search bar");
    }

    /// Issue 13: the course book shows figures. Built from the real
    /// sources (into a temporary folder, leaving `book/build` alone), at
    /// least four chapters hold an image whose SVG the build copied, each
    /// with alt text, and no chapter shows an image the build lacks.
    #[test]
    fn the_course_book_shows_figures_in_at_least_four_chapters() {
        let book_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../book");
        let out = tempfile::tempdir().unwrap();
        let mut book = mdbook_driver::MDBook::load(&book_dir).unwrap();
        book.config
            .set("build.build-dir", out.path().to_string_lossy().as_ref())
            .unwrap();
        book.build().unwrap();
        let html = book.build_dir_for("html");
        let mut with_figures = BTreeSet::new();
        for entry in std::fs::read_dir(&html).unwrap().filter_map(|e| e.ok()) {
            let name = entry.file_name().to_string_lossy().into_owned();
            // `index.html` repeats the first chapter, `print.html` all of them.
            if !name.ends_with(".html") || name == "index.html" || name == "print.html" {
                continue;
            }
            let page = std::fs::read_to_string(entry.path()).unwrap();
            for img in page.split("<img ").skip(1) {
                let tag = &img[..img.find('>').unwrap_or(img.len())];
                let attr = |key: &str| {
                    let start = tag.find(&format!("{key}=\""))? + key.len() + 2;
                    let len = tag[start..].find('"')?;
                    Some(tag[start..start + len].to_owned())
                };
                let src = attr("src").unwrap_or_default();
                assert!(
                    html.join(&src).is_file(),
                    "{name} shows `{src}`, which the built book does not have"
                );
                if src.ends_with(".svg") {
                    assert!(
                        attr("alt").is_some_and(|a| a.len() > 20),
                        "{name}: the figure `{src}` needs alt text"
                    );
                    with_figures.insert(name.clone());
                }
            }
        }
        assert!(
            with_figures.len() >= 4,
            "only these chapters show a figure: {with_figures:?}"
        );
    }

    #[tokio::test]
    async fn a_served_page_reloads_when_the_book_is_rebuilt() {
        use futures_util::StreamExt;
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "book.toml",
            "[book]\ntitle = \"t\"\nsrc = \"src\"\n",
        );
        write(
            dir.path(),
            "src/SUMMARY.md",
            "# Summary\n\n- [One](one.md)\n",
        );
        write(dir.path(), "src/one.md", "# One\n");
        let out = build_with(dir.path(), Some(RELOAD_ENDPOINT)).unwrap();
        let page = std::fs::read_to_string(out.join("one.html")).unwrap();
        assert!(
            page.contains(RELOAD_ENDPOINT),
            "the page listens for reloads"
        );
        let plain = build(dir.path()).unwrap();
        let page = std::fs::read_to_string(plain.join("one.html")).unwrap();
        assert!(!page.contains(RELOAD_ENDPOINT), "a plain build does not");

        let (reload, _) = tokio::sync::broadcast::channel(4);
        let app = router(&out).merge(reload_route(reload.clone()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(axum::serve(listener, app).into_future());
        let (mut socket, _) =
            tokio_tungstenite::connect_async(format!("ws://{addr}/{RELOAD_ENDPOINT}"))
                .await
                .unwrap();
        // The socket subscribes as it is upgraded: send until it hears.
        let heard = tokio::time::timeout(std::time::Duration::from_secs(5), async {
            loop {
                let _ = reload.send(());
                tokio::select! {
                    message = socket.next() => break message,
                    () = tokio::time::sleep(std::time::Duration::from_millis(50)) => {}
                }
            }
        })
        .await
        .expect("the page is told to reload within 5 s");
        assert_eq!(
            heard.unwrap().unwrap().into_text().unwrap().as_str(),
            "reload"
        );
        server.abort();
    }

    #[test]
    fn heading_ids_follow_mdbook() {
        assert_eq!(heading_id("The cost of errors"), "the-cost-of-errors");
        assert_eq!(heading_id("What's a `p99`?"), "whats-a-p99");
        assert_eq!(heading_id("Rule of three: 3/n"), "rule-of-three-3n");
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn finds_broken_links_anchors_and_includes() {
        let dir = tempfile::tempdir().unwrap();
        let book = dir.path().join("book");
        write(
            dir.path(),
            "code.rs",
            "// ANCHOR: ok\nfn a() {}\n// ANCHOR_END: ok\nfn b() {\n    // BEGIN SOLUTION: x\n    // ANCHOR: secret\n    1\n    // ANCHOR_END: secret\n    // END SOLUTION\n}\n",
        );
        write(
            &book,
            "src/a.md",
            "# Alpha\n\n## Two words\n\n[ok](b.md#beta) [ok](#two-words) [web](https://x.org)\n[bad](missing.md) [badanchor](b.md#nope)\n\n{{#include ../../code.rs:ok}}\n{{#include ../../code.rs:none}}\n{{#include ../../code.rs:secret}}\n{{#include ../../gone.rs}}\n",
        );
        write(&book, "src/b.md", "# Beta\n");
        let problems = check_links(&book).unwrap();
        let all = problems.join("\n");
        assert_eq!(problems.len(), 5, "{all}");
        assert!(all.contains("missing.md"), "{all}");
        assert!(all.contains("no heading with id `nope`"), "{all}");
        assert!(all.contains("ANCHOR: none"), "{all}");
        assert!(all.contains("solution region"), "{all}");
        assert!(all.contains("gone.rs"), "{all}");
    }
}
