//! A backend decorator that fixes two things plotters' bitmap backend draws
//! poorly, so PNG charts look as clean as the SVG ones.
//!
//! - **Text.** plotters' `ab_glyph` text snaps every glyph to a whole pixel,
//!   truncating the running advance, so PNG labels get visibly uneven letter
//!   spacing ("inaugurati on"). [`CrispText`] rasterises horizontal text in the
//!   embedded font itself, each glyph at its fractional position, blending
//!   coverage into the pixels below. Advances and kerning are the ones plotters
//!   measures with, so layout computed from measured widths stays right.
//!   Vertical placement follows the SVG backend (`dy` of 0.76 em, 0.5 ex and
//!   −0.5 ex for top, centre and bottom), so both formats put a label at the
//!   same height.
//! - **Thick step lines.** The bitmap backend turns a thick polyline into one
//!   polygon, which for zig-zags narrower than the line (a one-round spike on a
//!   1,000-round axis) folds over itself and fills with holes and hairlines.
//!   An opaque polyline made only of horizontal and vertical segments — every
//!   step line — is drawn here as one filled rectangle per segment instead,
//!   with square ends so corners close.
//!
//! Everything else is forwarded unchanged to the wrapped backend, after a look at
//! the cancel flag: a chart of the largest size takes seconds to draw, and a
//! request to stop fails the drawing at its next call instead.

use std::ops::Range;

use ab_glyph::{Font, ScaleFont, point};
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontStyle,
    FontTransform,
};

use super::font::{PLOTTERS_EM, X_HEIGHT, faces, layout, scale_of};
use crate::montecarlo::Cancel;

/// Sub-pixel steps per pixel a glyph's position is rounded to: a sixteenth of a
/// pixel, finer than any eye tells, so that a glyph drawn once is drawn again from
/// the cache wherever it falls on the same step.
const STEPS: f32 = 16.0;

/// Glyphs a thread keeps drawn before it forgets them all (a chart's labels use a
/// few hundred).
const MAX_GLYPHS: usize = 8192;

/// A glyph drawn at one size, weight and sub-pixel step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct GlyphKey {
    bold: bool,
    /// The `ab_glyph` scale, by its bits.
    scale: (u32, u32),
    id: u16,
    /// Sub-pixel step of its position, in [`STEPS`].
    at: (u8, u8),
}

/// A glyph's coverage of the pixels it touches, relative to the whole pixel of its
/// position: `(dx, dy, coverage)`.
type Coverage = Vec<(i32, i32, f32)>;

std::thread_local! {
    /// Glyphs drawn on this thread: labels repeat the same few dozen characters.
    static GLYPHS: std::cell::RefCell<std::collections::HashMap<GlyphKey, Coverage>> =
        std::cell::RefCell::default();
}

/// A position as its whole pixel and its sub-pixel step.
fn subpixel(v: f32) -> (i32, u8) {
    let whole = v.floor();
    let step = ((v - whole) * STEPS).round();
    if step >= STEPS {
        (whole as i32 + 1, 0)
    } else {
        (whole as i32, step as u8)
    }
}

/// The coverage of glyph `id` at `scale`, placed at (`dx`, `dy`) within a pixel.
fn rasterise(
    font: &ab_glyph::FontRef<'_>,
    id: ab_glyph::GlyphId,
    scale: ab_glyph::PxScale,
    dx: f32,
    dy: f32,
) -> Coverage {
    let mut coverage = Vec::new();
    if let Some(outline) = font.outline_glyph(id.with_scale_and_position(scale, point(dx, dy))) {
        let b = outline.px_bounds();
        outline.draw(|x, y, c| {
            if c > 0.0 {
                coverage.push((b.min.x as i32 + x as i32, b.min.y as i32 + y as i32, c));
            }
        });
    }
    coverage
}

/// Wraps a (bitmap) backend so its text is drawn at sub-pixel positions, and so that
/// drawing stops once its [`Cancel`] is requested. The backend keeps the pixels of
/// rows `.2` only (a [`Band`](super::band::Band) of the image): text wholly outside
/// them is not drawn at all.
pub(crate) struct CrispText<B>(pub B, pub Cancel, pub Range<i32>);

/// The error a drawing stopped by its [`Cancel`] fails with. Backends have no error
/// of their own for it; the caller tells it apart by looking at the flag.
#[derive(Debug, thiserror::Error)]
#[error("stopped")]
struct Stopped;

impl<B: DrawingBackend> CrispText<B> {
    fn go_on(&self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        if self.1.requested() {
            return Err(DrawingErrorKind::FontError(Box::new(Stopped)));
        }
        Ok(())
    }
}

impl<B: DrawingBackend> DrawingBackend for CrispText<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.go_on()?;
        self.0.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.go_on()?;
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.go_on()?;
        let width = style.stroke_width();
        let path: Vec<BackendCoord> = path.into_iter().collect();
        let square = path
            .windows(2)
            .all(|p| p[0].0 == p[1].0 || p[0].1 == p[1].1);
        if width <= 1 || style.color().alpha < 1.0 || !square {
            return self.0.draw_path(path, style);
        }
        // A line `width` wide centred on pixel c covers c - a .. c - a + width.
        let a = (width / 2) as i32;
        let b = width as i32 - a;
        for p in path.windows(2) {
            let (x0, x1) = (p[0].0.min(p[1].0), p[0].0.max(p[1].0));
            let (y0, y1) = (p[0].1.min(p[1].1), p[0].1.max(p[1].1));
            self.0
                .draw_rect((x0 - a, y0 - a), (x1 + b, y1 + b), style, true)?;
        }
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.go_on()?;
        self.0.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.go_on()?;
        self.0.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.go_on()?;
        self.0.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        self.0.estimate_text_size(text, style)
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.go_on()?;
        let ours = style.family().as_str() == "sans-serif"
            && matches!(style.transform(), FontTransform::None);
        let Some((regular, bold)) = faces().filter(|_| ours) else {
            return self.0.draw_text(text, style, pos);
        };
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let font = if matches!(style.style(), FontStyle::Bold) {
            bold
        } else {
            regular
        };
        let em = (style.size() / PLOTTERS_EM) as f32;
        let x_height = X_HEIGHT * em;
        let baseline = pos.1 as f32
            + match style.anchor().v_pos {
                VPos::Top => 0.76 * em,
                VPos::Center => 0.5 * x_height,
                VPos::Bottom => -0.5 * x_height,
            };

        // Text whose line, with room for accents and descenders, misses the rows kept
        // is not even laid out.
        let scaled = font.as_scaled(scale_of(font, em));
        let top = baseline - scaled.ascent() - 0.25 * em;
        let bottom = baseline - scaled.descent() + 0.25 * em;
        if bottom < self.2.start as f32 || top >= self.2.end as f32 {
            return Ok(());
        }
        let (glyphs, width, scale) = layout(font, em, text);
        let x0 = pos.0 as f32
            - match style.anchor().h_pos {
                HPos::Left => 0.0,
                HPos::Center => width / 2.0,
                HPos::Right => width,
            };

        let mut pixels: Vec<(i32, i32, f32)> = Vec::new();
        let bold = std::ptr::eq(font, bold);
        GLYPHS.with_borrow_mut(|cache| {
            if cache.len() > MAX_GLYPHS {
                cache.clear();
            }
            for (id, caret) in glyphs {
                let (x, dx) = subpixel(x0 + caret);
                let (y, dy) = subpixel(baseline);
                let key = GlyphKey {
                    bold,
                    scale: (scale.x.to_bits(), scale.y.to_bits()),
                    id: id.0,
                    at: (dx, dy),
                };
                let coverage = cache.entry(key).or_insert_with(|| {
                    rasterise(
                        font,
                        id,
                        scale,
                        f32::from(dx) / STEPS,
                        f32::from(dy) / STEPS,
                    )
                });
                pixels.extend(coverage.iter().map(|&(px, py, c)| (x + px, y + py, c)));
            }
        });
        let (w, h) = self.0.get_size();
        for (x, y, coverage) in pixels {
            if x < 0 || y < 0 || x >= w as i32 || y >= h as i32 {
                continue;
            }
            let alpha = color.alpha * f64::from(coverage.min(1.0));
            self.0.draw_pixel(
                (x, y),
                BackendColor {
                    alpha,
                    rgb: color.rgb,
                },
            )?;
        }
        Ok(())
    }
}
