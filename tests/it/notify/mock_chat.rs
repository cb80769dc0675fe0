//! A local HTTP server playing Slack, Discord, Telegram, Feishu, a generic webhook and an
//! OpenAI-compatible endpoint: each answers as its service documents (scripted statuses with
//! `Retry-After`, scripted bodies, and rules that judge a message's content), and every request
//! is recorded.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// One request the chat server received.
#[derive(Debug, Clone)]
pub(super) struct Got {
    pub(super) path: String,
    pub(super) headers: HashMap<String, String>,
    pub(super) body: serde_json::Value,
    pub(super) raw: Vec<u8>,
}

/// A scripted answer: status and `Retry-After`.
type Answer = (u16, Option<&'static str>);

/// A scripted answer with a body: status and body (how a service says no with a 2xx).
type Said = (u16, &'static str);

#[derive(Default)]
struct ChatState {
    got: Mutex<Vec<Got>>,
    /// path → statuses to answer before the normal one: (status, Retry-After).
    script: Queues<Answer>,
    /// path → answers with a body to give before the normal one (the request is recorded).
    said: Queues<Said>,
    /// path → how the service judges a message's content (after the scripted answers).
    rules: Mutex<HashMap<String, Rule>>,
}

/// A service's judgement of a message: `Some((status, body))` refuses it.
type Rule = fn(&serde_json::Value) -> Option<(u16, String)>;

/// Scripted answers by path.
type Queues<T> = Mutex<HashMap<String, VecDeque<T>>>;

/// The next scripted answer for `path`, if any.
fn next<T>(queues: &Queues<T>, path: &str) -> Option<T> {
    queues
        .lock()
        .unwrap()
        .get_mut(path)
        .and_then(VecDeque::pop_front)
}

/// Adds answers to give at `path`, in order.
fn push<T: Copy>(queues: &Queues<T>, path: &str, answers: &[T]) {
    queues
        .lock()
        .unwrap()
        .entry(path.to_string())
        .or_default()
        .extend(answers.iter().copied());
}

struct ChatResponder(Arc<ChatState>);

impl Respond for ChatResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let path = request.url.path().to_string();
        let headers = request
            .headers
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        if let Some((status, retry_after)) = next(&self.0.script, &path) {
            let mut t = ResponseTemplate::new(status).set_body_string("slow down");
            if let Some(after) = retry_after {
                t = t.insert_header("Retry-After", after);
            }
            return t;
        }
        self.0.got.lock().unwrap().push(Got {
            path: path.clone(),
            headers,
            body: serde_json::from_slice(&request.body).unwrap_or_default(),
            raw: request.body.clone(),
        });
        if let Some((status, body)) = next(&self.0.said, &path) {
            return ResponseTemplate::new(status).set_body_string(body);
        }
        let rule = self.0.rules.lock().unwrap().get(&path).copied();
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
        if let Some((status, text)) = rule.and_then(|judge| judge(&body)) {
            return ResponseTemplate::new(status).set_body_string(text);
        }
        if path.ends_with("/chat/completions") {
            let n = self.0.got.lock().unwrap().len();
            let answer = serde_json::json!({
                "choices": [{"message": {"role": "assistant", "content": format!(" \"Summary number {n}.\"\n")}}]
            });
            return ResponseTemplate::new(200).set_body_json(answer);
        }
        if path.ends_with("/sendMessage") {
            ResponseTemplate::new(200).set_body_string(r#"{"ok":true,"result":{}}"#)
        } else if path == "/discord" {
            ResponseTemplate::new(204)
        } else if path == "/feishu" {
            // Feishu/Lark's custom bot answers HTTP 200 and says in `code` whether it took it.
            ResponseTemplate::new(200).set_body_string(r#"{"code":0,"data":{},"msg":"success"}"#)
        } else {
            ResponseTemplate::new(200).set_body_string("ok")
        }
    }
}

pub(super) struct MockChat {
    state: Arc<ChatState>,
    server: MockServer,
    _runtime: tokio::runtime::Runtime,
}

impl MockChat {
    pub(super) fn start() -> MockChat {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let state = Arc::new(ChatState::default());
        let server = runtime.block_on(MockServer::start());
        runtime.block_on(
            Mock::given(any())
                .respond_with(ChatResponder(state.clone()))
                .mount(&server),
        );
        MockChat {
            state,
            server,
            _runtime: runtime,
        }
    }

    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.uri())
    }

    pub(super) fn script(&self, path: &str, answers: &[Answer]) {
        push(&self.state.script, path, answers);
    }

    pub(super) fn say(&self, path: &str, answers: &[Said]) {
        push(&self.state.said, path, answers);
    }

    pub(super) fn judge(&self, path: &str, rule: Rule) {
        self.state
            .rules
            .lock()
            .unwrap()
            .insert(path.to_string(), rule);
    }

    pub(super) fn got(&self, path: &str) -> Vec<Got> {
        self.state
            .got
            .lock()
            .unwrap()
            .iter()
            .filter(|g| g.path == path)
            .cloned()
            .collect()
    }
}
