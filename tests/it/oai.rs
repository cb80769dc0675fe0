//! `import --oai`: harvesting arXiv's OAI-PMH interface from a mock on loopback that serves the
//! recorded arXivRaw pages (tests/fixtures/oai), following the resumption token, honouring a
//! 503 with Retry-After, and telling an empty list from a rejected request.

use std::time::{Duration, Instant};

use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{TestEnv, in_topic};

fn fixture(name: &str) -> String {
    let p = format!("{}/tests/fixtures/oai/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

const PAGE1: &str =
    "oai2-2015_ListRecords_arXivRaw_from2014-10-01_resumptionToken_TRIMMED-6-records.xml";
const PAGE2: &str = "derived_ListRecords_page2_from_GetRecord_1302.2146.xml";
const HARVEST: &[&str] = &[
    "import",
    "--oai",
    "--set",
    "physics",
    "--from",
    "2014-10-01",
];

struct Mock_ {
    server: MockServer,
    rt: tokio::runtime::Runtime,
}

impl Mock_ {
    fn start() -> Mock_ {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let server = rt.block_on(MockServer::start());
        Mock_ { server, rt }
    }

    fn mount(&self, mock: Mock) {
        self.rt.block_on(mock.mount(&self.server));
    }

    fn url(&self) -> String {
        format!("{}/oai", self.server.uri())
    }

    fn requests(&self) -> Vec<wiremock::Request> {
        self.rt
            .block_on(self.server.received_requests())
            .unwrap_or_default()
    }
}

fn xml(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.into_bytes(), "text/xml; charset=utf-8")
}

fn env_for(mock: &Mock_) -> TestEnv {
    let env = TestEnv::new();
    env.write(
        "paperwatch.toml",
        &format!(
            "[arxiv]\napi_url = \"http://127.0.0.1:1/api\"\noai_url = \"{}\"\ndelay_seconds = 0\nretries = 2\n\n\
             [snapshot]\nenabled = false\n\n[[topic]]\nname = \"nuclear\"\nquery = \"cat:nucl-th\"\n",
            mock.url()
        ),
    );
    env
}

#[test]
fn a_harvest_follows_the_token_waits_out_a_503_and_imports_every_field() {
    let mock = Mock_::start();
    mock.mount(
        Mock::given(method("GET"))
            .and(path("/oai"))
            .and(query_param("verb", "ListRecords"))
            .and(query_param("metadataPrefix", "arXivRaw"))
            .and(query_param("set", "physics"))
            .and(query_param("from", "2014-10-01"))
            .respond_with(xml(fixture(PAGE1))),
    );
    mock.mount(
        Mock::given(query_param("resumptionToken", "726959|1001"))
            .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "1"))
            .up_to_n_times(1)
            .with_priority(1),
    );
    mock.mount(
        Mock::given(query_param("resumptionToken", "726959|1001"))
            .respond_with(xml(fixture(PAGE2)))
            .with_priority(2),
    );
    let env = env_for(&mock);
    let started = Instant::now();
    let run = env.run(HARVEST);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was honoured"
    );
    run.says(&format!(
        "imported 7 records from {}: 7 new papers, 0 already stored, 0 unreadable records \
         skipped; 2 topic memberships",
        mock.url()
    ));
    let requests = mock.requests();
    assert_eq!(requests.len(), 3, "page 1, the 503, page 2 again");
    let token_requests: Vec<_> = requests
        .iter()
        .filter(|r| r.url.query().unwrap_or("").contains("resumptionToken"))
        .collect();
    assert_eq!(token_requests.len(), 2);
    assert!(
        token_requests.iter().all(|r| r
            .url
            .query_pairs()
            .map(|(k, _)| k.into_owned())
            .collect::<Vec<_>>()
            == ["verb", "resumptionToken"]),
        "a token goes back alone with the verb"
    );

    let papers: Vec<serde_json::Value> = env.exported();
    assert_eq!(papers.len(), 7);
    let by_id = |id: &str| papers.iter().find(|p| p["id"] == id).unwrap().clone();
    let first = by_id("0704.0471");
    assert_eq!(
        first["title"],
        "Density dependence of the symmetry energy and the nuclear equation of state: A Dynamical and Statistical model perspective"
    );
    assert_eq!(
        first["authors"],
        serde_json::json!(["D.V. Shetty", "S.J. Yennello", "G.A. Souliotis"])
    );
    assert_eq!(
        first["categories"],
        serde_json::json!(["nucl-ex", "nucl-th"])
    );
    assert_eq!(first["comment"], "16 pages, 14 figures");
    assert_eq!(
        first["journal_ref"],
        "Phys.Rev.C76:024606,2007; Erratum-ibid.C76:039902,2007"
    );
    assert_eq!(first["published"], "2007-04-03T22:04:11Z");
    let summary = first["abstract"].as_str().unwrap();
    assert!(summary.starts_with("The density dependence of the symmetry energy"));
    assert!(
        summary.contains("extremely \" stiff \" and \" soft \""),
        "{summary}"
    );
    assert!(!summary.contains('\n'), "hard wraps undone");
    let many = by_id("0704.0716");
    assert_eq!(many["version"], 4);
    assert_eq!(many["published"], "2007-04-05T12:45:03Z");
    assert_eq!(many["updated"], "2008-11-14T09:07:25Z");
    let last = by_id("1302.2146");
    assert_eq!(last["version"], 2);
    assert_eq!(last["doi"], serde_json::Value::Null);
    // The topic got what its query matches, locally: the two nucl-th papers.
    let nuclear: Vec<&str> = papers
        .iter()
        .filter(|p| in_topic(p, "nuclear"))
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(nuclear, ["0704.0471", "0704.1586"]);

    // Again: nothing twice.
    let run = env.run(HARVEST);
    run.says("0 new papers, 7 already stored");
}

#[test]
fn no_records_is_an_empty_harvest_and_a_rejected_request_fails_keeping_the_database() {
    let mock = Mock_::start();
    mock.mount(
        Mock::given(query_param("set", "moo"))
            .respond_with(xml(fixture("oai2-2015_error_noRecordsMatch_badset.xml"))),
    );
    mock.mount(Mock::given(query_param("set", "cs")).respond_with(xml(fixture(PAGE1))));
    mock.mount(
        Mock::given(query_param("resumptionToken", "726959|1001"))
            .respond_with(xml(fixture("oai2-2015_error_badResumptionToken.xml"))),
    );
    let env = env_for(&mock);
    let run = env.run(&["import", "--oai", "--set", "moo"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.says("imported 0 records");

    // Page 1 is stored, then the repository rejects the token: exit 1, arXiv's words, and
    // the six papers of page 1 kept for the next run.
    let run = env.run(&["import", "--oai", "--set", "cs"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.says("The resumptionToken supplied is illegal for this repository (badResumptionToken)");
    let papers: Vec<serde_json::Value> = env.exported();
    assert_eq!(papers.len(), 6);
    assert_eq!(
        mock.requests().len(),
        3,
        "a rejected request is not retried"
    );

    let run = env.run(&["import", "--oai", "--from", "last week"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    run.says("is not a day");
    let run = env.run(&["import", "--set", "cs"]);
    assert_eq!(
        run.code, 2,
        "--set needs --oai and a source: {}",
        run.stderr
    );
}

#[test]
fn a_token_that_comes_back_unchanged_stops_the_harvest() {
    let mock = Mock_::start();
    let same = fixture(PAGE1);
    mock.mount(Mock::given(query_param("set", "cs")).respond_with(xml(same.clone())));
    mock.mount(Mock::given(query_param("resumptionToken", "726959|1001")).respond_with(xml(same)));
    let env = env_for(&mock);
    let run = env.run(&["import", "--oai", "--set", "cs"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.says("the repository answered with the same resumption token");
    assert_eq!(mock.requests().len(), 2);
    assert_eq!(env.exported().len(), 6, "what was read is kept");
}
