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
///
/// The glyphs, advances and kerning of printable ASCII in the embedded faces are
/// looked up once per thread ([`Metrics`]) and scaled as `ab_glyph` scales them: a
/// chart measures the same few dozen characters thousands of times (every band of a
/// PNG, every line tried while wrapping a title), and kerning is a search of the
/// font's tables.
pub(crate) fn layout(
    font: &FontRef<'_>,
    em: f32,
    text: &str,
) -> (Vec<(GlyphId, f32)>, f32, PxScale) {
    let scale = scale_of(font, em);
    let factor = font.as_scaled(scale).h_scale_factor();
    let mut glyphs = Vec::with_capacity(text.len());
    let mut caret = 0f32;
    Metrics::with(font, |metrics| {
        let mut previous: Option<(char, GlyphId)> = None;
        for c in text.chars() {
            let (id, advance) = metrics.glyph(font, c);
            if let Some(p) = previous {
                caret += factor * metrics.kern(font, p, (c, id));
            }
            glyphs.push((id, caret));
            caret += factor * advance;
            previous = Some((c, id));
        }
    });
    (glyphs, caret, scale)
}

/// The `ab_glyph` scale of `font` at `em` pixels: ab_glyph scales by the font's
/// height (ascent − descent), not its em.
pub(crate) fn scale_of(font: &FontRef<'_>, em: f32) -> PxScale {
    let per_em = font.height_unscaled() / font.units_per_em().unwrap_or(2048.0);
    PxScale::from(em * per_em)
}

/// The characters whose glyphs and kerning [`Metrics`] keeps: printable ASCII.
const KEPT: std::ops::Range<char> = ' '..'\u{7f}';

/// Slots of [`KEPT`].
const SLOTS: usize = 95;

/// One face's glyph ids, unscaled advances and unscaled kerning of the characters
/// of [`KEPT`], each looked up the first time it is asked for.
struct Metrics {
    glyphs: [Option<(GlyphId, f32)>; SLOTS],
    /// Kerning of each pair of slots, NaN until looked up.
    kern: Vec<f32>,
}

std::thread_local! {
    /// The metrics of the regular and the bold embedded face, on this thread.
    static METRICS: std::cell::RefCell<[Metrics; 2]> =
        std::cell::RefCell::new([Metrics::new(), Metrics::new()]);
}

impl Metrics {
    fn new() -> Metrics {
        Metrics {
            glyphs: [None; SLOTS],
            kern: vec![f32::NAN; SLOTS * SLOTS],
        }
    }

    /// Calls `f` with the metrics this thread keeps of `font` if it is an embedded
    /// face, and with none kept (every value looked up) otherwise.
    fn with<R>(font: &FontRef<'_>, f: impl FnOnce(&mut Lookup<'_>) -> R) -> R {
        let face = faces().and_then(|(regular, bold)| {
            [regular, bold]
                .iter()
                .position(|&face| std::ptr::eq(face, font))
        });
        match face {
            Some(k) => METRICS.with_borrow_mut(|metrics| f(&mut Lookup(Some(&mut metrics[k])))),
            None => f(&mut Lookup(None)),
        }
    }
}

/// Metrics looked up in a [`Metrics`] where it keeps them, in the font otherwise.
struct Lookup<'a>(Option<&'a mut Metrics>);

/// The slot of `c` in [`Metrics`], if it keeps it.
fn slot(c: char) -> Option<usize> {
    KEPT.contains(&c).then(|| c as usize - ' ' as usize)
}

impl Lookup<'_> {
    /// The glyph of `c` in `font` and its unscaled advance.
    fn glyph(&mut self, font: &FontRef<'_>, c: char) -> (GlyphId, f32) {
        let look = || {
            let id = font.glyph_id(c);
            (id, font.h_advance_unscaled(id))
        };
        match (self.0.as_deref_mut(), slot(c)) {
            (Some(metrics), Some(k)) => *metrics.glyphs[k].get_or_insert_with(look),
            _ => look(),
        }
    }

    /// The unscaled kerning in `font` between two characters and their glyphs.
    fn kern(
        &mut self,
        font: &FontRef<'_>,
        (a, first): (char, GlyphId),
        (b, second): (char, GlyphId),
    ) -> f32 {
        let look = || font.kern_unscaled(first, second);
        match (self.0.as_deref_mut(), slot(a), slot(b)) {
            (Some(metrics), Some(i), Some(j)) => {
                let kept = &mut metrics.kern[i * SLOTS + j];
                if kept.is_nan() {
                    *kept = look();
                }
                *kept
            }
            _ => look(),
        }
    }
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
    fn layout_kept_per_thread_is_the_layout_ab_glyph_gives() {
        let (regular, bold) = faces().unwrap();
        let texts = [
            "Tit For Tat",
            "AVAVAV Ty. To, Wa; \"quoted\" ~{}|",
            "8 entrants  ·  200 rounds × 50 repetitions  ·  noise 0.05",
            "Zürich…AV ‑ naïve ÆA Vé",
            "",
            "\u{7f}\u{1f} tabs\tand\nnewlines",
        ];
        // Twice: once filling the kept metrics, once reading them.
        for _ in 0..2 {
            for font in [regular, bold] {
                for em in [7.5f32, 11.0, 18.0, 30.25] {
                    for text in texts {
                        let scaled = font.as_scaled(scale_of(font, em));
                        let mut expected = Vec::new();
                        let mut caret = 0f32;
                        let mut previous: Option<GlyphId> = None;
                        for c in text.chars() {
                            let id = scaled.glyph_id(c);
                            if let Some(p) = previous {
                                caret += scaled.kern(p, id);
                            }
                            expected.push((id, caret.to_bits()));
                            caret += scaled.h_advance(id);
                            previous = Some(id);
                        }
                        let (glyphs, width, scale) = layout(font, em, text);
                        let got: Vec<(GlyphId, u32)> =
                            glyphs.iter().map(|&(id, x)| (id, x.to_bits())).collect();
                        assert_eq!(got, expected, "{text:?} at {em}");
                        assert_eq!(width.to_bits(), caret.to_bits(), "{text:?} at {em}");
                        assert_eq!(scale, scaled.scale);
                    }
                }
            }
        }
        // A font that is not an embedded face is laid out from its own tables.
        let other = FontRef::try_from_slice(BOLD).unwrap();
        assert_eq!(layout(&other, 18.0, "AV").1, layout(bold, 18.0, "AV").1);
    }

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
