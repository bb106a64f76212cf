//! [`Band`]: a band of rows of an RGB image, drawn on as if it were the whole image,
//! so that the bands of one chart are drawn at once on threads of their own.
//!
//! Every band is handed every drawing call of the chart, in the whole image's
//! coordinates, and keeps the pixels of its own rows: the bands together hold the
//! image plotters' bitmap backend draws, pixel for pixel. What that backend draws
//! itself (pixels, lines along an axis, rectangles) is drawn here by the same
//! arithmetic, its rounding included; everything else (circles, polygons, other
//! lines) is plotters' own rasteriser, which draws through those calls. A band skips
//! those shapes whose rows, with their stroke and anti-aliasing, miss its own: a
//! chart's hundreds of dots are then rasterised once, not once per band.

use std::convert::Infallible;
use std::ops::Range;

use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, DrawingBackend, DrawingErrorKind,
};

use crate::montecarlo::Cancel;

/// Bytes per pixel (RGB).
const PIXEL: usize = 3;

/// Rows `rows` of an RGB image of `size` pixels, held in `buf` (those rows only).
///
/// Once its [`Cancel`] is requested, a band draws nothing more, not even the rest of
/// a shape it is drawing: a single shape of the largest size takes seconds (the
/// drawing is then reported as stopped by [`super::raster::CrispText`]).
pub(crate) struct Band<'a> {
    buf: &'a mut [u8],
    size: (u32, u32),
    rows: Range<i32>,
    cancel: Cancel,
}

impl<'a> Band<'a> {
    /// The band of rows `rows` of an image of `size` pixels, whose pixels (row by
    /// row, RGB) are `buf`, drawing until `cancel` is requested.
    pub(crate) fn new(
        buf: &'a mut [u8],
        size: (u32, u32),
        rows: Range<usize>,
        cancel: Cancel,
    ) -> Self {
        assert!(rows.end <= size.1 as usize, "rows within the image");
        assert_eq!(
            buf.len(),
            rows.len() * size.0 as usize * PIXEL,
            "the pixels of its rows"
        );
        Band {
            rows: rows.start as i32..rows.end as i32,
            buf,
            size,
            cancel,
        }
    }

    /// The rows of the image this band holds.
    pub(crate) fn rows(&self) -> Range<i32> {
        self.rows.clone()
    }

    /// The bytes of pixels `x0..x1` of row `y`, which must be in the image and band.
    fn span(&mut self, y: i32, x0: i32, x1: i32) -> &mut [u8] {
        let at = (y - self.rows.start) as usize * self.size.0 as usize;
        &mut self.buf[(at + x0 as usize) * PIXEL..(at + x1 as usize) * PIXEL]
    }

    /// Whether a shape whose pixels all lie in rows `top..=bottom`, give or take
    /// `margin` rows, misses this band's rows: it is then not drawn at all, as every
    /// band is handed every shape of the image.
    fn misses(&self, top: i32, bottom: i32, margin: i32) -> bool {
        bottom.saturating_add(margin) < self.rows.start
            || top.saturating_sub(margin) >= self.rows.end
    }

    /// The rows of `y0..y1` (already within the image) this band holds.
    fn own(&self, y0: i32, y1: i32) -> Range<i32> {
        y0.max(self.rows.start)..y1.min(self.rows.end)
    }

    /// `(x0, y0, x1, y1)` of the rectangle from `a` to `b` (exclusive), within the
    /// image, as plotters' bitmap backend orders and clips its corners; `None` if
    /// nothing of it is in the image.
    fn clip(&self, a: (i32, i32), b: (i32, i32)) -> Option<(i32, i32, i32, i32)> {
        let (w, h) = (self.size.0 as i32, self.size.1 as i32);
        let (x0, y0) = (a.0.min(b.0).max(0), a.1.min(b.1).max(0));
        let (x1, y1) = (a.0.max(b.0).min(w), a.1.max(b.1).min(h));
        (x0 < x1 && y0 < y1).then_some((x0, y0, x1, y1))
    }

    /// Paints the rectangle from `a` to `b` (exclusive) opaque `rgb`.
    fn fill(&mut self, a: (i32, i32), b: (i32, i32), (r, g, bl): (u8, u8, u8)) {
        let Some((x0, y0, x1, y1)) = self.clip(a, b) else {
            return;
        };
        let rows = self.own(y0, y1);
        if rows.is_empty() {
            return;
        }
        let colour = [r, g, bl];
        if x0 == 0 && x1 == self.size.0 as i32 {
            // Whole rows (the page's background): one run of bytes.
            let (first, last) = (rows.start, rows.end - 1);
            let width = self.size.0 as usize * PIXEL;
            let from = (first - self.rows.start) as usize * width;
            let to = (last + 1 - self.rows.start) as usize * width;
            paint(&mut self.buf[from..to], colour);
            return;
        }
        for y in rows {
            if self.cancel.requested() {
                return;
            }
            paint(self.span(y, x0, x1), colour);
        }
    }

    /// Blends `rgb` at `alpha` over the rectangle from `a` to `b` (exclusive), as the
    /// bitmap backend does: eight pixels at a time by one rounding, the rest of each
    /// row (at least one pixel) by another.
    fn blend_rect(&mut self, a: (i32, i32), b: (i32, i32), rgb: (u8, u8, u8), alpha: f64) {
        let alpha = alpha.clamp(0.0, 1.0);
        if alpha == 0.0 {
            return;
        }
        let Some((x0, y0, x1, y1)) = self.clip(a, b) else {
            return;
        };
        let a = (256.0 * alpha).floor() as u64;
        let colour = [rgb.0, rgb.1, rgb.2];
        let grouped = ((x1 - x0 - 1) / 8 * 8) as usize;
        // The grouped pixels as bytes, 16 pixels at a time (a whole number of colours
        // in as many lanes of a vector): `(d × (256 − a) + c × a) >> 8`, at most
        // 255 × 256 before the shift, so in 16 bits.
        let keep = 256 - a as u16;
        let tint: [u16; 16 * PIXEL] =
            std::array::from_fn(|i| u16::from(colour[i % PIXEL]) * a as u16);
        for y in self.own(y0, y1) {
            if self.cancel.requested() {
                return;
            }
            let span = self.span(y, x0, x1);
            let (eights, rest) = span.split_at_mut(grouped * PIXEL);
            for run in eights.chunks_mut(tint.len()) {
                for (d, &t) in run.iter_mut().zip(&tint) {
                    *d = ((u16::from(*d) * keep + t) >> 8) as u8;
                }
            }
            for px in rest.chunks_exact_mut(PIXEL) {
                for (d, &c) in px.iter_mut().zip(&colour) {
                    blend(d, c, a);
                }
            }
        }
    }
}

/// Sets every pixel of `span` to `colour`: a grey by setting bytes.
fn paint(span: &mut [u8], colour: [u8; 3]) {
    if colour[0] == colour[1] && colour[1] == colour[2] {
        span.fill(colour[0]);
    } else {
        for px in span.chunks_exact_mut(PIXEL) {
            px.copy_from_slice(&colour);
        }
    }
}

/// One channel blended as the bitmap backend blends single pixels.
fn blend(prev: &mut u8, new: u8, a: u64) {
    if new > *prev {
        *prev += (u64::from(new - *prev) * a / 256) as u8;
    } else {
        *prev -= (u64::from(*prev - new) * a / 256) as u8;
    }
}

impl DrawingBackend for Band<'_> {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        (x, y): BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if x < 0 || x >= self.size.0 as i32 || !self.rows.contains(&y) || self.cancel.requested() {
            return Ok(());
        }
        let alpha = color.alpha;
        let (r, g, b) = color.rgb;
        let px = self.span(y, x, x + 1);
        if alpha >= 1.0 - 1.0 / 256.0 {
            px.copy_from_slice(&[r, g, b]);
        } else if alpha > 0.0 {
            // `alpha` is positive: truncating is flooring, without a call to `floor`.
            let a = (alpha * 256.0) as u64;
            for (d, c) in px.iter_mut().zip([r, g, b]) {
                blend(d, c, a);
            }
        }
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let color = style.color();
        if (from.0 == to.0 || from.1 == to.1) && style.stroke_width() == 1 {
            if color.alpha < 1.0 {
                self.blend_rect(from, (to.0 + 1, to.1 + 1), color.rgb, color.alpha);
            } else if from.1 == to.1 {
                self.fill(from, (to.0 + 1, to.1 + 1), color.rgb);
            } else {
                // A vertical line: its ends included, in whichever order.
                let (y0, y1) = (from.1.min(to.1), from.1.max(to.1));
                self.fill((from.0, y0), (from.0 + 1, y1 + 1), color.rgb);
            }
            return Ok(());
        }
        // A thick line is a polygon half its width about the line's ends.
        let reach = i32::try_from(style.stroke_width()).unwrap_or(i32::MAX);
        if self.misses(from.1.min(to.1), from.1.max(to.1), reach.saturating_add(1)) {
            return Ok(());
        }
        plotters_backend::rasterizer::draw_line(self, from, to, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        // The rasteriser's pixels lie within the radius and half the stroke of the
        // centre, and a pixel of anti-aliasing beyond; the whole stroke is counted,
        // a margin to spare.
        let reach =
            i32::try_from(u64::from(radius) + u64::from(style.stroke_width())).unwrap_or(i32::MAX);
        let (top, bottom) = (
            center.1.saturating_sub(reach),
            center.1.saturating_add(reach),
        );
        if self.misses(top, bottom, 1) {
            return Ok(());
        }
        plotters_backend::rasterizer::draw_circle(self, center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let vert: Vec<BackendCoord> = vert.into_iter().collect();
        let top = vert.iter().map(|v| v.1).min().unwrap_or(0);
        let bottom = vert.iter().map(|v| v.1).max().unwrap_or(0);
        if self.misses(top, bottom, 1) {
            return Ok(());
        }
        plotters_backend::rasterizer::fill_polygon(self, &vert, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let color = style.color();
        if !fill {
            return plotters_backend::rasterizer::draw_rect(
                self,
                upper_left,
                bottom_right,
                style,
                fill,
            );
        }
        if color.alpha >= 1.0 {
            self.fill(upper_left, bottom_right, color.rgb);
        } else {
            self.blend_rect(upper_left, bottom_right, color.rgb, color.alpha);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;

    /// Draws the same shapes on plotters' bitmap backend and on bands of one image.
    fn both(size: (u32, u32), bands: usize, draw: impl Fn(&mut dyn FnMut(Shape))) {
        let mut expected = vec![0u8; size.0 as usize * size.1 as usize * 3];
        let mut got = expected.clone();
        {
            let mut whole = BitMapBackend::with_buffer(&mut expected, size);
            draw(&mut |s| s.on(&mut whole));
        }
        let stride = size.0 as usize * PIXEL;
        let rows_per_band = (size.1 as usize).div_ceil(bands);
        for (i, pixels) in got.chunks_mut(rows_per_band * stride).enumerate() {
            let start = i * rows_per_band;
            let rows = start..start + pixels.len() / stride;
            let mut band = Band::new(pixels, size, rows, Cancel::never());
            draw(&mut |s| s.on(&mut band));
        }
        let differ = expected.iter().zip(&got).filter(|(a, b)| a != b).count();
        assert_eq!(differ, 0, "{differ} bytes differ");
    }

    /// A drawing call, for both backends.
    #[derive(Clone, Copy)]
    enum Shape {
        Pixel((i32, i32), RGBAColor),
        Line((i32, i32), (i32, i32), RGBAColor, u32),
        Rect((i32, i32), (i32, i32), RGBAColor, bool),
        Circle((i32, i32), u32, RGBAColor, bool, u32),
        Polygon(&'static [(i32, i32)], RGBAColor),
    }

    impl Shape {
        fn on<DB: DrawingBackend>(self, db: &mut DB) {
            let style = |c: RGBAColor, w: u32| ShapeStyle {
                color: c,
                filled: false,
                stroke_width: w,
            };
            let _ = match self {
                Shape::Pixel(p, c) => db.draw_pixel(p, c.to_backend_color()),
                Shape::Line(a, b, c, w) => db.draw_line(a, b, &style(c, w)),
                Shape::Rect(a, b, c, f) => db.draw_rect(a, b, &style(c, 1), f),
                Shape::Circle(p, r, c, f, w) => db.draw_circle(p, r, &style(c, w), f),
                Shape::Polygon(v, c) => db.fill_polygon(v.iter().copied(), &style(c, 1)),
            };
        }
    }

    #[test]
    fn bands_draw_what_the_bitmap_backend_draws() {
        let blue = RGBColor(31, 119, 180);
        for bands in [1, 2, 3, 7] {
            both((101, 67), bands, |on| {
                on(Shape::Rect((0, 0), (101, 67), WHITE.to_rgba(), true));
                on(Shape::Rect((-5, 10), (60, 40), blue.mix(0.2), true));
                on(Shape::Rect((70, 50), (20, 5), blue.mix(0.55), true));
                on(Shape::Rect((3, 3), (97, 63), BLACK.to_rgba(), false));
                on(Shape::Line((90, 2), (10, 2), RED.to_rgba(), 1));
                on(Shape::Line((50, 60), (50, 1), RED.mix(0.5), 1));
                on(Shape::Line((40, 66), (40, 20), GREEN.to_rgba(), 1));
                on(Shape::Line((0, 0), (100, 66), blue.to_rgba(), 1));
                on(Shape::Line((5, 60), (95, 8), blue.mix(0.7), 3));
                for k in 0..40 {
                    let at = ((k * 37) % 101, (k * 23) % 67);
                    on(Shape::Circle(
                        at,
                        1 + k as u32 % 5,
                        blue.mix(0.55),
                        k % 3 > 0,
                        1,
                    ));
                    on(Shape::Pixel((at.1, at.0), RED.mix(k as f64 / 40.0)));
                }
                // Shapes about the bands' edges, which a band draws only where
                // they reach its rows.
                for y in 0..67 {
                    let (r, w) = (y as u32 % 6, 1 + y as u32 % 4);
                    on(Shape::Circle((y + 17, y), r, RED.mix(0.6), y % 2 == 0, w));
                    on(Shape::Line(
                        (3 * y % 101, y),
                        (y + 30, y + 1),
                        GREEN.mix(0.8),
                        w,
                    ));
                    on(Shape::Line((y, y + 4), (y + 9, y - 5), blue.to_rgba(), 1));
                }
                on(Shape::Polygon(&[(5, 9), (40, 11), (20, 31)], RED.mix(0.4)));
                on(Shape::Polygon(
                    &[(60, 20), (90, 20), (90, 21), (60, 21)],
                    GREEN.to_rgba(),
                ));
                on(Shape::Polygon(
                    &[(50, 66), (99, 40), (70, 80)],
                    blue.mix(0.9),
                ));
                on(Shape::Pixel((-1, 5), RED.to_rgba()));
                on(Shape::Pixel((5, 67), RED.to_rgba()));
            });
        }
    }

    #[test]
    fn a_band_holds_the_rows_it_is_given() {
        let mut buf = vec![0u8; 10 * 3 * 3];
        let band = Band::new(&mut buf, (10, 7), 4..7, Cancel::never());
        assert_eq!(band.rows(), 4..7);
    }

    #[test]
    #[should_panic(expected = "the pixels of its rows")]
    fn a_band_needs_the_pixels_of_its_rows() {
        let mut buf = vec![0u8; 10 * 2 * 3];
        Band::new(&mut buf, (10, 7), 4..7, Cancel::never());
    }
}
