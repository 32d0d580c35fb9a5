//! The `findings` binary: help, exit codes, error messages and the commands
//! over the shared corpus run.

use super::common::{corpus_run, root};
use std::process::{Command, Output};

fn findings(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_findings"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn help_lists_the_subcommands_with_examples() {
    let o = findings(&["--help"]);
    assert!(o.status.success());
    for sub in ["run", "text", "search", "show", "serve", "patterns"] {
        assert!(stdout(&o).contains(sub), "{sub} missing from help");
    }
    for sub in ["run", "text", "search", "show", "serve"] {
        let o = findings(&[sub, "--help"]);
        assert!(o.status.success(), "{sub} --help");
        assert!(
            stdout(&o).contains("Example"),
            "{sub} --help has no example"
        );
    }
}

#[test]
fn usage_errors_exit_2_with_a_message() {
    let o = findings(&["run", "--jobs", "0"]);
    assert_eq!(o.status.code(), Some(2));
    let o = findings(&["run", "no/such/folder"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("input not found: no/such/folder"),
        "{}",
        stderr(&o)
    );
    let o = findings(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    let o = findings(&["serve", "--out", "no/such/run", "--port", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no index at no/such/run/index"),
        "{}",
        stderr(&o)
    );
}

/// `findings serve` binds loopback, says where, answers, and stops cleanly on
/// Ctrl-C (SIGINT) with exit code 0.
#[cfg(unix)]
#[test]
fn serve_prints_its_address_and_stops_on_ctrl_c() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::{Child, Stdio};
    /// Kills the server if the test fails before stopping it.
    struct Server(Child);
    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let run = corpus_run();
    let mut server = Server(
        Command::new(env!("CARGO_BIN_EXE_findings"))
            .args(["serve", "--port", "0", "--out"])
            .arg(&run.out)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve starts"),
    );
    let child = &mut server.0;
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    assert!(
        addr.starts_with("127.0.0.1:"),
        "loopback by default: {line}"
    );
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "GET /api/facets HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains("\"statements\":"), "{reply}");
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "Ctrl-C is a clean stop");
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("stopped"), "{rest}");
}

#[test]
fn a_batch_with_a_failed_document_exits_1_and_reports_it() {
    let input = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let good = std::fs::read_dir(root().join("corpus"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .min()
        .unwrap();
    std::fs::copy(&good, input.path().join("good.pdf")).unwrap();
    std::fs::write(input.path().join("bad.pdf"), b"not a pdf").unwrap();
    let o = findings(&[
        "run",
        input.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let summary = stdout(&o);
    assert!(summary.contains("1 documents failed"), "{summary}");
    assert!(summary.contains("bad.pdf: not_a_pdf"), "{summary}");
    let ok = findings(&[
        "run",
        good.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
}

#[test]
fn wrong_filter_values_list_valid_ones_with_a_suggestion() {
    let run = corpus_run();
    let index = run.out.join("index");
    let index = index.to_str().unwrap();
    let o = findings(&["search", "x", "--theme", "risk_asessment", "--index", index]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean 'risk_assessment'"),
        "{}",
        stderr(&o)
    );
    let o = findings(&["search", "x", "--kind", "recomendation", "--index", index]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean 'recommendation'"),
        "{}",
        stderr(&o)
    );
    let o = findings(&[
        "search",
        "x",
        "--force",
        "Greater Manchster Police",
        "--index",
        index,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("Greater Manchester Police"),
        "{}",
        stderr(&o)
    );
    let o = findings(&[
        "search",
        "x",
        "--body",
        "Lancashire Conty Council",
        "--index",
        index,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean 'Lancashire County Council'"),
        "{}",
        stderr(&o)
    );
    let o = findings(&["search", "x", "--publisher", "ofstd", "--index", index]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("ofsted"), "{}", stderr(&o));
}

#[test]
fn search_filters_by_body_and_publisher() {
    let run = corpus_run();
    let index = run.out.join("index");
    let index = index.to_str().unwrap();
    let o = findings(&[
        "search",
        "return home interviews",
        "--body",
        "Lancashire County Council",
        "--publisher",
        "ofsted",
        "--json",
        "--index",
        index,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let hits = v["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    for h in hits {
        assert_eq!(h["publisher"], "ofsted");
        assert!(
            h["bodies"]
                .as_array()
                .unwrap()
                .iter()
                .any(|b| b == "Lancashire County Council"),
            "{h}"
        );
    }
}

#[test]
fn patterns_check_passes_on_the_builtin_rules() {
    let o = findings(&["patterns", "check"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let o = findings(&["patterns", "list"]);
    assert!(stdout(&o).contains("risk_assessment"));
}

#[test]
fn bad_user_rule_file_names_file_and_rule() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mine.toml"),
        "[[rule]]\nid = \"theme.supervision.broken\"\nname = \"broken\"\ntarget = \"theme:supervision\"\nscope = \"text\"\ndescription = \"x\"\npatterns = ['(unclosed']\n[rule.examples]\nmatch = [\"a\"]\nno_match = [\"b\"]\n",
    )
    .unwrap();
    let o = findings(&[
        "patterns",
        "check",
        "--patterns",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("mine.toml") && err.contains("theme.supervision.broken"),
        "{err}"
    );
}

#[test]
fn text_prints_pages_separated_by_form_feeds() {
    let pdf = std::fs::read_dir(root().join("corpus"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .min()
        .expect("a corpus PDF");
    let o = findings(&["text", pdf.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.matches('\x0c').count() >= 4,
        "pages separated by form feeds"
    );
    assert!(text.to_lowercase().contains("fictional"));
    let o = findings(&["text", pdf.to_str().unwrap(), "--pages", "1"]);
    assert_eq!(stdout(&o).matches('\x0c').count(), 1);
}

#[test]
fn search_and_show_find_a_known_statement() {
    let run = corpus_run();
    let rec = run
        .data
        .statements
        .iter()
        .find(|s| s.kind == findings::model::Kind::Recommendation && s.chain_id.is_some())
        .or_else(|| {
            run.data
                .statements
                .iter()
                .find(|s| s.kind == findings::model::Kind::Recommendation)
        })
        .expect("a recommendation");
    let words: Vec<&str> = rec
        .text
        .split_whitespace()
        .filter(|w| w.len() > 6 && w.chars().all(char::is_alphabetic))
        .take(3)
        .collect();
    let index = run.out.join("index");
    let o = findings(&[
        "search",
        &words.join(" "),
        "--kind",
        "recommendation",
        "--json",
        "--limit",
        "50",
        "--index",
        index.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids: Vec<&str> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["statement_id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&rec.id.as_str()),
        "{words:?} did not find {}",
        rec.id
    );

    let o = findings(&["show", &rec.id, "--out", run.out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let shown = stdout(&o);
    assert!(shown.contains(&rec.text[..40.min(rec.text.len())]));
    assert!(shown.contains("recommendation"));
    if rec.chain_id.is_some() {
        assert!(shown.contains("first found"), "{shown}");
    }
}

#[test]
fn source_date_epoch_makes_the_manifest_reproducible() {
    let outs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let manifests: Vec<Vec<u8>> = outs
        .iter()
        .map(|out| {
            let o = Command::new(env!("CARGO_BIN_EXE_findings"))
                .args(["run", "corpus/dc-cdi-2018.pdf", "--quiet", "--out"])
                .arg(out.path())
                .env("SOURCE_DATE_EPOCH", "1700000000")
                .current_dir(root())
                .output()
                .expect("binary runs");
            assert!(o.status.success(), "{}", stderr(&o));
            std::fs::read(out.path().join("dataset/manifest.json")).unwrap()
        })
        .collect();
    assert_eq!(manifests[0], manifests[1]);
    let v: serde_json::Value = serde_json::from_slice(&manifests[0]).unwrap();
    assert_eq!(v["created"], "2023-11-14T22:13:20Z");
}
