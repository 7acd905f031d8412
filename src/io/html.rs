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

/// Extracts the readable text of an HTML document.
#[must_use]
pub fn extract(html: &str) -> HtmlText {
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

fn walk(el: ElementRef<'_>, w: &mut Writer) {
    for child in el.children() {
        match child.value() {
            Node::Text(t) => w.push_text(t),
            Node::Element(e) => {
                let name = e.name();
                if SKIP.contains(&name) {
                    continue;
                }
                let Some(child_el) = ElementRef::wrap(child) else {
                    continue;
                };
                if name == "br" {
                    w.line_break();
                    continue;
                }
                let block = BLOCK.contains(&name);
                if block {
                    w.flush_para();
                }
                let was_pre = w.pre;
                if name == "pre" {
                    w.pre = true;
                }
                walk(child_el, w);
                w.pre = was_pre;
                if block {
                    w.flush_para();
                }
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
        let h = extract(html);
        assert_eq!(h.title.as_deref(), Some("Port hit by ransomware"));
        assert_eq!(h.date.as_deref(), Some("2022-01-05T10:00:00Z"));
        assert_eq!(
            h.text,
            "Port hit by ransomware\n\nOfficials said the attack\u{a0}was “contained” & limited.\n\nLine one\nline two\n\nfirst\n\nsecond\n"
        );
    }

    #[test]
    fn fragment_without_article() {
        let h = extract("<p>Just <b>one</b> paragraph.</p>");
        assert_eq!(h.text, "Just one paragraph.\n");
        assert_eq!(h.title, None);
    }
}
