//! A real SMTP server for the e-mail tests: Python's aiosmtpd (installed by `.ci/run`),
//! writing each message it accepts to a folder.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A real SMTP server: Python's aiosmtpd, writing each message it accepts to a folder.
pub(super) struct Smtp {
    pub(super) child: Child,
    pub(super) port: u16,
    pub(super) dir: tempfile::TempDir,
}

const SMTP_SERVER: &str = r#"
import os, sys
from aiosmtpd.controller import Controller
out = sys.argv[2]
class Save:
    async def handle_DATA(self, server, session, envelope):
        n = len(os.listdir(out))
        with open(os.path.join(out, "%03d.eml" % n), "wb") as f:
            f.write(envelope.original_content or envelope.content)
        return "250 OK"
c = Controller(Save(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("ready", flush=True)
sys.stdin.read()
c.stop()
"#;

impl Smtp {
    /// Starts the server; `None` when Python or aiosmtpd is missing (an error under `CI`).
    pub(super) fn start() -> Option<Smtp> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("smtpd.py");
        std::fs::write(&script, SMTP_SERVER).unwrap();
        let mail = dir.path().join("mail");
        std::fs::create_dir(&mail).unwrap();
        // The first Python that has aiosmtpd (a pyenv `python3` may shadow Debian's).
        let python = ["python3", "/usr/bin/python3"]
            .into_iter()
            .find(|p| {
                Command::new(p)
                    .args(["-c", "import aiosmtpd"])
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success())
            })
            .unwrap_or("python3");
        let child = Command::new(python)
            .arg(&script)
            .arg(port.to_string())
            .arg(&mail)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        let missing = |why: &str| {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI needs a real SMTP server: {why} (pip install aiosmtpd)"
            );
            eprintln!("skipped: {why}");
            None
        };
        let Ok(mut child) = child else {
            return missing("python3 is missing");
        };
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        if line.trim() != "ready" {
            let _ = child.kill();
            return missing("aiosmtpd is missing");
        }
        Some(Smtp { child, port, dir })
    }

    pub(super) fn messages(&self) -> Vec<Vec<u8>> {
        let mut files: Vec<_> = std::fs::read_dir(self.dir.path().join("mail"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        files.iter().map(|f| std::fs::read(f).unwrap()).collect()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
