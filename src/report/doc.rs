//! The content of a report as plain data, written out as Markdown (`report.md`) or
//! as HTML (`report.html`, see [`super::html`]) from the same blocks, so the two
//! files always say the same.
//!
//! Text from the scenario file (names, descriptions, notes) is held as written and
//! escaped by each writer for its own format.

use super::{code, markdown, markdown_table};
use crate::output::ChartFormats;

/// A report: its title and its blocks, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The title, the report's only first-level heading.
    pub title: String,
    /// What follows the title.
    pub blocks: Vec<Block>,
}

/// One block of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A section heading: level 2 for sections, 3 for their parts.
    Heading(u8, String),
    /// A paragraph of text as written, line by line (the scenario's description).
    Lines(Vec<String>),
    /// A paragraph.
    Paragraph(Vec<Span>),
    /// A bulleted list, one item each.
    List(Vec<Vec<Span>>),
    /// A table: the first row is its header.
    Table(Vec<Vec<String>>),
    /// A remark in italics: how to read a table, a caveat.
    Note(String),
    /// A chart of the folder, by file stem (`timeline`), with its caption.
    Chart {
        /// The chart's file name without extension.
        stem: String,
        /// What the chart shows, without a final period.
        caption: String,
    },
}

/// A run of text in a paragraph or a list item.
#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    /// Plain text.
    Text(String),
    /// Bold text (an actor's name leading its item).
    Strong(String),
    /// Text as typed (a policy, an id, a file name).
    Code(String),
    /// Italic text.
    Emphasis(String),
}

impl Span {
    /// Plain text.
    pub fn text(s: impl Into<String>) -> Span {
        Span::Text(s.into())
    }

    /// Text as typed.
    pub fn code(s: impl Into<String>) -> Span {
        Span::Code(s.into())
    }
}

impl Document {
    /// The document as Markdown: each block ends its last line and blocks are parted
    /// by a blank line; a chart is embedded by its PNG file.
    pub fn markdown(&self) -> String {
        self.markdown_as(ChartFormats::ALL)
    }

    /// [`markdown`](Self::markdown) for charts drawn as `formats`: a chart is embedded
    /// by its PNG file, or by its SVG file when no PNG was drawn.
    pub fn markdown_as(&self, formats: ChartFormats) -> String {
        let image = if formats.png { "png" } else { "svg" };
        let mut out = format!("# {}\n", markdown(&self.title));
        for block in &self.blocks {
            out.push('\n');
            match block {
                Block::Heading(level, text) => {
                    out.push_str(&"#".repeat(usize::from(*level)));
                    out.push(' ');
                    out.push_str(&markdown(text));
                    out.push('\n');
                }
                Block::Lines(lines) => {
                    let lines: Vec<String> = lines.iter().map(|l| markdown(l)).collect();
                    out.push_str(&lines.join("\n"));
                    out.push('\n');
                }
                Block::Paragraph(spans) => {
                    out.push_str(&markdown_spans(spans));
                    out.push('\n');
                }
                Block::List(items) => {
                    for item in items {
                        out.push_str("- ");
                        out.push_str(&markdown_spans(item));
                        out.push('\n');
                    }
                }
                Block::Table(rows) => out.push_str(&markdown_table(rows)),
                Block::Note(text) => out.push_str(&format!("*{}*\n", markdown(text))),
                Block::Chart { stem, caption } => {
                    // The caption was written unescaped before reports had a model;
                    // captions are the program's own words.
                    out.push_str(&format!("![{caption}]({stem}.{image})\n\n*{caption}.*\n"));
                }
            }
        }
        out
    }

    /// The stems of the charts the document shows, in order.
    pub fn charts(&self) -> impl Iterator<Item = &str> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Chart { stem, .. } => Some(stem.as_str()),
            _ => None,
        })
    }
}

fn markdown_spans(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| match s {
            Span::Text(t) => markdown(t),
            Span::Strong(t) => format!("**{}**", markdown(t)),
            Span::Code(t) => code(t),
            Span::Emphasis(t) => format!("*{}*", markdown(t)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_parted_by_blank_lines_and_text_is_escaped() {
        let doc = Document {
            title: "A *bold* plan".into(),
            blocks: vec![
                Block::Lines(vec!["First line".into(), "second <b>".into()]),
                Block::Heading(2, "Policies".into()),
                Block::List(vec![vec![
                    Span::Strong("Ruritania".into()),
                    Span::text(": "),
                    Span::code("mirror"),
                ]]),
                Block::Note("Medians over replicates".into()),
                Block::Chart {
                    stem: "fan".into(),
                    caption: "Levels over replicates".into(),
                },
            ],
        };
        assert_eq!(
            doc.markdown(),
            "# A \\*bold\\* plan\n\nFirst line\nsecond &lt;b&gt;\n\n## Policies\n\n\
             - **Ruritania**: `mirror`\n\n*Medians over replicates*\n\n\
             ![Levels over replicates](fan.png)\n\n*Levels over replicates.*\n"
        );
        assert_eq!(doc.charts().collect::<Vec<_>>(), ["fan"]);
    }
}
