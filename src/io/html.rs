//! The readable text of an HTML page: title and paragraphs, without scripts,
//! styles, navigation or header/footer boilerplate.

use scraper::{ElementRef, Html, Node, Selector};

/// What was read from an HTML page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlText {
    /// The readable text, paragraphs separated by blank lines.
    pub text: String,
    /// `<h1>` or `<title>`.
    pub title: Option<String>,
    /// A publication date from `<meta>` or `<time datetime>`, as written.
    pub date: Option<String>,
}

const SKIP: &[&str] = &[
    "script", "style", "nav", "header", "footer", "aside", "noscript", "form", "template", "svg",
    "iframe", "button", "select", "head", "menu", "dialog",
];

const BLOCK: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "table",
    "tr",
    "dl",
    "dt",
    "dd",
    "address",
    "hr",
    "body",
    "center",
];

/// Elements that never have content (no end tag).
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements whose end tag may be left out (the next one closes them), so
/// they do not deepen the nesting when counted naively.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot", "rt",
    "rp", "colgroup", "caption",
];

/// A cheap upper estimate of how deeply `html` nests elements, counted on
/// the raw tags (script and style bodies and comments skipped), stopping as
/// soon as it exceeds `limit`.
#[must_use]
pub fn nesting_depth(html: &str, limit: usize) -> usize {
    let b = html.as_bytes();
    let (mut i, mut depth, mut max) = (0, 0usize, 0);
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        i += off + 1;
        if b[i..].starts_with(b"!--") {
            i = find(b, i, b"-->");
            continue;
        }
        let closing = b.get(i) == Some(&b'/');
        let start = i + usize::from(closing);
        let end = start
            + b[start..]
                .iter()
                .position(|c| !c.is_ascii_alphanumeric())
                .unwrap_or(b.len() - start);
        if end == start {
            continue;
        }
        let name = html[start..end].to_ascii_lowercase();
        if closing {
            if !VOID.contains(&name.as_str()) && !OPTIONAL_END.contains(&name.as_str()) {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        let tag_end = memchr::memchr(b'>', &b[end..]).map_or(b.len(), |o| end + o);
        let self_closing = tag_end > end && b[tag_end - 1] == b'/';
        if name == "script" || name == "style" {
            i = find(b, tag_end, format!("</{name}").as_bytes());
            continue;
        }
        if !self_closing && !VOID.contains(&name.as_str()) && !OPTIONAL_END.contains(&name.as_str())
        {
            depth += 1;
            max = max.max(depth);
            if max > limit {
                return max;
            }
        }
        i = tag_end.min(b.len());
    }
    max
}

/// The index just past the next `needle` at or after `from` (ASCII case
/// ignored), or the end.
fn find(b: &[u8], from: usize, needle: &[u8]) -> usize {
    let from = from.min(b.len());
    b[from..]
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map_or(b.len(), |p| from + p + needle.len())
}

/// Why an HTML page was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HtmlError {
    /// Elements nest deeper than any real page (parsing such input takes
    /// time that grows with the square of the depth).
    #[error(
        "the HTML nests elements more than {0} levels deep; refused (raise GLOSS_MAX_DEPTH if it is genuine)"
    )]
    TooDeep(usize),
}

/// Extracts the readable text of an HTML document, refusing documents that
/// nest elements more than four times [`super::limits::Limits::depth`]
/// deep.
///
/// # Errors
/// [`HtmlError::TooDeep`].
pub fn extract(html: &str) -> Result<HtmlText, HtmlError> {
    let limit = super::limits::Limits::get().depth.saturating_mul(4);
    if nesting_depth(html, limit) > limit {
        return Err(HtmlError::TooDeep(limit));
    }
    Ok(extract_unchecked(html))
}

fn extract_unchecked(html: &str) -> HtmlText {
    let doc = Html::parse_document(html);
    let sel = |s: &str| Selector::parse(s).ok();
    let first_text = |s: &str| {
        sel(s).and_then(|q| {
            doc.select(&q)
                .map(|e| collapse(&e.text().collect::<String>()))
                .find(|t| !t.is_empty())
        })
    };
    let title = first_text("h1").or_else(|| first_text("title"));
    let date = sel(
        "meta[property='article:published_time'], meta[name='date'], meta[name='pubdate'], meta[itemprop='datePublished']",
    )
    .and_then(|q| doc.select(&q).find_map(|e| e.value().attr("content").map(str::to_owned)))
    .or_else(|| {
        sel("time[datetime]")
            .and_then(|q| doc.select(&q).find_map(|e| e.value().attr("datetime").map(str::to_owned)))
    });
    let root = ["article", "main", "body"]
        .iter()
        .filter_map(|s| sel(s))
        .find_map(|q| doc.select(&q).next())
        .unwrap_or_else(|| doc.root_element());
    let mut w = Writer::default();
    walk(root, &mut w);
    w.flush_para();
    let mut text = w.paras.join("\n\n");
    if !text.is_empty() {
        text.push('\n');
    }
    HtmlText { text, title, date }
}

#[derive(Default)]
struct Writer {
    paras: Vec<String>,
    cur: String,
    pre: bool,
}

impl Writer {
    fn push_text(&mut self, s: &str) {
        if self.pre {
            self.cur.push_str(s);
            return;
        }
        for (i, part) in s.split(|c: char| c.is_ascii_whitespace()).enumerate() {
            if i > 0 && !self.cur.is_empty() && !self.cur.ends_with([' ', '\n']) {
                self.cur.push(' ');
            }
            self.cur.push_str(part);
        }
    }

    fn line_break(&mut self) {
        let t = self.cur.trim_end_matches(' ').len();
        self.cur.truncate(t);
        self.cur.push('\n');
    }

    fn flush_para(&mut self) {
        let p = self.cur.trim_matches(|c: char| c == ' ' || c == '\n');
        if !p.is_empty() {
            self.paras.push(p.to_owned());
        }
        self.cur.clear();
    }
}

/// One step of the walk over the tree: entering a node, or leaving an
/// element (restoring the `pre` state and closing its block).
enum Step<'a> {
    Enter(ego_tree::NodeRef<'a, Node>),
    Leave { was_pre: bool, block: bool },
}

/// Walks the tree under `el` in document order with an explicit stack, so
/// that no nesting depth can overflow the call stack.
fn walk(el: ElementRef<'_>, w: &mut Writer) {
    let mut stack: Vec<Step<'_>> = el.children().rev().map(Step::Enter).collect();
    while let Some(step) = stack.pop() {
        let child = match step {
            Step::Leave { was_pre, block } => {
                w.pre = was_pre;
                if block {
                    w.flush_para();
                }
                continue;
            }
            Step::Enter(child) => child,
        };
        match child.value() {
            Node::Text(t) => w.push_text(t),
            Node::Element(e) => {
                let name = e.name();
                if SKIP.contains(&name) {
                    continue;
                }
                if name == "br" {
                    w.line_break();
                    continue;
                }
                let block = BLOCK.contains(&name);
                if block {
                    w.flush_para();
                }
                stack.push(Step::Leave {
                    was_pre: w.pre,
                    block,
                });
                if name == "pre" {
                    w.pre = true;
                }
                stack.extend(child.children().rev().map(Step::Enter));
            }
            _ => {}
        }
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_title_and_paragraphs_drops_boilerplate() {
        let html = r#"<!doctype html><html><head><title>Site | Story</title>
            <meta property="article:published_time" content="2022-01-05T10:00:00Z">
            <style>p{color:red}</style><script>var x = "<p>no</p>";</script></head>
            <body><header><nav>Home News Sport</nav></header>
            <article><h1>Port hit by   ransomware</h1>
            <p>Officials said the attack&nbsp;was &ldquo;contained&rdquo; &amp; limited.</p>
            <p>Line one<br>line two</p><aside>Read more</aside>
            <ul><li>first</li><li>second</li></ul></article>
            <footer>© 2022</footer></body></html>"#;
        let h = extract(html).unwrap();
        assert_eq!(h.title.as_deref(), Some("Port hit by ransomware"));
        assert_eq!(h.date.as_deref(), Some("2022-01-05T10:00:00Z"));
        assert_eq!(
            h.text,
            "Port hit by ransomware\n\nOfficials said the attack\u{a0}was “contained” & limited.\n\nLine one\nline two\n\nfirst\n\nsecond\n"
        );
    }

    #[test]
    fn deep_nesting_is_refused_quickly_and_the_walk_never_recurses() {
        let n = 100_000;
        let html = format!("{}deep text{}", "<div>".repeat(n), "</div>".repeat(n));
        assert!(matches!(extract(&html), Err(HtmlError::TooDeep(_))));
        let unclosed = format!("<p>{}x", "<span><b>".repeat(n));
        assert!(matches!(extract(&unclosed), Err(HtmlError::TooDeep(_))));
        // Within the limit, deep pages are read (the walk uses its own stack).
        let ok = format!("{}deep text{}", "<div>".repeat(900), "</div>".repeat(900));
        assert_eq!(extract(&ok).unwrap().text, "deep text\n");
        // Pages full of unclosed paragraphs and list items are not "deep".
        let flat = "<p>para".repeat(5000) + &"<li>item".repeat(5000);
        assert_eq!(nesting_depth(&flat, 1024), 0);
        let scripted = format!("<script>{}</script><p>x", "<div>".repeat(5000));
        assert_eq!(nesting_depth(&scripted, 1024), 0);
    }

    #[test]
    fn fragment_without_article() {
        let h = extract("<p>Just <b>one</b> paragraph.</p>").unwrap();
        assert_eq!(h.text, "Just one paragraph.\n");
        assert_eq!(h.title, None);
    }
}
