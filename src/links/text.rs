//! Finding a paper's code repository in its own text (abstract and arXiv comment), now that
//! Papers with Code is gone: URLs on code hosts, unwrapped from Markdown and LaTeX, normalised
//! (trailing punctuation, `.git`, `/tree/…`), the most likely one picked. A project page named
//! after "code at / available at" counts only when no repository is named. Pure: no I/O.

/// Code hosts, most trusted first.
const HOSTS: &[&str] = &[
    "github.com",
    "gitlab.com",
    "codeberg.org",
    "bitbucket.org",
    "huggingface.co",
];

/// Words before a URL that say it is the code.
const CUES: &[&str] = &[
    "code",
    "available",
    "released",
    "github",
    "repository",
    "implementation",
    "open-source",
    "open source",
    "opensource",
    "at:",
];

/// A candidate link with how likely it is the paper's code.
#[derive(Debug, Clone, PartialEq)]
struct Candidate {
    url: String,
    rank: u32,
    position: usize,
}

/// The most likely code link in the paper's abstract and comment, normalised.
pub fn find(summary: &str, comment: Option<&str>) -> Option<String> {
    let mut found = candidates(summary, 0);
    if let Some(comment) = comment {
        found.extend(candidates(comment, summary.len() + 1));
    }
    found
        .into_iter()
        .min_by_key(|c| (c.rank, c.position))
        .map(|c| c.url)
}

fn candidates(text: &str, offset: usize) -> Vec<Candidate> {
    let lower = text.to_lowercase();
    let mut out = Vec::new();
    let mut search_from = 0;
    while let Some(found) = next_url(&lower, search_from) {
        let (start, end) = found;
        search_from = end.max(start + 1);
        let raw = &text[start..end];
        let Some((url, host_rank)) = normalize(raw) else {
            continue;
        };
        let before = &lower[start.saturating_sub(60)..start];
        let cued = CUES.iter().any(|c| before.contains(c));
        let rank = match host_rank {
            Some(h) => h as u32 * 2 + u32::from(!cued),
            // A page that is not on a code host: only when cued, and after every repository.
            None if cued => 100,
            None => continue,
        };
        out.push(Candidate {
            url,
            rank,
            position: offset + start,
        });
    }
    out
}

/// The next URL-looking span at or after `from`: `http(s)://…` or a bare code-host name.
fn next_url(lower: &str, from: usize) -> Option<(usize, usize)> {
    let rest = &lower[from..];
    let mut best: Option<usize> = None;
    for pattern in ["http://", "https://"]
        .iter()
        .copied()
        .chain(HOSTS.iter().copied())
    {
        if let Some(i) = rest.find(pattern) {
            // A bare host inside an http URL is found by the http pattern.
            best = Some(best.map_or(i, |b| b.min(i)));
        }
    }
    let start = from + best?;
    // Widen a bare host to the `https://` before it, if any.
    let start = ["https://", "http://"]
        .iter()
        .find_map(|p| lower[..start].strip_suffix(p).map(|s| s.len()))
        .unwrap_or(start);
    let end = lower[start..]
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | '|' | '}' | '\\'))
        .map_or(lower.len(), |e| start + e);
    Some((start, end))
}

/// Cleans a raw URL; returns it with its host's rank (`None` for a host that is not a code host).
fn normalize(raw: &str) -> Option<(String, Option<usize>)> {
    let mut url = raw.trim();
    // Markdown `[text](url)` leaves `url)` or `(url`; LaTeX `\url{…}` leaves `{`.
    url = url.trim_start_matches(['(', '[', '{', '<']);
    loop {
        let trimmed =
            url.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '"', ']', '*', '~']);
        let trimmed = if trimmed.ends_with(')')
            && trimmed.matches('(').count() < trimmed.matches(')').count()
        {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if trimmed == url {
            break;
        }
        url = trimmed;
    }
    let without_scheme = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    let without_scheme = without_scheme
        .strip_prefix("www.")
        .unwrap_or(without_scheme);
    let (host, path) = without_scheme
        .split_once('/')
        .unwrap_or((without_scheme, ""));
    let host = host.to_lowercase();
    if host.is_empty() || !host.contains('.') {
        return None;
    }
    let Some(rank) = HOSTS.iter().position(|h| *h == host) else {
        // Not a code host (a project page); github.io pages land here too.
        return Some((
            format!("https://{host}/{}", path.trim_end_matches('/'))
                .trim_end_matches('/')
                .to_string(),
            None,
        ));
    };
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let repo = match HOSTS[rank] {
        "huggingface.co" => {
            // huggingface.co/<owner>/<model>, /spaces/<owner>/<name>, /datasets/…; not /papers/.
            let take = if matches!(segments.first(), Some(&("spaces" | "datasets"))) {
                3
            } else {
                2
            };
            if segments.len() < take || segments[0] == "papers" || segments[0] == "docs" {
                return None;
            }
            segments[..take].to_vec()
        }
        _ => {
            if segments.len() < 2
                || matches!(segments[0], "orgs" | "sponsors" | "topics" | "features")
            {
                return None;
            }
            segments[..2].to_vec()
        }
    };
    let mut repo: Vec<String> = repo.iter().map(|s| s.to_string()).collect();
    if let Some(last) = repo.last_mut() {
        *last = last.trim_end_matches(".git").to_string();
        if last.is_empty() {
            return None;
        }
    }
    Some((
        format!("https://{}/{}", HOSTS[rank], repo.join("/")),
        Some(rank),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> Option<String> {
        find(s, None)
    }

    #[test]
    fn plain_and_wrapped_urls() {
        let want = Some("https://github.com/UbiquitousLearning/mllm".to_string());
        assert_eq!(
            f("Code is available at https://github.com/UbiquitousLearning/mllm."),
            want
        );
        assert_eq!(f("Code: github.com/UbiquitousLearning/mllm"), want);
        assert_eq!(
            f("see [repo](https://github.com/UbiquitousLearning/mllm)."),
            want
        );
        assert_eq!(f("\\url{https://github.com/UbiquitousLearning/mllm}"), want);
        assert_eq!(
            f("at https://github.com/UbiquitousLearning/mllm.git,"),
            want
        );
        assert_eq!(
            f("(https://github.com/UbiquitousLearning/mllm/tree/main/src)"),
            want
        );
        assert_eq!(
            f("https://www.github.com/UbiquitousLearning/mllm/blob/x.md"),
            want
        );
    }

    #[test]
    fn the_most_likely_repository_wins() {
        let text = "We build on https://github.com/huggingface/transformers. Our code is at https://github.com/me/fast-llm.";
        assert_eq!(f(text).unwrap(), "https://github.com/me/fast-llm");
        let text = "Models: https://huggingface.co/me/model and code https://gitlab.com/me/tool";
        assert_eq!(f(text).unwrap(), "https://gitlab.com/me/tool");
        assert_eq!(
            f("Spaces: https://huggingface.co/spaces/me/demo").unwrap(),
            "https://huggingface.co/spaces/me/demo"
        );
    }

    #[test]
    fn project_pages_only_when_nothing_else() {
        assert_eq!(
            f("Project page: https://me.github.io/proj/"),
            None,
            "not cued as code"
        );
        assert_eq!(
            f("Code available at https://me.github.io/proj/.").unwrap(),
            "https://me.github.io/proj"
        );
        assert_eq!(
            f("Code available at https://me.github.io/proj and https://github.com/me/proj")
                .unwrap(),
            "https://github.com/me/proj"
        );
    }

    #[test]
    fn not_repositories() {
        assert_eq!(f("no links here"), None);
        assert_eq!(f("https://github.com/orgs/me"), None);
        assert_eq!(f("https://github.com/me"), None);
        assert_eq!(f("https://huggingface.co/papers/2407.05858"), None);
        assert_eq!(f("we cite arxiv.org/abs/2407.05858"), None);
    }

    #[test]
    fn the_comment_counts_too() {
        assert_eq!(
            find(
                "An abstract.",
                Some("10 pages; code: https://github.com/a/b")
            )
            .unwrap(),
            "https://github.com/a/b"
        );
    }
}
