//! `report.html`: a [`Document`] as one self-contained web page.
//!
//! Everything the page shows is inside it: the style sheet, the tables and each
//! chart's SVG document, inline (its text already drawn as glyph outlines, so no
//! font is loaded either). The page loads nothing: it holds no URL, and its content
//! security policy (`default-src 'none'`) forbids every request a browser could
//! otherwise make, so it opens the same offline, from an e-mail or from a shared drive.
//!
//! The layout is one column that narrows to a phone's width (charts scale with it,
//! wide tables scroll sideways inside their box) and prints on A4: charts and table
//! rows are not split across pages, and tables shrink their type to fit the width.

use super::doc::{Block, Document, Span};

/// The style sheet: one readable column on screens of any width, A4 on paper.
const STYLE: &str = "\
:root { color-scheme: light; }
body { margin: 0; background: #fff; color: #1b1b1b; font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; }
main { max-width: 62rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.5rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 0.5rem; }
p, ul { margin: 0.5rem 0; }
ul { padding-left: 1.4rem; }
code { font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 0.88em; background: #f3f3f3; padding: 0.05em 0.3em; border-radius: 3px; overflow-wrap: anywhere; }
.note { color: #444; font-style: italic; font-size: 0.92em; }
.table { overflow-x: auto; margin: 0.75rem 0; }
table { border-collapse: collapse; font-size: 0.9rem; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #e2e2e2; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f6f6f6; font-weight: 600; }
figure { margin: 1.5rem 0; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 0.92em; color: #444; margin-top: 0.3rem; }
@media (max-width: 40rem) {
  body { font-size: 15px; }
  main { padding: 0.75rem 0.75rem 2rem; }
  h1 { font-size: 1.3rem; }
  table { font-size: 0.8rem; }
  th, td { padding: 0.25rem 0.4rem; }
}
@page { size: A4; margin: 15mm 14mm; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h2, h3 { break-after: avoid; }
  .table { overflow: visible; }
  table { font-size: 8pt; width: 100%; }
  tr, figure { break-inside: avoid; }
  code { background: none; padding: 0; }
}
";

/// `doc` as an HTML page. `svgs` holds the SVG document of each chart the document
/// shows, by stem (a chart without one is left out, with its caption).
pub fn render(doc: &Document, svgs: &[(String, String)]) -> String {
    let svg = |stem: &str| svgs.iter().find(|(s, _)| s == stem).map(|(_, t)| t);
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n",
    );
    out.push_str(&format!("<title>{}</title>\n", escape(&doc.title)));
    out.push_str("<style>\n");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<main>\n");
    out.push_str(&format!("<h1>{}</h1>\n", escape(&doc.title)));
    for block in &doc.blocks {
        match block {
            Block::Heading(level, text) => {
                let level = (*level).clamp(2, 6);
                out.push_str(&format!("<h{level}>{}</h{level}>\n", escape(text)));
            }
            Block::Lines(lines) => {
                // Blank lines part paragraphs, as they do in Markdown.
                for paragraph in lines.split(|l| l.trim().is_empty()) {
                    if !paragraph.is_empty() {
                        let text: Vec<String> = paragraph.iter().map(|l| escape(l)).collect();
                        out.push_str(&format!("<p>{}</p>\n", text.join("\n")));
                    }
                }
            }
            Block::Paragraph(spans) => out.push_str(&format!("<p>{}</p>\n", inline(spans))),
            Block::List(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    out.push_str(&format!("<li>{}</li>\n", inline(item)));
                }
                out.push_str("</ul>\n");
            }
            Block::Table(rows) => table(&mut out, rows),
            Block::Note(text) => out.push_str(&format!("<p class=\"note\">{}</p>\n", escape(text))),
            Block::Chart { stem, caption } => {
                out.push_str(&format!("<figure data-chart=\"{}\">\n", escape(stem)));
                if let Some(svg) = svg(stem) {
                    out.push_str(&inline_svg(svg, &escape(caption)));
                }
                out.push_str(&format!(
                    "<figcaption>{}.</figcaption>\n</figure>\n",
                    escape(caption)
                ));
            }
        }
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn table(out: &mut String, rows: &[Vec<String>]) {
    let Some((header, body)) = rows.split_first() else {
        return;
    };
    out.push_str("<div class=\"table\"><table>\n<thead><tr>");
    for cell in header {
        out.push_str(&format!("<th>{}</th>", escape(cell)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in body {
        out.push_str("<tr>");
        for cell in row {
            out.push_str(&format!("<td>{}</td>", escape(cell)));
        }
        // A short row (the "… more" line) spans what it lacks.
        if row.len() < header.len() {
            out.push_str(&"<td></td>".repeat(header.len() - row.len()));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
}

fn inline(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| match s {
            Span::Text(t) => escape(t),
            Span::Strong(t) => format!("<strong>{}</strong>", escape(t)),
            Span::Code(t) => format!("<code>{}</code>", escape(t)),
            Span::Emphasis(t) => format!("<em>{}</em>", escape(t)),
        })
        .collect()
}

/// `page`, a page [`render`] wrote, with the charts of `svgs` (by stem) in place of
/// the ones it shows: what `escalate plot DIR` makes of a folder's `report.html`
/// once its charts are redrawn, since the text around them does not change. `None`
/// when the page shows none of these charts.
pub fn with_charts(page: &str, svgs: &[(String, String)]) -> Option<String> {
    let mut out = page.to_owned();
    let mut replaced = false;
    for (stem, svg) in svgs {
        let open = format!("<figure data-chart=\"{}\">\n", escape(stem));
        let Some(start) = out.find(&open).map(|i| i + open.len()) else {
            continue;
        };
        let Some(caption) = out[start..].find("<figcaption>").map(|i| start + i) else {
            continue;
        };
        let label = out[caption + "<figcaption>".len()..]
            .split("</figcaption>")
            .next()
            .unwrap_or("")
            .trim_end_matches('.')
            .to_owned();
        out.replace_range(start..caption, &inline_svg(svg, &label));
        replaced = true;
    }
    replaced.then_some(out)
}

/// An SVG document as an element of the page: without its namespace declarations,
/// which HTML implies (so the page holds no URL at all), labelled with `label`
/// (escaped already: the caption).
fn inline_svg(svg: &str, label: &str) -> String {
    let svg = svg.trim_start_matches(|c: char| c != '<');
    let svg = svg
        .strip_prefix("<?xml")
        .and_then(|rest| rest.split_once("?>").map(|(_, r)| r.trim_start()))
        .unwrap_or(svg);
    let end = svg.find('>').unwrap_or(0);
    let (root, rest) = svg.split_at(end);
    let mut root = root.to_owned();
    while let Some(at) = root.find(" xmlns") {
        let Some(open) = root[at..].find("=\"").map(|i| at + i + 2) else {
            break;
        };
        let Some(close) = root[open..].find('"').map(|i| open + i + 1) else {
            break;
        };
        root.replace_range(at..close, "");
    }
    format!("{root} role=\"img\" aria-label=\"{label}\"{rest}")
}

/// Text escaped for HTML content and attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Document {
        Document {
            title: "Two <states> & \"allies\"".into(),
            blocks: vec![
                Block::Lines(vec!["One".into(), "".into(), "Two <b>".into()]),
                Block::Heading(2, "Results".into()),
                Block::Table(vec![
                    vec!["actor".into(), "peak".into()],
                    vec!["Ruritania".into(), "Protest".into()],
                    vec!["…".into()],
                ]),
                Block::List(vec![vec![Span::Strong("A".into()), Span::code("x < y")]]),
                Block::Chart {
                    stem: "fan".into(),
                    caption: "Levels".into(),
                },
                Block::Chart {
                    stem: "missing".into(),
                    caption: "Gone".into(),
                },
            ],
        }
    }

    #[test]
    fn the_page_escapes_text_and_inlines_charts_without_urls() {
        let svg = "<svg width=\"10\" height=\"5\" viewBox=\"0 0 10 5\" xmlns=\"http://www.w3.org/2000/svg\" \
                   xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n<rect x=\"0\"/>\n</svg>\n";
        let page = render(&doc(), &[("fan".to_owned(), svg.to_owned())]);
        assert!(page.starts_with("<!DOCTYPE html>\n"), "{page}");
        assert!(
            page.contains("<title>Two &lt;states&gt; &amp; &quot;allies&quot;</title>"),
            "{page}"
        );
        assert!(
            page.contains("<p>One</p>\n<p>Two &lt;b&gt;</p>\n"),
            "{page}"
        );
        assert!(page.contains("<td>…</td><td></td></tr>"), "{page}");
        assert!(page.contains("<li><strong>A</strong><code>x &lt; y</code></li>"));
        assert!(
            page.contains(
                "<figure data-chart=\"fan\">\n<svg width=\"10\" height=\"5\" viewBox=\"0 0 10 5\" role=\"img\" aria-label=\"Levels\">\n<rect x=\"0\"/>\n</svg>\n<figcaption>Levels.</figcaption>"
            ),
            "{page}"
        );
        assert!(
            page.contains("<figure data-chart=\"missing\">\n<figcaption>Gone.</figcaption>"),
            "{page}"
        );
        assert!(
            !page.contains("http:") && !page.contains("https:"),
            "{page}"
        );
        assert!(page.contains("default-src 'none'"));
    }

    #[test]
    fn redrawn_charts_take_the_place_of_the_old_ones_and_nothing_else_changes() {
        let old = "<svg width=\"10\" height=\"5\">\n<rect x=\"0\"/>\n</svg>\n";
        let new = "<svg width=\"20\" height=\"10\">\n<circle r=\"1\"/>\n</svg>\n";
        let svgs = |svg: &str| {
            vec![
                ("fan".to_owned(), svg.to_owned()),
                ("missing".to_owned(), svg.to_owned()),
            ]
        };
        let page = render(&doc(), &svgs(old)[..1]);
        let redrawn = with_charts(&page, &svgs(new)).unwrap();
        assert_eq!(redrawn, render(&doc(), &svgs(new)));
        assert!(!redrawn.contains("<rect"), "{redrawn}");
        assert_eq!(with_charts(&redrawn, &svgs(new)).unwrap(), redrawn);
        assert_eq!(with_charts("<p>not a report</p>", &svgs(new)), None);
    }
}
