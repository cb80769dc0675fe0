//! `paperwatch serve`, the local inbox, as a browser and a stranger meet it over loopback: it
//! binds to 127.0.0.1, answers only to its own `Host`, refuses a change without the page's
//! token (403) and applies one with it (the label hides the paper on the next render, the star
//! reaches `export --starred`); a digest's serve-mode link opens a page that confirms.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};

use crate::common::{MockArxiv, Seed, TestEnv, mock_config};

/// The running inbox; killed when dropped, whatever the test did.
struct Server {
    child: Child,
    url: String,
    agent: ureq::Agent,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An answer: status, `Location`, body.
struct Answer {
    status: u16,
    location: Option<String>,
    body: String,
}

impl Server {
    fn start(env: &TestEnv, extra: &[&str]) -> Server {
        let mut args = vec!["serve", "--port", "0"];
        args.extend_from_slice(extra);
        let mut child = env
            .command(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("paperwatch inbox: ")
            .unwrap_or_else(|| {
                let mut err = String::new();
                let _ = child.stderr.take().unwrap().read_to_string(&mut err);
                panic!("no address on stdout: {line:?} {err}")
            })
            .trim_end_matches('/')
            .to_string();
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        Server { child, url, agent }
    }

    fn answer(mut r: ureq::http::Response<ureq::Body>) -> Answer {
        Answer {
            status: r.status().as_u16(),
            location: r
                .headers()
                .get("location")
                .map(|l| l.to_str().unwrap().to_string()),
            body: r.body_mut().read_to_string().unwrap(),
        }
    }

    fn get(&self, path: &str) -> Answer {
        Self::answer(
            self.agent
                .get(format!("{}{path}", self.url))
                .call()
                .unwrap(),
        )
    }

    /// A form post; `token` in the header when given.
    fn post(&self, path: &str, form: &[(&str, &str)], token: Option<&str>) -> Answer {
        let mut req = self.agent.post(format!("{}{path}", self.url));
        if let Some(t) = token {
            req = req.header("X-Paperwatch-Token", t);
        }
        Self::answer(req.send_form(form.iter().copied()).unwrap())
    }

    /// The token the inbox's pages carry in `<meta name="paperwatch-token">`.
    fn token(&self) -> String {
        let page = self.get("/").body;
        let at = page.find("name=\"paperwatch-token\" content=\"").unwrap() + 33;
        page[at..at + 32].to_string()
    }
}

/// The seed's `edge_inference` papers (one with a hostile title) in topic `edge`, after one
/// `update`; the ids, newest first.
fn inbox_env() -> (TestEnv, MockArxiv, Vec<String>) {
    let seed = Seed::load();
    let mut rows = seed.papers();
    let mut ids: Vec<String> = seed
        .section("edge_inference")
        .iter()
        .map(|r| r.id.clone())
        .collect();
    let mut hostile = rows[&ids[0]].clone();
    hostile.id = "2512.99999".into();
    hostile.date = "2025-12-31".into();
    hostile.title = "<script>alert(1)</script> Fast & small LLMs on NPUs".into();
    rows.insert(hostile.id.clone(), hostile.clone());
    ids.insert(0, hostile.id);
    let arxiv = MockArxiv::start(rows);
    arxiv.add_search("seed:edge", ids.clone());
    let env = TestEnv::new();
    let topics = "[[topic]]\nname = \"edge\"\nquery = \"seed:edge\"\nfilter = false\n";
    env.write("paperwatch.toml", &mock_config(&arxiv.url(), "", topics));
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (env, arxiv, ids)
}

#[test]
fn the_inbox_binds_to_loopback_and_changes_nothing_without_its_token() {
    let (env, _arxiv, ids) = inbox_env();
    let server = Server::start(&env, &[]);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "binds to loopback: {}",
        server.url
    );
    let inbox = server.get("/");
    assert_eq!(inbox.status, 200);
    assert!(
        inbox
            .body
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; Fast &amp; small")
    );
    assert!(!inbox.body.contains("<script>alert"), "titles are escaped");
    let token = server.token();
    assert_eq!(token.len(), 32);
    insta::with_settings!({filters => vec![(token.as_str(), "[TOKEN]")]}, {
        insta::assert_snapshot!("inbox_unread", inbox.body);
    });

    let id = ids[1].as_str();
    let mark = [("id", id), ("topic", "edge"), ("label", "irrelevant")];
    for (why, token) in [("no token", None), ("a wrong token", Some("0".repeat(32)))] {
        let got = server.post("/api/mark", &mark, token.as_deref());
        assert_eq!(got.status, 403, "{why}: {}", got.body);
        assert!(got.body.contains("token"), "{}", got.body);
    }
    // A form from elsewhere carrying a guessed token field is refused the same way.
    let got = server.post(
        "/api/mark",
        &[
            ("id", id),
            ("topic", "edge"),
            ("label", "irrelevant"),
            ("token", "x"),
        ],
        None,
    );
    assert_eq!(got.status, 403);
    let labels = env.run(&["labels", "--json"]);
    assert_eq!(
        labels.stdout.trim(),
        "[]",
        "nothing changed: {}",
        labels.stderr
    );

    // DNS rebinding: a page on another name that resolves to 127.0.0.1 is not answered.
    let port = server.url.rsplit(':').next().unwrap();
    let mut raw = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    write!(
        raw,
        "GET / HTTP/1.1\r\nHost: attacker.example:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    raw.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(!answer.contains("paperwatch-token"));
    // Nor a cross-site POST that names this host but comes from another origin.
    let got = Server::answer(
        server
            .agent
            .post(format!("{}/api/mark", server.url))
            .header("X-Paperwatch-Token", &token)
            .header("Origin", "https://attacker.example")
            .send_form(mark.iter().copied())
            .unwrap(),
    );
    assert_eq!(got.status, 403);
}

#[test]
fn a_mark_with_the_token_hides_the_paper_and_a_star_reaches_the_reading_list() {
    let (env, _arxiv, ids) = inbox_env();
    let server = Server::start(&env, &[]);
    let token = server.token();
    let id = ids[1].as_str();
    assert!(env.read("README.md").contains(id));

    let got = server.post(
        "/api/mark",
        &[("id", id), ("topic", "edge"), ("label", "irrelevant")],
        Some(&token),
    );
    assert_eq!(got.status, 200, "{}", got.body);
    let answer: serde_json::Value = serde_json::from_str(&got.body).unwrap();
    assert_eq!(answer["shown"], false, "{answer}");
    assert_eq!(answer["negatives"], 1);
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("hidden from edge")
    );
    // The label is in the snapshot, and the next render leaves the paper out.
    let line = env
        .read("data/papers.jsonl")
        .lines()
        .find(|l| l.contains(&format!("\"id\":\"{id}\"")))
        .unwrap()
        .to_string();
    assert!(line.contains("\"labels\":[[\"edge\",false,"), "{line}");
    let render = env.run(&["render", "--force"]);
    assert_eq!(render.code, 0, "{}", render.stderr);
    assert!(!env.read("README.md").contains(id), "👎 hides it");
    // Marked read: the unread page no longer lists it.
    assert!(!server.get("/").body.contains(&format!("id=\"p-{id}\"")));

    // A form without script: the token as a field, then back to the page it came from.
    let got = server.post(
        "/api/mark",
        &[
            ("id", id),
            ("topic", "edge"),
            ("label", "relevant"),
            ("token", &token),
            ("back", "/topic?name=edge"),
        ],
        None,
    );
    assert_eq!(got.status, 303, "{}", got.body);
    assert_eq!(got.location.as_deref(), Some("/topic?name=edge"));
    let labels = env.run(&["labels", "--json"]);
    let labels: serde_json::Value = serde_json::from_str(&labels.stdout).unwrap();
    assert_eq!(labels[0]["label"], "relevant");
    // An open redirect is not followed: `back` must be a path here.
    let got = server.post(
        "/api/mark",
        &[
            ("id", id),
            ("topic", "edge"),
            ("label", "clear"),
            ("token", &token),
            ("back", "//evil.example/"),
        ],
        None,
    );
    assert_eq!(got.location.as_deref(), Some("/"));

    // ⭐ from the inbox reaches `export --starred` and the starred page.
    let starred = ids[2].as_str();
    let got = server.post("/api/star", &[("id", starred)], Some(&token));
    assert_eq!(got.status, 200, "{}", got.body);
    let export = env.run(&["export", "--starred", "--format", "csv"]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    assert_eq!(
        export.stdout.lines().count(),
        2,
        "a header and the starred paper: {}",
        export.stdout
    );
    assert!(export.stdout.contains(starred));
    assert!(
        server
            .get("/starred")
            .body
            .contains(&format!("/paper/{starred}"))
    );
    let bib = env.run(&["export", "--starred", "--format", "bibtex"]);
    assert_eq!(bib.stdout.matches("@misc{").count(), 1, "{}", bib.stdout);
}

#[test]
fn a_digest_link_opens_a_page_that_confirms_and_shows_why_and_what_is_alike() {
    let (env, _arxiv, ids) = inbox_env();
    let server = Server::start(&env, &[]);
    let id = ids[3].as_str();
    let page = server.get(&format!("/paper/{id}?topic=edge&verdict=relevant"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("class=\"confirm\""));
    assert!(
        page.body
            .contains("<button name=\"label\" value=\"relevant\">👍 Yes: more like this</button>")
    );
    assert!(page.body.contains("matched terms"), "explain's reasons");
    let similar = page.body.split("<h2>Similar papers</h2>").nth(1).unwrap();
    assert_eq!(similar.matches("<li>").count(), 5, "{similar}");
    assert!(!similar.contains(&format!("/paper/{id}\"")), "not itself");
    // Reading a page changed nothing.
    assert_eq!(env.run(&["labels", "--json"]).stdout.trim(), "[]");

    let search = server.get("/search?q=npu");
    assert_eq!(search.status, 200);
    assert!(search.body.contains("<mark>"), "matches are marked");
    let bad = server.get("/search?q=%22unclosed");
    assert_eq!(bad.status, 400);
    assert_eq!(server.get("/paper/2501.00000").status, 404);
    assert_eq!(server.get("/topic?name=edge").status, 200);
}

#[test]
fn listening_beyond_loopback_needs_bind_and_says_so() {
    let (env, _arxiv, _ids) = inbox_env();
    let mut child = env
        .command(&["serve", "--port", "0", "--bind", "0.0.0.0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(
        line.starts_with("paperwatch inbox: http://0.0.0.0:"),
        "{line}"
    );
    assert!(
        err.contains("warning: listening on 0.0.0.0, not 127.0.0.1"),
        "{err}"
    );
}
