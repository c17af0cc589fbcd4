//! Every relative link in README.md and docs/*.md resolves: the target file or directory exists,
//! and an `#anchor` into a Markdown file names one of its headings (GitHub's slugs). Inline
//! links and images (`[text](target)`, `![alt](target)`) are checked; links with a scheme
//! (`https:`, `mailto:`, …) are skipped, as is everything in code blocks and code spans.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// README.md and every Markdown file in docs/.
fn documents(root: &Path) -> Vec<PathBuf> {
    let mut docs = vec![root.join("README.md")];
    let mut more: Vec<PathBuf> = fs::read_dir(root.join("docs"))
        .expect("docs/ exists")
        .map(|e| e.expect("readable docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    more.sort();
    docs.extend(more);
    docs
}

/// The lines outside fenced code blocks, with their 1-based line numbers.
fn prose_lines(text: &str) -> Vec<(usize, &str)> {
    let mut fence: Option<&str> = None;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        match (fence, marker) {
            (None, Some(m)) => fence = Some(m),
            (Some(f), Some(m)) if f == m => fence = None,
            (None, None) => out.push((i + 1, line)),
            _ => {}
        }
    }
    out
}

/// `line` with every code span replaced by spaces (byte offsets stay valid).
fn without_code_spans(line: &str) -> String {
    let bytes = line.as_bytes();
    let mut out = line.as_bytes().to_vec();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let run = bytes[i..].iter().take_while(|&&b| b == b'`').count();
        let fence = &line[i..i + run];
        match line[i + run..].find(fence) {
            Some(len) => {
                let end = i + run + len + run;
                out[i..end].iter_mut().for_each(|b| *b = b' ');
                i = end;
            }
            None => i += run,
        }
    }
    String::from_utf8(out).expect("only ASCII bytes were replaced, by ASCII")
}

/// The targets of the inline links and images on one line.
fn link_targets(line: &str) -> Vec<String> {
    let line = without_code_spans(line);
    let mut targets = Vec::new();
    let mut rest = line.as_str();
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        let mut depth = 0usize;
        let mut end = after.len();
        for (i, c) in after.char_indices() {
            match c {
                '(' => depth += 1,
                ')' if depth == 0 => {
                    end = i;
                    break;
                }
                ')' => depth -= 1,
                _ => {}
            }
        }
        let inner = after[..end].trim();
        let target = match inner.strip_prefix('<') {
            Some(t) => t.split('>').next().unwrap_or(""),
            // A title ("…") follows the target after whitespace.
            None => inner.split_whitespace().next().unwrap_or(""),
        };
        targets.push(target.to_string());
        rest = &after[end.min(after.len())..];
    }
    targets
}

/// GitHub's anchor for a heading's text: lower case, punctuation dropped, spaces to hyphens.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of every ATX heading of a Markdown text; repeated slugs get `-1`, `-2`, ….
fn anchors(text: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    for (_, line) in prose_lines(text) {
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if !(1..=6).contains(&hashes) || !line[hashes..].starts_with(' ') {
            continue;
        }
        let base = slug(line[hashes..].trim().trim_end_matches('#'));
        let mut candidate = base.clone();
        let mut n = 0;
        while seen.contains(&candidate) {
            n += 1;
            candidate = format!("{base}-{n}");
        }
        seen.insert(candidate);
    }
    seen
}

/// Whether a target names a scheme (`https:`, `mailto:`, …) rather than a path.
fn is_external(target: &str) -> bool {
    match target.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

/// Every broken relative link of the document `file` with text `text`, one message each.
fn broken_links(file: &Path, text: &str) -> Vec<String> {
    let dir = file.parent().expect("a document lives in a directory");
    let mut broken = Vec::new();
    for (number, line) in prose_lines(text) {
        for target in link_targets(line) {
            if target.is_empty() {
                broken.push(format!("{}:{number}: empty link target", file.display()));
                continue;
            }
            if is_external(&target) {
                continue;
            }
            let (path, anchor) = match target.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (target.as_str(), None),
            };
            let resolved = if path.is_empty() {
                file.to_path_buf()
            } else {
                dir.join(path)
            };
            if !path.is_empty() && !resolved.exists() {
                broken.push(format!(
                    "{}:{number}: `{target}`: {} does not exist",
                    file.display(),
                    resolved.display()
                ));
                continue;
            }
            let Some(anchor) = anchor else { continue };
            if resolved.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let heads = if path.is_empty() {
                anchors(text)
            } else {
                anchors(&fs::read_to_string(&resolved).expect("readable Markdown"))
            };
            if !heads.contains(anchor) {
                broken.push(format!(
                    "{}:{number}: `{target}`: no heading with anchor #{anchor} in {}",
                    file.display(),
                    resolved.display()
                ));
            }
        }
    }
    broken
}

#[test]
fn relative_links_in_readme_and_docs_resolve() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in documents(root) {
        let text = fs::read_to_string(&file).expect("readable document");
        checked += prose_lines(&text)
            .iter()
            .map(|(_, l)| link_targets(l).len())
            .sum::<usize>();
        broken.extend(broken_links(&file, &text));
    }
    assert!(checked > 0, "no links found: the parser is broken");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_parser_finds_links_and_images_but_not_code() {
    let line =
        "See [a](x.md), ![img](img/p.png \"title\"), `[no](code.md)` and [b `c`](<y z.md#h>).";
    assert_eq!(link_targets(line), ["x.md", "img/p.png", "y z.md#h"]);
    let text = "```\n[no](fenced.md)\n```\n[yes](yes.md)\n";
    let lines = prose_lines(text);
    assert_eq!(lines.len(), 1);
    assert_eq!(link_targets(lines[0].1), ["yes.md"]);
    assert!(is_external("https://example.org") && is_external("mailto:a@b.c"));
    assert!(!is_external(
        "docs/theory.md#8-the-lattice-calculus-of-the-compiler"
    ));
}

#[test]
fn anchors_follow_github_slugs() {
    let text = "# The `pirk` command line\n## 8. The lattice calculus\n## Notes\n## Notes\n\
                ```\n# not a heading\n```\n";
    let a = anchors(text);
    for expected in [
        "the-pirk-command-line",
        "8-the-lattice-calculus",
        "notes",
        "notes-1",
    ] {
        assert!(a.contains(expected), "{expected} missing from {a:?}");
    }
    assert!(!a.contains("not-a-heading"));
}

#[test]
fn broken_links_and_anchors_are_reported() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = root.join("docs").join("virtual.md");
    let text = "# Title\n[ok](theory.md) [self](#title) [gone](missing.md) \
                [bad](theory.md#no-such-section) [bad self](#nowhere) [web](https://x.org/y)\n";
    let broken = broken_links(&file, text);
    assert_eq!(broken.len(), 3, "{broken:#?}");
    assert!(broken[0].contains("missing.md"));
    assert!(broken[1].contains("#no-such-section"));
    assert!(broken[2].contains("#nowhere"));
}
