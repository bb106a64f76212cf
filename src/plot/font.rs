//! The embedded font, text measurement and text drawing.
//!
//! plotters' `ab_glyph` feature draws text from fonts registered at run time
//! instead of asking the system (fontconfig) for one. DejaVu Sans is registered
//! once as "sans-serif", the family every chart uses; the SVG files name the same
//! family, so a viewer without DejaVu falls back to its own sans-serif.
//!
//! Sizes here are em sizes in pixels, as CSS and SVG `font-size` mean them. Text
//! is measured with the embedded font's own advances and kerning at that size,
//! which is also how [`super::raster::CrispText`] draws it in PNGs.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle};

use super::PlotError;

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the embedded fonts on first use; later calls return the first result.
pub(crate) fn ensure() -> Result<(), PlotError> {
    static REGISTERED: OnceLock<Result<(), &'static str>> = OnceLock::new();
    let result = REGISTERED.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, REGULAR)
            .map_err(|_| "DejaVuSans.ttf")?;
        plotters::style::register_font("sans-serif", FontStyle::Bold, BOLD)
            .map_err(|_| "DejaVuSans-Bold.ttf")
    });
    result.map_err(PlotError::Font)
}

/// plotters' nominal text size per em: its SVG backend writes `font-size` as
/// the nominal size divided by 1.24.
pub(crate) const PLOTTERS_EM: f64 = 1.24;

/// DejaVu Sans's x-height per em (1,120 of 2,048 units): what an SVG viewer takes
/// for `1ex`, which the SVG backend's centred and bottom anchors are written in.
pub(crate) const X_HEIGHT: f32 = 0.547;

/// The embedded regular and bold faces, parsed once.
pub(crate) fn faces() -> Option<&'static (FontRef<'static>, FontRef<'static>)> {
    static FACES: OnceLock<Option<(FontRef<'static>, FontRef<'static>)>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            let regular = FontRef::try_from_slice(REGULAR).ok()?;
            let bold = FontRef::try_from_slice(BOLD).ok()?;
            Some((regular, bold))
        })
        .as_ref()
}

/// Lays `text` out on one line at `em` pixels: each glyph with its caret
/// (advances plus kerning), the total width, and the `ab_glyph` scale.
pub(crate) fn layout(
    font: &FontRef<'_>,
    em: f32,
    text: &str,
) -> (Vec<(GlyphId, f32)>, f32, PxScale) {
    // ab_glyph scales by the font's height (ascent − descent), not its em.
    let per_em = font.height_unscaled() / font.units_per_em().unwrap_or(2048.0);
    let scale = PxScale::from(em * per_em);
    let scaled = font.as_scaled(scale);
    let mut glyphs = Vec::with_capacity(text.len());
    let mut caret = 0f32;
    let mut previous: Option<GlyphId> = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            caret += scaled.kern(p, id);
        }
        glyphs.push((id, caret));
        caret += scaled.h_advance(id);
        previous = Some(id);
    }
    (glyphs, caret, scale)
}

/// The horizontal ellipsis used to shorten labels.
pub(crate) const ELLIPSIS: char = '…';

/// A font size and weight.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Face {
    /// Em size in pixels.
    pub size: f64,
    pub bold: bool,
}

impl Face {
    pub fn new(size: f64) -> Self {
        Face { size, bold: false }
    }

    pub fn bold(size: f64) -> Self {
        Face { size, bold: true }
    }

    /// The plotters font of this face, for text plotters lays out itself.
    pub fn desc(self) -> FontDesc<'static> {
        let style = if self.bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        };
        FontDesc::new(FontFamily::SansSerif, self.size * PLOTTERS_EM, style)
    }

    /// Width of `text` in pixels.
    pub fn width(self, text: &str) -> f64 {
        match faces() {
            Some((regular, bold)) => {
                let font = if self.bold { bold } else { regular };
                f64::from(layout(font, self.size as f32, text).1)
            }
            // Only if the embedded font does not parse, which `ensure` reports
            // before anything is measured; a rough guess keeps layout sane.
            None => text.chars().count() as f64 * self.size * 0.6,
        }
    }

    /// `text` shortened with an ellipsis so that it fits in `max` pixels.
    pub fn fit(self, text: &str, max: f64) -> String {
        let text = text.trim();
        if self.width(text) <= max {
            return text.to_owned();
        }
        let chars: Vec<char> = text.chars().collect();
        // Binary search on the number of characters kept.
        let (mut lo, mut hi) = (0usize, chars.len());
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if self.width(&shortened(&chars, mid)) <= max {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        shortened(&chars, lo)
    }
}

impl Face {
    /// `text` broken into at most `lines` lines of at most `max` pixels, at
    /// spaces; the last line is shortened with an ellipsis if text is left over.
    pub fn wrap(self, text: &str, max: f64, lines: usize) -> Vec<String> {
        self.wrap_with(text, max, lines, Face::fit)
    }

    /// Like [`Face::wrap`], but a shortened line ends at a word where that
    /// keeps most of it (see [`Face::fit_words`]).
    pub fn wrap_words(self, text: &str, max: f64, lines: usize) -> Vec<String> {
        self.wrap_with(text, max, lines, Face::fit_words)
    }

    fn wrap_with(
        self,
        text: &str,
        max: f64,
        lines: usize,
        fit: fn(Face, &str, f64) -> String,
    ) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut words = text.split_whitespace().peekable();
        while words.peek().is_some() {
            if out.len() + 1 == lines {
                let rest: Vec<&str> = words.collect();
                out.push(fit(self, &rest.join(" "), max));
                break;
            }
            let mut line = String::new();
            while let Some(word) = words.peek() {
                let candidate = if line.is_empty() {
                    (*word).to_owned()
                } else {
                    format!("{line} {word}")
                };
                if line.is_empty() || self.width(&candidate) <= max {
                    line = candidate;
                    words.next();
                } else {
                    break;
                }
            }
            out.push(fit(self, &line, max));
        }
        out
    }

    /// `text` shortened like [`Face::fit`], but after its last whole word that
    /// fits if that keeps at least 70 % of the characters: "Shut or seize…"
    /// rather than "Shut or seize pr…", but "Close a consulat…" rather than
    /// "Close a…".
    pub fn fit_words(self, text: &str, max: f64) -> String {
        let cut = self.fit(text, max);
        if !cut.ends_with(ELLIPSIS) {
            return cut;
        }
        let kept = cut.chars().count() - 1;
        let words: Vec<&str> = text.split_whitespace().collect();
        (1..words.len())
            .rev()
            .map(|k| format!("{}{ELLIPSIS}", words[..k].join(" ")))
            .find(|s| self.width(s) <= max)
            .filter(|s| (s.chars().count() - 1) as f64 >= 0.7 * kept as f64)
            .unwrap_or(cut)
    }
}

fn shortened(chars: &[char], keep: usize) -> String {
    let mut s: String = chars[..keep].iter().collect();
    s.truncate(s.trim_end().len());
    s.push(ELLIPSIS);
    s
}

/// Where a text is anchored relative to its position.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Anchor {
    /// Left end, vertically centred.
    Left,
    /// Right end, vertically centred.
    Right,
    /// Left end, top of the text.
    TopLeft,
    /// Centre, top of the text.
    Top,
    /// Centre of the text.
    Centre,
}

/// Draws `text` at pixel `(x, y)` of `area`.
///
/// Vertical placement follows the SVG backend (and [`super::raster::CrispText`],
/// which copies it for PNG): a centred anchor puts the middle of lower-case
/// letters on `y`; nudging by 4 % of the size centres mixed-case labels.
pub(crate) fn text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    (x, y): (f64, f64),
    face: Face,
    color: RGBColor,
    anchor: Anchor,
) -> Result<(), PlotError> {
    let (h, v, dy) = match anchor {
        Anchor::Left => (HPos::Left, VPos::Center, 0.04),
        Anchor::Right => (HPos::Right, VPos::Center, 0.04),
        Anchor::TopLeft => (HPos::Left, VPos::Top, 0.0),
        Anchor::Top => (HPos::Center, VPos::Top, 0.0),
        Anchor::Centre => (HPos::Center, VPos::Center, 0.04),
    };
    let style = TextStyle::from(face.desc())
        .color(&color)
        .pos(Pos::new(h, v));
    let at = (x.round() as i32, (y + dy * face.size).round() as i32);
    area.draw_text(text, &style, at)?;
    Ok(())
}

/// Draws `lines`, `line_h` apart, as a block centred on `y`, each at `x` as `anchor`
/// places it.
pub(crate) fn lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &[String],
    (x, y): (f64, f64),
    line_h: f64,
    (face, color, anchor): (Face, RGBColor, Anchor),
) -> Result<(), PlotError> {
    let first = y - (lines.len() as f64 - 1.0) * line_h / 2.0;
    for (k, line) in lines.iter().enumerate() {
        text(
            area,
            line,
            (x, first + k as f64 * line_h),
            face,
            color,
            anchor,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_short_text_and_shortens_long_text_with_an_ellipsis() {
        ensure().unwrap();
        let face = Face::new(18.0);
        assert_eq!(face.fit("Protest", 500.0), "Protest");
        let long = "Shut, seize or nationalise every diplomatic property";
        let short = face.fit(long, 150.0);
        assert!(short.ends_with(ELLIPSIS), "{short}");
        assert!(face.width(&short) <= 150.0);
        assert!(long.starts_with(short.trim_end_matches(ELLIPSIS)));
        assert_eq!(face.fit(long, 1.0), ELLIPSIS.to_string());
    }

    #[test]
    fn fit_words_ends_at_a_word_when_that_keeps_most_of_the_text() {
        ensure().unwrap();
        let face = Face::new(18.0);
        let max = face.width("Shut or seize pr…");
        assert_eq!(
            face.fit_words("Shut or seize property", max),
            "Shut or seize…"
        );
        let max = face.width("Close a consulat…");
        assert_eq!(
            face.fit_words("Close a consulate or institute", max),
            "Close a consulat…"
        );
        assert_eq!(face.fit_words("Protest", 500.0), "Protest");
    }

    #[test]
    fn wrap_breaks_at_spaces_and_shortens_the_last_line() {
        ensure().unwrap();
        let face = Face::new(18.0);
        let max = face.width("Expel diplomats, consular") + 1.0;
        let lines = face.wrap(
            "Expel diplomats, consular staff and their families abroad",
            max,
            2,
        );
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], "Expel diplomats, consular");
        assert!(lines[1].ends_with(ELLIPSIS), "{lines:?}");
        assert_eq!(face.wrap("Protest", max, 2), vec!["Protest"]);
        assert!(face.wrap("", max, 2).is_empty());
    }
}
