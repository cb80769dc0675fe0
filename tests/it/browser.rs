//! The seed run's site in a real headless Chromium (Debian's `chromium` + `chromium-driver`),
//! driven over the W3C WebDriver protocol on loopback: type into search and see the rows filter,
//! pick a topic and see only its papers, no console errors, from `file://`. Screenshots go to
//! `target/tmp/site-*.png`.
//!
//! `.ci/run` installs Chromium, so under `CI=true` a missing driver fails the test; elsewhere
//! the test says it was skipped.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
    child: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self
            .agent
            .delete(&format!("{}/session/{}", self.base, self.session))
            .call();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn call(agent: &ureq::Agent, method: &str, url: &str, body: Option<Value>) -> Value {
    let response = match (method, body) {
        ("GET", _) => agent.get(url).call(),
        ("DELETE", _) => agent.delete(url).call(),
        (_, body) => agent
            .post(url)
            .header("Content-Type", "application/json")
            .send(body.unwrap_or(json!({})).to_string()),
    };
    let text = response
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"))
        .body_mut()
        .read_to_string()
        .unwrap();
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{url}: {e}: {text}"));
    if v["value"].get("error").is_some() {
        panic!("{method} {url}: {}", v["value"]);
    }
    v["value"].clone()
}

impl Driver {
    fn start(profile: &Path) -> Option<Driver> {
        let driver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.exists());
        let Some(driver) = driver else {
            if std::env::var_os("CI").is_some() {
                panic!("chromedriver is missing: .ci/run installs chromium and chromium-driver");
            }
            eprintln!("skipped: no chromedriver (apt-get install chromium chromium-driver)");
            return None;
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = agent
                .get(&format!("{base}/status"))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_to_string().ok())
                .is_some_and(|t| t.contains("\"ready\":true"));
            if ready {
                break;
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let binary = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .expect("chromium is installed with chromium-driver");
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": binary,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-quic", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--allow-file-access-from-files",
                         format!("--user-data-dir={}", profile.display()), "--window-size=1280,1000"]
            },
            "goog:loggingPrefs": {"browser": "ALL"}
        }}});
        let mut child = child;
        let session = agent
            .post(&format!("{base}/session"))
            .header("Content-Type", "application/json")
            .send(caps.to_string())
            .ok()
            .and_then(|mut r| r.body_mut().read_to_string().ok())
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .and_then(|v| v["value"]["sessionId"].as_str().map(str::to_string));
        let Some(session) = session else {
            let _ = child.kill();
            panic!("chromedriver could not start a Chromium session");
        };
        Some(Driver {
            child,
            base,
            session,
            agent,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/session/{}{path}", self.base, self.session)
    }

    /// Opens a local file.
    fn open(&self, file: &Path) {
        self.post("/url", json!({"url": format!("file://{}", file.display())}));
    }

    fn post(&self, path: &str, body: Value) -> Value {
        call(&self.agent, "POST", &self.url(path), Some(body))
    }

    fn script(&self, js: &str) -> Value {
        self.post("/execute/sync", json!({"script": js, "args": []}))
    }

    fn find(&self, css: &str) -> String {
        let v = self.post("/element", json!({"using": "css selector", "value": css}));
        v[ELEMENT].as_str().expect("an element").to_string()
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.post(&format!("/element/{id}/value"), json!({"text": text}));
    }

    fn click(&self, css: &str) {
        let id = self.find(css);
        self.post(&format!("/element/{id}/click"), json!({}));
    }

    /// Waits until the page has loaded the data files the view asked for.
    fn settle(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.script("return document.getElementById('count').textContent") == "Loading…" {
            assert!(Instant::now() < deadline, "the data files did not load");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn rows(&self) -> u64 {
        self.settle();
        self.script("return document.querySelectorAll('#papers > li').length")
            .as_u64()
            .unwrap()
    }

    /// The data files (not the index) the page has asked for so far.
    fn data_files(&self) -> u64 {
        self.settle();
        self.script("return document.querySelectorAll('script[src*=\"/data/\"]:not([src$=\"/index.js\"]):not([src$=\"/similar.js\"])').length")
            .as_u64()
            .unwrap()
    }

    fn screenshot(&self, name: &str) {
        let b64 = call(&self.agent, "GET", &self.url("/screenshot"), None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap())
            .unwrap();
        assert!(png.starts_with(b"\x89PNG"));
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("site-{name}.png"));
        std::fs::write(path, png).unwrap();
    }

    /// Severe console messages (errors) since the last call.
    fn console_errors(&self) -> Vec<String> {
        let logs = self.post("/se/log", json!({"type": "browser"}));
        logs.as_array()
            .unwrap()
            .iter()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or("").to_string())
            .collect()
    }
}

#[test]
fn the_seed_site_searches_and_filters_in_chromium() {
    let (env, _mock, _) = crate::common::seed_update_env();
    let profile = tempfile::tempdir().unwrap();
    let Some(driver) = Driver::start(profile.path()) else {
        return;
    };
    let index = env.path("site/index.html");
    driver.open(&index);

    let count = || {
        driver.settle();
        driver.script("return document.getElementById('count').textContent")
    };
    assert_eq!(count(), "458 papers (showing 200)");
    assert_eq!(driver.rows(), 200);
    // The newest 200 rows need two of the nine yearly data files (2026, 2025); the count of
    // the rest comes from the index.
    let shards = env.site_data()["shards"].as_array().unwrap().len() as u64;
    assert_eq!(shards, 9);
    assert_eq!(driver.data_files(), 2);
    driver.screenshot("index");

    // Typing filters instantly: every row left mentions the query.
    driver.type_into("#q", "speculative decoding");
    let n = driver.rows();
    assert!((1..200).contains(&n), "{n} rows");
    let all_match = driver.script(
        "return [...document.querySelectorAll('#papers > li')].every(li => \
         li.textContent.toLowerCase().includes('speculative') && li.textContent.toLowerCase().includes('decoding'))",
    );
    assert_eq!(all_match, true);
    // Searching needs every paper: all data files are in now.
    assert_eq!(driver.data_files(), shards);
    driver.screenshot("search");

    // A topic: only its papers.
    driver.script("document.getElementById('q').value=''; document.getElementById('q').dispatchEvent(new Event('input'))");
    driver.click("#topic");
    driver.click("#topic option[value='0']");
    assert_eq!(count(), "3 papers");
    let only_topic = driver.script(
        "return [...document.querySelectorAll('#papers > li')].every(li => \
         [...li.querySelectorAll('.topic')].some(a => a.textContent === 'mobile_npu_llm'))",
    );
    assert_eq!(only_topic, true);
    driver.screenshot("topic");

    // The abstract opens from the keyboard-reachable <details>; anchors are stable.
    driver.click("#papers > li details summary");
    let open = driver.script("return document.querySelector('#papers > li details').open");
    assert_eq!(open, true);
    let anchor = driver.script("return document.querySelector('#papers > li').id");
    assert!(anchor.as_str().unwrap().starts_with("arXiv-"));

    // A topic page preselects its topic; a phone-sized window still works.
    let topic_page = env.path("site/topics/npu_acceleration.html");
    driver.post(
        "/url",
        json!({"url": format!("file://{}", topic_page.display())}),
    );
    assert_eq!(count(), "361 papers (showing 200)");
    // A link to the oldest paper loads the files it needs and shows it.
    let data = env.site_data();
    let oldest = data["papers"].as_array().unwrap().last().unwrap()["anchor"]
        .as_str()
        .unwrap()
        .to_string();
    driver.post(
        "/url",
        json!({"url": format!("file://{}#{oldest}", index.display())}),
    );
    driver.settle();
    let found = driver.script(&format!("return !!document.getElementById('{oldest}')"));
    assert_eq!(found, true, "{oldest}");
    assert_eq!(driver.data_files(), shards);
    driver.post("/window/rect", json!({"width": 390, "height": 844}));
    driver.screenshot("phone");
    // "Most relevant" on a topic page ranks by that topic's own score, not a paper's best
    // over all its topics (the default config without examples: profile scores differ per topic).
    let (scored, _mock2) = crate::relevance::default_run(&[("PAPERWATCH_RELEVANCE_EXAMPLES", "")]);
    let page = scored.path("site/topics/npu_acceleration.html");
    driver.post("/url", json!({"url": format!("file://{}", page.display())}));
    driver.script("const s = document.getElementById('sort'); s.value = 'score'; s.dispatchEvent(new Event('change'))");
    let shown = driver.script(
        "return [...document.querySelectorAll('#papers > li')].slice(0, 15).map(li => li.id)",
    );
    let data: Value = scored.site_data();
    let t = data["topics"]
        .as_array()
        .unwrap()
        .iter()
        .position(|t| t["name"] == "npu_acceleration")
        .unwrap() as u64;
    let mut ranked: Vec<(f64, String, String)> = data["papers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            let at = p["topics"].as_array()?.iter().position(|x| x == t)?;
            let score = p["scores"][at].as_f64().unwrap_or(0.0);
            Some((
                score,
                p["id"].as_str()?.to_string(),
                p["anchor"].as_str()?.to_string(),
            ))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
    let expected: Vec<&str> = ranked.iter().take(15).map(|r| r.2.as_str()).collect();
    assert_eq!(shown, json!(expected));
    let errors = driver.console_errors();
    assert!(errors.is_empty(), "console errors: {errors:?}");
}

/// With `[feedback] mode = "github"`, every paper row carries 👍/👎 links that open an issue
/// titled as `paperwatch feedback` reads it, for the page's topic (the paper's first topic on
/// the index).
#[test]
fn site_rows_carry_feedback_links_in_chromium() {
    let (env, _mock, _) = crate::common::seed_update_env();
    let config = env.read("paperwatch.toml");
    env.write(
        "paperwatch.toml",
        &format!("[feedback]\nmode = \"github\"\nrepository = \"octo/papers\"\n\n{config}"),
    );
    assert_eq!(env.run(&["render"]).code, 0);
    assert_eq!(env.site_data()["feedback"], "octo/papers");
    let profile = tempfile::tempdir().unwrap();
    let Some(driver) = Driver::start(profile.path()) else {
        return;
    };
    driver.open(&env.path("site/index.html"));
    driver.settle();
    let every = driver.script(
        "return [...document.querySelectorAll('#papers > li')].every(li => \
         li.querySelectorAll('a.feedback').length === 2)",
    );
    assert_eq!(every, true, "two feedback links per row");
    // "More like this": five links under each row, to other papers' anchors.
    let similar = driver.script(
        "return [...document.querySelectorAll('#papers > li')].every(li => { \
           const a = [...li.querySelectorAll('p.similar a')]; \
           return a.length === 5 && a.every(x => x.hash.startsWith('#arXiv-') && x.hash !== '#' + li.id); })",
    );
    assert_eq!(similar, true, "five similar papers per row");
    let first = driver.script(
        "const li = document.querySelector('#papers > li'); \
         const topic = li.querySelector('.topic').textContent; \
         const [up, down] = [...li.querySelectorAll('a.feedback')].map(a => a.href); \
         return [li.querySelector('h2 a').href, topic, up, down];",
    );
    let (id, topic) = (first[0].as_str().unwrap(), first[1].as_str().unwrap());
    // https://arxiv.org/abs/IDvN
    let id = id.rsplit('/').next().unwrap().split('v').next().unwrap();
    let up = first[2].as_str().unwrap();
    assert!(
        up.starts_with(
            "https://github.com/octo/papers/issues/new?title=paperwatch%3A%20relevant%20"
        ),
        "{up}"
    );
    let title = |word: &str| format!("paperwatch: {word} {id} in {topic}");
    let decoded = |u: &str| {
        url::form_urlencoded::parse(u.split_once('?').unwrap().1.as_bytes())
            .find(|(k, _)| k == "title")
            .unwrap()
            .1
            .into_owned()
    };
    assert_eq!(decoded(up), title("relevant"));
    assert_eq!(decoded(first[3].as_str().unwrap()), title("irrelevant"));
    assert_eq!(driver.console_errors(), Vec::<String>::new());
}
