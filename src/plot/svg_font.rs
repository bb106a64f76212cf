//! Text in SVG charts drawn with the embedded font's own glyph outlines, so that an
//! SVG chart looks the same in every viewer, with or without fonts installed.
//!
//! plotters' SVG backend writes each label as a `<text>` element naming
//! `font-family="sans-serif"`, which each viewer fills with a font of its own: widths
//! then differ from the ones the layout measured (labels overlap or fall short), and a
//! viewer without fonts shows no text at all. [`outline_text`] takes the finished
//! SVG document and replaces every `<text>` element with the glyphs of DejaVu Sans
//! (the face the PNG charts are drawn with), laid out by [`super::font::layout`]
//! exactly as [`super::raster::CrispText`] lays them out in PNGs: same advances, same
//! kerning, same anchors and baselines.
//!
//! Why outlines rather than the font embedded in `@font-face`: converters that
//! report writers use (librsvg behind pandoc's PDF output, office suites importing
//! SVG) do not load fonts from an SVG's style sheet, and a browser shaping the text
//! itself lays it out with its own rules (hinting, rounding of advances). Outlines
//! are plain paths that every SVG renderer draws alike.
//!
//! Each glyph used is defined once, in font units, under `<defs>`; each label is a
//! group (`<g aria-label="…">`, which keeps the words for screen readers and search)
//! scaled to its size, holding one `<use>` per visible glyph. Identifiers carry a
//! prefix derived from the document, so several charts inlined in one HTML page
//! (`report.html`) keep apart. The result depends only on the input text: the same
//! chart gives the same bytes.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use ab_glyph::{Font, FontRef, OutlineCurve};

use super::font::{X_HEIGHT, faces, layout};

/// The attribute a root `<svg>` element needs for `xlink:href` (which older viewers
/// read, where newer ones also read `href`).
const XLINK: &str = r#" xmlns:xlink="http://www.w3.org/1999/xlink""#;

/// `svg` with every `<text>` element drawn as outlines of the embedded font.
///
/// `svg` is a document as plotters' SVG backend writes it: `<text>` elements with
/// `x`, `y`, `dy`, `text-anchor`, `font-size`, `fill`, `opacity` and optionally
/// `font-weight` and `transform`, holding escaped text. A document without text, or
/// any text when the embedded font cannot be read, is returned unchanged.
pub(crate) fn outline_text(svg: &str) -> String {
    let Some((regular, bold)) = faces() else {
        return svg.to_owned();
    };
    if !svg.contains("<text") {
        return svg.to_owned();
    }
    let prefix = format!("t{:08x}", fnv1a(svg.as_bytes()) as u32);
    let mut glyphs: BTreeSet<(bool, u16)> = BTreeSet::new();
    let mut body = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(start) = rest.find("<text ") {
        body.push_str(&rest[..start]);
        let after = &rest[start..];
        let Some(label) = Label::parse(after) else {
            // Not a text element plotters wrote: kept as it is.
            body.push_str("<text ");
            rest = &after["<text ".len()..];
            continue;
        };
        let font = if label.bold { bold } else { regular };
        label.write(&mut body, font, &prefix, &mut glyphs);
        rest = &after[label.len..];
    }
    body.push_str(rest);

    let mut defs = String::from("<defs>\n");
    for &(bold_face, id) in &glyphs {
        let font = if bold_face { bold } else { regular };
        let _ = writeln!(
            defs,
            r#"<path id="{prefix}-{}{id}" d="{}"/>"#,
            if bold_face { 'b' } else { 'r' },
            path_data(font, id)
        );
    }
    defs.push_str("</defs>\n");
    // The root element ends the first line plotters writes.
    match body.find(">\n") {
        Some(end) if body.starts_with("<svg ") => {
            let mut out = String::with_capacity(body.len() + defs.len() + XLINK.len());
            out.push_str(&body[..end]);
            if !body[..end].contains("xmlns:xlink") {
                out.push_str(XLINK);
            }
            out.push_str(">\n");
            out.push_str(&defs);
            out.push_str(&body[end + 2..]);
            out
        }
        _ => svg.to_owned(),
    }
}

/// One `<text>` element as plotters writes it.
#[derive(Debug)]
struct Label {
    /// Bytes of the element, from `<text` to the end of `</text>` and its line break.
    len: usize,
    x: f64,
    y: f64,
    /// Baseline offset in em (`dy="0.76em"`) or ex (`0.5ex`), as written.
    dy: (f64, bool),
    anchor: Anchor,
    size: f64,
    bold: bool,
    fill: String,
    opacity: String,
    transform: Option<String>,
    text: String,
}

#[derive(Debug, Clone, Copy)]
enum Anchor {
    Start,
    Middle,
    End,
}

impl Label {
    /// The element at the start of `s`, or `None` if it is not one plotters writes.
    fn parse(s: &str) -> Option<Label> {
        let open_end = s.find('>')?;
        let attributes = attributes(&s["<text".len()..open_end])?;
        let close = s[open_end..].find("</text>")? + open_end;
        let mut len = close + "</text>".len();
        if s[len..].starts_with('\n') {
            len += 1;
        }
        let get = |name: &str| {
            attributes
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.as_str())
        };
        let number = |name: &str| get(name)?.trim().parse::<f64>().ok();
        let dy = match get("dy") {
            None => (0.0, true),
            Some(v) => {
                let v = v.trim();
                if let Some(em) = v.strip_suffix("em") {
                    (em.parse().ok()?, true)
                } else {
                    (v.strip_suffix("ex")?.parse().ok()?, false)
                }
            }
        };
        let anchor = match get("text-anchor") {
            None | Some("start") => Anchor::Start,
            Some("middle") => Anchor::Middle,
            Some("end") => Anchor::End,
            Some(_) => return None,
        };
        // Whitespace collapses as in SVG text: runs become one space, ends go.
        let text = unescape(&s[open_end + 1..close])
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Some(Label {
            len,
            x: number("x").unwrap_or(0.0),
            y: number("y").unwrap_or(0.0),
            dy,
            anchor,
            size: number("font-size")?,
            bold: get("font-weight") == Some("bold"),
            fill: get("fill").unwrap_or("#000000").to_owned(),
            opacity: get("opacity").unwrap_or("1").to_owned(),
            transform: get("transform").map(str::to_owned),
            text,
        })
    }

    /// Writes the label as a group of glyphs, noting each glyph it uses.
    fn write(
        &self,
        out: &mut String,
        font: &FontRef<'_>,
        prefix: &str,
        glyphs: &mut BTreeSet<(bool, u16)>,
    ) {
        let em = self.size as f32;
        let (laid, width, _) = layout(font, em, &self.text);
        let x0 = self.x as f32
            - match self.anchor {
                Anchor::Start => 0.0,
                Anchor::Middle => width / 2.0,
                Anchor::End => width,
            };
        let (dy, in_em) = self.dy;
        let baseline = self.y as f32 + dy as f32 * if in_em { em } else { X_HEIGHT * em };
        let units = font.units_per_em().unwrap_or(2048.0);
        let scale = em / units;
        let mut transform = String::new();
        if let Some(t) = &self.transform {
            transform.push_str(&escape(t));
            transform.push(' ');
        }
        let _ = write!(
            transform,
            "translate({} {}) scale({})",
            num(x0, 2),
            num(baseline, 2),
            num(scale, 7)
        );
        let _ = writeln!(
            out,
            r#"<g aria-label="{}" fill="{}" opacity="{}" transform="{transform}">"#,
            escape(&self.text),
            escape(&self.fill),
            escape(&self.opacity),
        );
        let face = if self.bold { 'b' } else { 'r' };
        for (id, caret) in laid {
            if font.outline(id).is_none_or(|o| o.curves.is_empty()) {
                continue; // a space, or a glyph with nothing to draw
            }
            glyphs.insert((self.bold, id.0));
            let _ = writeln!(
                out,
                r##"<use xlink:href="#{prefix}-{face}{}" x="{}"/>"##,
                id.0,
                num(caret / scale, 1)
            );
        }
        out.push_str("</g>\n");
    }
}

/// The `name="value"` pairs of a tag's inside, values unescaped; `None` if it does
/// not read as such.
fn attributes(mut s: &str) -> Option<Vec<(&str, String)>> {
    let mut out = Vec::new();
    loop {
        s = s.trim_start();
        if s.is_empty() || s == "/" {
            return Some(out);
        }
        let eq = s.find("=\"")?;
        let name = s[..eq].trim();
        let value_end = s[eq + 2..].find('"')? + eq + 2;
        out.push((name, unescape(&s[eq + 2..value_end])));
        s = &s[value_end + 1..];
    }
}

/// Text with the five entities plotters writes turned back into characters.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Text escaped for an attribute value.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// A glyph's outline as SVG path data in font units, y pointing down.
fn path_data(font: &FontRef<'_>, id: u16) -> String {
    let mut d = String::new();
    let Some(outline) = font.outline(ab_glyph::GlyphId(id)) else {
        return d;
    };
    // A point in outline units, y up as the font has it: pushed onto `d` after `lead`.
    let p = |d: &mut String, lead: char, pt: ab_glyph::Point| {
        d.push(lead);
        push_num(d, pt.x, 1);
        d.push(' ');
        push_num(d, -pt.y, 1);
    };
    let mut last: Option<ab_glyph::Point> = None;
    for curve in &outline.curves {
        if matches!(*curve, OutlineCurve::Line(a, b) if a == b) {
            continue; // the closing line of a contour that already ends at its start
        }
        let (from, to) = match *curve {
            OutlineCurve::Line(a, b) => (a, b),
            OutlineCurve::Quad(a, _, c) => (a, c),
            OutlineCurve::Cubic(a, _, _, d) => (a, d),
        };
        if last != Some(from) {
            if last.is_some() {
                d.push('Z');
            }
            p(&mut d, 'M', from);
        }
        match *curve {
            OutlineCurve::Line(_, b) => p(&mut d, 'L', b),
            OutlineCurve::Quad(_, b, c) => {
                p(&mut d, 'Q', b);
                p(&mut d, ' ', c);
            }
            OutlineCurve::Cubic(_, b, c, e) => {
                p(&mut d, 'C', b);
                p(&mut d, ' ', c);
                p(&mut d, ' ', e);
            }
        }
        last = Some(to);
    }
    if last.is_some() {
        d.push('Z');
    }
    d
}

/// `v` with at most `digits` decimals, without trailing zeros (`12.5`, `3`, `-0.25`).
fn num(v: f32, digits: usize) -> String {
    let mut s = String::new();
    push_num(&mut s, v, digits);
    s
}

/// [`num`], pushed onto `out`: an outline's numbers are written without a string of
/// their own each.
fn push_num(out: &mut String, v: f32, digits: usize) {
    // Outlines are in font units, whole or (for implied points) halves: written
    // without the float formatter, which is most of the time an outline takes.
    if digits >= 1 && v.abs() < 1e6 && (v * 2.0).fract() == 0.0 {
        let halves = (v * 2.0) as i64;
        let (whole, half) = (halves.unsigned_abs() / 2, halves.unsigned_abs() % 2);
        if halves < 0 {
            out.push('-');
        }
        let _ = write!(out, "{whole}");
        if half == 1 {
            out.push_str(".5");
        }
        return;
    }
    let start = out.len();
    let _ = write!(out, "{v:.digits$}");
    if out[start..].contains('.') {
        let kept = out[start..]
            .trim_end_matches('0')
            .trim_end_matches('.')
            .len();
        out.truncate(start + kept);
    }
    if &out[start..] == "-0" {
        out.truncate(start);
        out.push('0');
    }
}

/// The 64-bit FNV-1a hash: a stable name for a document, the same on every machine
/// and in every version (unlike the standard library's hasher).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outlined(text_element: &str) -> String {
        let svg = format!(
            "<svg width=\"100\" height=\"50\" viewBox=\"0 0 100 50\" xmlns=\"http://www.w3.org/2000/svg\">\n\
             <rect x=\"0\" y=\"0\" width=\"100\" height=\"50\" fill=\"#FFFFFF\"/>\n{text_element}</svg>\n"
        );
        outline_text(&svg)
    }

    #[test]
    fn text_becomes_glyphs_defined_once_and_used_per_letter() {
        let svg = outlined(
            "<text x=\"50\" y=\"20\" dy=\"0.5ex\" text-anchor=\"middle\" font-family=\"sans-serif\" \
             font-size=\"12\" opacity=\"1\" fill=\"#1A2B3C\">\nNoon &amp; no\n</text>\n",
        );
        assert!(!svg.contains("<text"), "{svg}");
        assert!(svg.contains(r#"aria-label="Noon &amp; no""#), "{svg}");
        assert!(svg.contains(r##"fill="#1A2B3C""##), "{svg}");
        assert!(svg.starts_with("<svg width=\"100\""), "{svg}");
        assert!(svg.contains(XLINK), "{svg}");
        // N, o, n, & and o, n again: four glyphs defined, seven used (spaces draw nothing).
        assert_eq!(svg.matches("<path id=").count(), 4, "{svg}");
        assert_eq!(svg.matches("<use ").count(), 7, "{svg}");
        // The rest of the document is untouched.
        assert!(
            svg.contains("<rect x=\"0\" y=\"0\" width=\"100\" height=\"50\" fill=\"#FFFFFF\"/>\n")
        );
        assert!(svg.ends_with("</g>\n</svg>\n"), "{svg}");
    }

    #[test]
    fn anchors_and_baselines_follow_the_png_layout() {
        let (regular, _) = faces().unwrap();
        let width = layout(regular, 10.0, "Protest").1;
        let place = |anchor: &str, dy: &str| {
            let svg = outlined(&format!(
                "<text x=\"50\" y=\"20\" dy=\"{dy}\" text-anchor=\"{anchor}\" font-family=\"sans-serif\" \
                 font-size=\"10\" opacity=\"1\" fill=\"#000000\">\nProtest\n</text>\n"
            ));
            let at = svg.find("translate(").unwrap() + "translate(".len();
            let end = svg[at..].find(')').unwrap() + at;
            let xy: Vec<f32> = svg[at..end]
                .split(' ')
                .map(|v| v.parse().unwrap())
                .collect();
            (xy[0], xy[1])
        };
        let close = |a: f32, b: f32| (a - b).abs() < 0.01;
        let (x, y) = place("start", "0.76em");
        assert!(close(x, 50.0) && close(y, 27.6), "{x} {y}");
        let (x, y) = place("middle", "0.5ex");
        assert!(close(x, 50.0 - width / 2.0) && close(y, 20.0 + 5.0 * X_HEIGHT));
        let (x, y) = place("end", "-0.5ex");
        assert!(close(x, 50.0 - width) && close(y, 20.0 - 5.0 * X_HEIGHT));
    }

    #[test]
    fn rotation_and_weight_are_kept() {
        let svg = outlined(
            "<text x=\"10\" y=\"40\" dy=\"0.5ex\" text-anchor=\"middle\" font-family=\"sans-serif\" \
             font-size=\"12\" opacity=\"0.5\" fill=\"#000000\" font-weight=\"bold\" \
             transform=\"rotate(270, 10, 40)\">\nLevel\n</text>\n",
        );
        assert!(
            svg.contains(r#"transform="rotate(270, 10, 40) translate("#),
            "{svg}"
        );
        assert!(svg.contains(r#"opacity="0.5""#), "{svg}");
        assert!(svg.contains("-b"), "the bold face's glyphs: {svg}");
        assert!(!svg.contains("-r"), "{svg}");
    }

    #[test]
    fn the_same_document_gives_the_same_bytes_and_others_other_names() {
        let text = |t: &str| {
            format!(
                "<text x=\"1\" y=\"2\" dy=\"0.76em\" text-anchor=\"start\" font-family=\"sans-serif\" \
                 font-size=\"9\" opacity=\"1\" fill=\"#000000\">\n{t}\n</text>\n"
            )
        };
        let a = outlined(&text("Expel"));
        assert_eq!(a, outlined(&text("Expel")));
        let b = outlined(&text("Expels"));
        let id = |s: &str| s[s.find("<path id=\"").unwrap() + 10..][..9].to_owned();
        assert_ne!(id(&a), id(&b), "ids differ between documents");
    }

    #[test]
    fn documents_without_text_are_unchanged() {
        let svg = "<svg width=\"1\" height=\"1\" xmlns=\"http://www.w3.org/2000/svg\">\n</svg>\n";
        assert_eq!(outline_text(svg), svg);
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(12.5, 2), "12.5");
        // Whole and half values, written without the float formatter, as it writes them.
        for halves in -5000..5000 {
            let v = halves as f32 / 2.0;
            for digits in [1, 2, 7] {
                let mut slow = format!("{v:.digits$}");
                slow.truncate(slow.trim_end_matches('0').trim_end_matches('.').len());
                let slow = if slow == "-0" { "0".to_owned() } else { slow };
                assert_eq!(num(v, digits), slow, "{v}");
            }
        }
        assert_eq!(num(-0.0, 1), "0");
        assert_eq!(num(-0.5, 1), "-0.5");
        assert_eq!(num(3.0, 2), "3");
        assert_eq!(num(-0.001, 2), "0");
        assert_eq!(num(0.005_859_375, 7), "0.0058594");
    }
}
