//! PNG encoding of an RGB image in bands of rows compressed at once, on the threads
//! of the current rayon pool.
//!
//! A PNG holds one zlib stream over every row, each row filtered (here by the Paeth
//! filter, which predicts a byte from its neighbours to the left, above and above
//! left) and prefixed by its filter's number. A deflate stream (RFC 1951) is a
//! sequence of blocks, each compressed on its own: every band's rows are filtered
//! (the first reading the last row of the band above) and compressed into one block
//! with a Huffman code of the band's own (fitted to a sample of its rows), ended on a byte boundary by an empty stored
//! block where another band follows. The bands' bytes, joined, are the stream; the
//! zlib header goes before them and the Adler-32 of every filtered byte, combined
//! from the bands', after.
//!
//! The compression is the one PNG encoders call fast: literal bytes, and runs of
//! zeros (what the filter leaves of flat fills) as copies of the byte before. A
//! chart's filtered bytes are mostly zeros and a few hundred distinct values, which
//! a code fitted to each band writes in fewer bits than a code fixed in advance.
//!
//! The bands' heights depend on the image's width only, never on the number of
//! threads: the bytes of a PNG are the same however many encode it.

use std::cell::RefCell;
use std::ops::Range;

use rayon::prelude::*;

use super::PlotError;
use crate::montecarlo::Cancel;

/// Filtered bytes a band holds about: enough bands for every thread to take several
/// (they take unequal times), few enough that their codes (about two hundred bytes
/// each) are a small part of the compressed bytes.
const BAND_BYTES: usize = 512 * 1024;

/// Bytes per pixel (RGB, eight bits each).
const PIXEL: usize = 3;

/// The PNG signature.
const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];

/// The zlib header: deflate with a 32 KiB window, the fastest level, no dictionary.
const ZLIB_HEADER: [u8; 2] = [0x78, 0x01];

/// The number of the Paeth filter, before each filtered row.
const PAETH: u8 = 4;

/// The literal/length symbol that ends a block.
const END_OF_BLOCK: usize = 256;

/// Literal/length symbols (literals, end of block, lengths 3 to 258).
const LITERALS: usize = 286;

/// The order in which a block's header gives the lengths of the code-length code.
const CODE_LENGTH_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// The first copy length of each length symbol 257..=285, and its extra bits.
const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];

/// The index into [`LENGTH_BASE`] of each copy length up to 258.
const LENGTH_INDEX: [u8; 259] = {
    let mut table = [0u8; 259];
    let mut len = 3;
    while len <= 258 {
        let mut k = 0;
        while k + 1 < LENGTH_BASE.len() && LENGTH_BASE[k + 1] as usize <= len {
            k += 1;
        }
        table[len] = k as u8;
        len += 1;
    }
    table
};

/// The longest copy deflate writes.
const MAX_COPY: usize = 258;

thread_local! {
    /// A filtered row, kept by each thread for the next row and band it encodes.
    static FILTERED: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// The pixels of a band and of the row above it, kept by each thread for the
    /// next band it draws and encodes.
    static PIXELS: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The PNG image of `size` pixels whose rows `draw` paints, bands of rows drawn and
/// encoded at once on the current rayon pool. Stops with an error soon after `cancel`
/// is requested.
///
/// `draw(rows, pixels)` is handed zeroed RGB pixels (row by row) for the image's rows
/// `rows` and paints them: a band's rows, and the row above them, which its filter
/// reads. A band is painted into a buffer of its own thread, a few hundred kilobytes
/// kept from band to band, and compressed at once, while it is still in the cache:
/// the whole image is never held.
pub(crate) fn encode<D>(size: (u32, u32), cancel: Cancel, draw: D) -> Result<Vec<u8>, PlotError>
where
    D: Fn(Range<usize>, &mut [u8]) -> Result<(), PlotError> + Sync,
{
    let (width, height) = (size.0 as usize, size.1 as usize);
    let stride = width * PIXEL;
    let stopped = || PlotError::Draw("stopped before the PNG image was encoded".into());
    let encoded: Vec<Encoded> = bands(size)
        .into_par_iter()
        .with_max_len(1)
        .map(|rows| {
            // Taken out, not borrowed, so that a thread that starts another band
            // while it draws this one (none does today) gets a buffer of its own.
            let mut pixels = PIXELS.take();
            let from = rows.start.saturating_sub(1);
            pixels.clear();
            pixels.resize((rows.end - from) * stride, 0);
            let last = rows.end == height;
            let band = draw(from..rows.end, &mut pixels).and_then(|()| {
                encode_band(&pixels, from, width, rows, last, cancel).ok_or_else(stopped)
            });
            PIXELS.set(pixels);
            band
        })
        .collect::<Result<_, _>>()?;
    let compressed: usize = encoded.iter().map(|e| e.bytes.len()).sum();
    // Signature, IHDR, a chunk per band with the zlib header and checksum, IEND.
    let mut png = Vec::with_capacity(8 + 25 + compressed + 12 * encoded.len() + 6 + 12);
    png.extend_from_slice(&SIGNATURE);
    let mut header = [0u8; 13];
    header[..4].copy_from_slice(&size.0.to_be_bytes());
    header[4..8].copy_from_slice(&size.1.to_be_bytes());
    // Eight bits per sample, RGB; deflate, adaptive filtering, no interlace.
    header[8..].copy_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &[&header]);
    let adler = encoded
        .iter()
        .fold(1, |sum, e| adler32_combine(sum, e.adler, e.filtered));
    let last = encoded.len() - 1;
    for (k, band) in encoded.iter().enumerate() {
        let before: &[u8] = if k == 0 { &ZLIB_HEADER } else { &[] };
        let after = adler.to_be_bytes();
        let after: &[u8] = if k == last { &after } else { &[] };
        chunk(&mut png, b"IDAT", &[before, &band.bytes, after]);
    }
    chunk(&mut png, b"IEND", &[]);
    Ok(png)
}

/// The rows of each band of an image of `size`: about [`BAND_BYTES`] filtered bytes
/// each, at least one row.
fn bands((width, height): (u32, u32)) -> Vec<Range<usize>> {
    let row = 1 + width as usize * PIXEL;
    let per_band = (BAND_BYTES / row).max(1);
    let height = height as usize;
    (0..height)
        .step_by(per_band)
        .map(|top| top..(top + per_band).min(height))
        .collect()
}

/// Appends the chunk of `kind` whose data is `parts` joined, with its length and CRC.
fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], parts: &[&[u8]]) {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let len = u32::try_from(len).expect("a band's chunk is far below 2 GiB");
    png.extend_from_slice(&len.to_be_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    png.extend_from_slice(kind);
    for part in parts {
        crc.update(part);
        png.extend_from_slice(part);
    }
    png.extend_from_slice(&crc.finalize().to_be_bytes());
}

/// One band compressed.
struct Encoded {
    /// Its deflate blocks, ending on a byte boundary.
    bytes: Vec<u8>,
    /// The Adler-32 of its filtered bytes.
    adler: u32,
    /// How many filtered bytes it holds.
    filtered: usize,
}

/// The deflate blocks of rows `rows` of an image of `width` pixels a row, whose rows
/// from `first` on are the RGB pixels `rgb` (from the row above `rows`, if any), the
/// stream's final block if `last`; `None` once `cancel` is requested.
///
/// The band's code is fitted to every [`SAMPLE`]-th row, and every symbol has one, as
/// the rows between may hold any. Each row is filtered where it is used, into a buffer
/// of one row.
fn encode_band(
    rgb: &[u8],
    first: usize,
    width: usize,
    rows: Range<usize>,
    last: bool,
    cancel: Cancel,
) -> Option<Encoded> {
    let stride = width * PIXEL;
    let filter = |y: usize, out: &mut Vec<u8>| {
        out.clear();
        out.push(PAETH);
        let at = (y - first) * stride;
        let above = (y > 0).then(|| &rgb[at - stride..at]);
        paeth(&rgb[at..at + stride], above, out);
    };
    FILTERED.with_borrow_mut(|row| {
        let mut sample = Counts([0; LITERALS]);
        for y in rows.clone().step_by(SAMPLE) {
            if cancel.requested() {
                return None;
            }
            filter(y, row);
            symbols(row, &mut sample);
        }
        let filtered = rows.len() * (1 + stride);
        let mut block = Block::new(&sample, filtered, last);
        let mut adler = simd_adler32::Adler32::new();
        for y in rows {
            if cancel.requested() {
                return None;
            }
            filter(y, row);
            adler.write(row);
            symbols(row, &mut block);
        }
        Some(Encoded {
            bytes: block.finish(),
            adler: adler.finish(),
            filtered,
        })
    })
}

/// Appends `row` filtered by Paeth's predictor, the row `above` it (none for the first
/// row, as if it were black), to `out`.
fn paeth(row: &[u8], above: Option<&[u8]>, out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + row.len(), 0);
    let out = &mut out[start..];
    let Some(above) = above else {
        // Above is zero: the predictor is the byte to the left.
        out[..PIXEL.min(row.len())].copy_from_slice(&row[..PIXEL.min(row.len())]);
        for (o, w) in out[PIXEL.min(row.len())..]
            .iter_mut()
            .zip(row.windows(PIXEL + 1))
        {
            *o = w[PIXEL].wrapping_sub(w[0]);
        }
        return;
    };
    let first = PIXEL.min(row.len());
    for i in 0..first {
        // Left and above left are zero: the predictor is the byte above.
        out[i] = row[i].wrapping_sub(above[i]);
    }
    // In chunks of a fixed length, which the compiler turns into vector instructions.
    const CHUNK: usize = 32;
    let n = row.len() - first;
    let (x, a) = (&row[first..], &row[..n]);
    let (b, c) = (&above[first..], &above[..n]);
    let mut outs = out[first..].chunks_exact_mut(CHUNK);
    let mut xs = x.chunks_exact(CHUNK);
    let mut aa = a.chunks_exact(CHUNK);
    let mut bb = b.chunks_exact(CHUNK);
    let mut cc = c.chunks_exact(CHUNK);
    for ((((out, x), a), b), c) in (&mut outs)
        .zip(&mut xs)
        .zip(&mut aa)
        .zip(&mut bb)
        .zip(&mut cc)
    {
        // Where the row repeats the one above, each byte and the one to its left alike
        // (most of a chart: flat fills and vertical lines), Paeth predicts every byte
        // as the byte above, and the filter leaves zeros.
        if x == b && a == c {
            out.fill(0);
            continue;
        }
        for i in 0..CHUNK {
            out[i] = x[i].wrapping_sub(predict(a[i], b[i], c[i]));
        }
    }
    let rest = [xs, aa, bb, cc].map(|p| p.remainder());
    for (i, out) in outs.into_remainder().iter_mut().enumerate() {
        let [x, a, b, c] = rest.map(|p| p[i]);
        *out = x.wrapping_sub(predict(a, b, c));
    }
}

/// Paeth's predictor of a byte from the bytes to its left `a`, above `b` and above
/// left `c`: whichever is nearest `p = a + b - c`, ties to `a`, then `b`.
///
/// Computed on bytes alone: `|p - a| = |b - c|` and `|p - b| = |a - c|`; `|p - c|` is
/// `|(a - c) + (b - c)|`, the difference of the other two where `c` lies between `a`
/// and `b`, and otherwise their sum, larger than either, so never the nearest.
fn predict(a: u8, b: u8, c: u8) -> u8 {
    // Differences as the larger less the smaller, which stays in bytes (`abs_diff`
    // goes through 32 bits, four times fewer lanes of a vector).
    let pa = b.max(c) - b.min(c);
    let pb = a.max(c) - a.min(c);
    let pc = if (a < c) == (c < b) {
        pa.max(pb) - pa.min(pb)
    } else {
        u8::MAX
    };
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// What compressing reads from filtered bytes: literals, and copies of the byte before.
trait Symbols {
    /// A literal byte.
    fn literal(&mut self, byte: u8);
    /// A copy of `len` (3..=258) bytes from one byte back.
    fn copy(&mut self, len: usize);
    /// Literal bytes, one after another.
    fn literals(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.literal(byte);
        }
    }
}

/// Hands `data` to `to` as literals, and each run of zeros that begins or ends a group
/// of eight bytes (runs of zeros from where they are common, flat fills) as a zero
/// and copies of it.
fn symbols(data: &[u8], to: &mut impl Symbols) {
    let word = |at: usize| u64::from_le_bytes(data[at..at + 8].try_into().expect("eight bytes"));
    // Zeros seen and not yet handed on.
    let mut run = 0;
    let mut i = 0;
    while i + 8 <= data.len() {
        let w = word(i);
        i += 8;
        if w == 0 {
            run += 8;
            // Within a run, 32 bytes at a time.
            while i + 32 <= data.len() && (word(i) | word(i + 8) | word(i + 16) | word(i + 24)) == 0
            {
                run += 32;
                i += 32;
            }
            continue;
        }
        // Zeros first and last (in the low and high bytes) join the runs around them.
        let first = (w.trailing_zeros() / 8) as usize;
        let last = (w.leading_zeros() / 8) as usize;
        zeros(run + first, to);
        to.literals(&data[i - 8 + first..i - last]);
        run = last;
    }
    for &byte in &data[i..] {
        if byte == 0 {
            run += 1;
        } else {
            zeros(run, to);
            run = 0;
            to.literal(byte);
        }
    }
    zeros(run, to);
}

/// Hands `run` zeros to `to`: a literal zero, then copies of it.
fn zeros(run: usize, to: &mut impl Symbols) {
    if run == 0 {
        return;
    }
    to.literal(0);
    let mut left = run - 1;
    while left >= 3 {
        let len = left.min(MAX_COPY);
        // Never leave one or two bytes a copy cannot take but a shorter copy can.
        let len = if (1..3).contains(&(left - len)) {
            len - 3
        } else {
            len
        };
        to.copy(len);
        left -= len;
    }
    for _ in 0..left {
        to.literal(0);
    }
}

/// How often each literal/length symbol is written.
struct Counts([u32; LITERALS]);

impl Symbols for Counts {
    fn literal(&mut self, byte: u8) {
        self.0[usize::from(byte)] += 1;
    }
    fn copy(&mut self, len: usize) {
        self.0[257 + usize::from(LENGTH_INDEX[len])] += 1;
    }
}

/// Bits written least significant first, as deflate packs them.
struct Bits {
    out: Vec<u8>,
    acc: u64,
    count: u32,
}

impl Bits {
    /// Writes the low `count` (at most 63) bits of `bits`, which are zero above.
    fn put(&mut self, bits: u64, count: u32) {
        self.acc |= bits << self.count;
        self.count += count;
        if self.count >= 64 {
            self.out.extend_from_slice(&self.acc.to_le_bytes());
            self.count -= 64;
            // The bits that did not fit (none if all did: `count` is then shifted out).
            self.acc = bits.checked_shr(count - self.count).unwrap_or(0);
        }
    }

    /// Pads with zeros to a byte boundary and writes what is held.
    fn align(&mut self) {
        let bytes = self.count.div_ceil(8) as usize;
        self.out.extend_from_slice(&self.acc.to_le_bytes()[..bytes]);
        self.acc = 0;
        self.count = 0;
    }
}

/// Rows in a band, one of which is read to fit the band's code.
const SAMPLE: usize = 4;

/// A deflate block being written, with a Huffman code of its own.
struct Block {
    bits: Bits,
    codes: [u16; LITERALS],
    lengths: [u8; LITERALS],
    /// Whether it is the stream's final block.
    last: bool,
}

impl Block {
    /// A block of `bytes` bytes whose code is fitted to `sample`, counted on one
    /// [`SAMPLE`]-th of them; the stream's final block if `last`. Its header is
    /// written.
    fn new(sample: &Counts, bytes: usize, last: bool) -> Block {
        let weights = sample.0.map(|c| c * SAMPLE as u32 + 1);
        let lengths: [u8; LITERALS] = code_lengths(&weights, 15)
            .try_into()
            .expect("one length per symbol");
        let codes: [u16; LITERALS] = canonical_codes(&lengths)
            .try_into()
            .expect("one code per symbol");
        // About the symbols' bits, their lengths' extra bits and their distance codes'
        // one bit, as the sample has them, and a few hundred bytes of codes and flush.
        let symbol_bits: u64 = (0..LITERALS)
            .map(|s| {
                let extra = match s {
                    257.. => u64::from(LENGTH_EXTRA[s - 257]) + 1,
                    _ => 0,
                };
                u64::from(weights[s]) * (u64::from(lengths[s]) + extra)
            })
            .sum();
        let guess = ((symbol_bits / 8) as usize + 512).min(bytes * 2 + 512);
        let mut bits = Bits {
            out: Vec::with_capacity(guess),
            acc: 0,
            count: 0,
        };
        // BFINAL, then BTYPE 2: a block with codes of its own.
        bits.put(u64::from(last) | 2 << 1, 3);
        write_codes(&mut bits, &lengths);
        Block {
            bits,
            codes,
            lengths,
            last,
        }
    }

    /// Ends the block and returns its bytes: a block not final is followed by an empty
    /// stored block, so that it ends on a byte boundary.
    fn finish(mut self) -> Vec<u8> {
        self.bits.put(
            u64::from(self.codes[END_OF_BLOCK]),
            u32::from(self.lengths[END_OF_BLOCK]),
        );
        if !self.last {
            // An empty stored block, not final: three bits, padding, then LEN 0, NLEN !0.
            self.bits.put(0, 3);
            self.bits.align();
            self.bits.out.extend_from_slice(&[0, 0, 0xff, 0xff]);
        }
        self.bits.align();
        self.bits.out
    }
}

impl Symbols for Block {
    fn literal(&mut self, byte: u8) {
        let s = usize::from(byte);
        self.bits
            .put(u64::from(self.codes[s]), u32::from(self.lengths[s]));
    }
    fn copy(&mut self, len: usize) {
        let k = usize::from(LENGTH_INDEX[len]);
        let s = 257 + k;
        let (code, count) = (u64::from(self.codes[s]), u32::from(self.lengths[s]));
        let extra = (len - usize::from(LENGTH_BASE[k])) as u64;
        let extra_bits = u32::from(LENGTH_EXTRA[k]);
        // Then distance code 0 (one byte back), the one-bit code 0.
        self.bits.put(code | extra << count, count + extra_bits + 1);
    }
    fn literals(&mut self, bytes: &[u8]) {
        // Four codes of at most 15 bits each at once.
        let mut fours = bytes.chunks_exact(4);
        for four in &mut fours {
            let (mut bits, mut count) = (0u64, 0u32);
            for &byte in four {
                let s = usize::from(byte);
                bits |= u64::from(self.codes[s]) << count;
                count += u32::from(self.lengths[s]);
            }
            self.bits.put(bits, count);
        }
        for &byte in fours.remainder() {
            self.literal(byte);
        }
    }
}

/// Writes a block header's codes: the literal/length code of `lengths`, and a
/// distance code of two one-bit codes (only distance 1 is used), through a code-length
/// code fitted to them.
fn write_codes(bits: &mut Bits, lengths: &[u8; LITERALS]) {
    let literals = 257
        + lengths[257..]
            .iter()
            .rposition(|&l| l > 0)
            .map_or(0, |p| p + 1);
    let mut all: Vec<u8> = lengths[..literals].to_vec();
    all.extend([1, 1]);
    let runs = length_runs(&all);
    let mut counts = [0u32; 19];
    for &(symbol, _) in &runs {
        counts[usize::from(symbol)] += 1;
    }
    let cl_lengths = code_lengths(&counts, 7);
    let cl_codes = canonical_codes(&cl_lengths);
    let sent = 4.max(
        CODE_LENGTH_ORDER
            .iter()
            .rposition(|&s| cl_lengths[s] > 0)
            .map_or(0, |p| p + 1),
    );
    bits.put((literals - 257) as u64, 5);
    bits.put(1, 5); // two distance codes
    bits.put((sent - 4) as u64, 4);
    for &s in &CODE_LENGTH_ORDER[..sent] {
        bits.put(u64::from(cl_lengths[s]), 3);
    }
    for (symbol, extra) in runs {
        let s = usize::from(symbol);
        bits.put(u64::from(cl_codes[s]), u32::from(cl_lengths[s]));
        match symbol {
            16 => bits.put(u64::from(extra), 2),
            17 => bits.put(u64::from(extra), 3),
            18 => bits.put(u64::from(extra), 7),
            _ => {}
        }
    }
}

/// Code lengths `lengths` as code-length symbols with their extra bits' value: 0–15
/// a length, 16 the one before repeated 3–6 times, 17 and 18 zeros 3–10 and 11–138
/// times.
fn length_runs(lengths: &[u8]) -> Vec<(u8, u8)> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < lengths.len() {
        let l = lengths[i];
        let run = lengths[i..].iter().take_while(|&&x| x == l).count();
        i += run;
        let mut left = run;
        if l == 0 {
            while left >= 11 {
                let n = left.min(138);
                runs.push((18, (n - 11) as u8));
                left -= n;
            }
            if left >= 3 {
                runs.push((17, (left - 3) as u8));
                left = 0;
            }
        } else {
            runs.push((l, 0));
            left -= 1;
            while left >= 3 {
                let n = left.min(6);
                runs.push((16, (n - 3) as u8));
                left -= n;
            }
        }
        runs.extend(std::iter::repeat_n((l, 0), left));
    }
    runs
}

/// Lengths of a Huffman code for symbols written `counts` times, none longer than
/// `limit` bits, a symbol never written getting none (unless fewer than two are
/// written: the first unwritten ones then get a code too, as a code needs two).
fn code_lengths(counts: &[u32], limit: u32) -> Vec<u8> {
    let mut weights: Vec<u64> = counts.iter().map(|&c| u64::from(c)).collect();
    let mut used = weights.iter().filter(|&&w| w > 0).count();
    for w in weights.iter_mut() {
        if used >= 2 {
            break;
        }
        if *w == 0 {
            *w = 1;
            used += 1;
        }
    }
    loop {
        let depths = huffman_depths(&weights);
        if depths.iter().all(|&d| d <= limit) {
            return depths.into_iter().map(|d| d as u8).collect();
        }
        // Flatter weights, a shallower tree; all equal, it is balanced.
        for w in weights.iter_mut().filter(|w| **w > 0) {
            *w = w.div_ceil(2);
        }
    }
}

/// The depth of each symbol of positive weight in a Huffman tree of `weights` (0 for
/// the others); ties broken by symbol, so the tree depends on the weights only.
///
/// The leaves sorted once, the merged nodes come in order of weight: the two lightest
/// nodes are always at the front of one queue or the other.
fn huffman_depths(weights: &[u64]) -> Vec<u32> {
    let n = weights.len();
    let mut leaves: Vec<(u64, usize)> = weights
        .iter()
        .enumerate()
        .filter(|&(_, &w)| w > 0)
        .map(|(s, &w)| (w, s))
        .collect();
    leaves.sort_unstable();
    // Nodes: the symbols, then each merge; a parent comes after its children.
    let mut parent = vec![usize::MAX; n + leaves.len()];
    let mut merged: Vec<(u64, usize)> = Vec::with_capacity(leaves.len());
    let (mut leaf, mut front) = (0, 0);
    let lightest = |leaf: &mut usize, front: &mut usize, merged: &[(u64, usize)]| {
        let take_leaf =
            *leaf < leaves.len() && (*front >= merged.len() || leaves[*leaf].0 <= merged[*front].0);
        if take_leaf {
            *leaf += 1;
            leaves[*leaf - 1]
        } else {
            *front += 1;
            merged[*front - 1]
        }
    };
    while (leaves.len() - leaf) + (merged.len() - front) > 1 {
        let (wa, a) = lightest(&mut leaf, &mut front, &merged);
        let (wb, b) = lightest(&mut leaf, &mut front, &merged);
        let node = n + merged.len();
        parent[a] = node;
        parent[b] = node;
        merged.push((wa + wb, node));
    }
    let mut depth = vec![0u32; n + merged.len()];
    for node in (0..depth.len()).rev() {
        if parent[node] != usize::MAX {
            depth[node] = depth[parent[node]] + 1;
        }
    }
    depth.truncate(n);
    depth
}

/// The canonical codes of a Huffman code of `lengths` (RFC 1951, 3.2.2), each
/// reversed to be written least significant bit first.
fn canonical_codes(lengths: &[u8]) -> Vec<u16> {
    let mut per_length = [0u16; 16];
    for &l in lengths.iter().filter(|&&l| l > 0) {
        per_length[usize::from(l)] += 1;
    }
    let mut next = [0u16; 16];
    let mut code = 0u16;
    for bits in 1..16 {
        code = (code + per_length[bits - 1]) << 1;
        next[bits] = code;
    }
    lengths
        .iter()
        .map(|&l| {
            if l == 0 {
                return 0;
            }
            let c = next[usize::from(l)];
            next[usize::from(l)] += 1;
            c.reverse_bits() >> (16 - l)
        })
        .collect()
}

/// The Adler-32 of bytes `a` followed by `len_b` bytes `b`, from the checksums `a` and
/// `b` of each.
fn adler32_combine(a: u32, b: u32, len_b: usize) -> u32 {
    const BASE: u64 = 65_521;
    let rem = len_b as u64 % BASE;
    let (a1, a2) = (u64::from(a & 0xffff), u64::from(a >> 16));
    let (b1, b2) = (u64::from(b & 0xffff), u64::from(b >> 16));
    let sum1 = (a1 + b1 + BASE - 1) % BASE;
    let sum2 = (rem * a1 + a2 + b2 + BASE - rem) % BASE;
    (sum1 | sum2 << 16) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pixels with flat fills, thin lines, gradients and noise, as charts have.
    fn picture((width, height): (u32, u32), seed: u32) -> Vec<u8> {
        let mut rgb = vec![255u8; (width * height) as usize * PIXEL];
        let mut state = seed.wrapping_mul(2_654_435_761).max(1);
        for y in 0..height as usize {
            for x in 0..width as usize {
                let at = (y * width as usize + x) * PIXEL;
                let px = &mut rgb[at..at + PIXEL];
                if y % 37 == 0 || x % 53 == 0 {
                    px.copy_from_slice(&[40, 40, 40]);
                } else if (height as usize / 3..height as usize / 2).contains(&y) {
                    px.copy_from_slice(&[(x % 256) as u8, (y % 256) as u8, 90]);
                } else if x < width as usize / 8 {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    px.copy_from_slice(&state.to_le_bytes()[..3]);
                }
            }
        }
        rgb
    }

    /// [`encode`] of the pixels `rgb`, checking that each band's rows are handed
    /// zeroed, the row above included.
    fn encode_image(rgb: &[u8], size: (u32, u32), cancel: Cancel) -> Result<Vec<u8>, PlotError> {
        let stride = size.0 as usize * PIXEL;
        encode(size, cancel, |rows, pixels| {
            assert!(pixels.iter().all(|&b| b == 0), "{rows:?} handed zeroed");
            pixels.copy_from_slice(&rgb[rows.start * stride..rows.end * stride]);
            Ok(())
        })
    }

    fn decode(png: &[u8]) -> ((u32, u32), Vec<u8>) {
        let image = image::load_from_memory_with_format(png, image::ImageFormat::Png)
            .expect("a PNG the png crate reads")
            .to_rgb8();
        (image.dimensions(), image.into_raw())
    }

    #[test]
    fn decoded_pixels_are_the_image_at_any_size_and_number_of_bands() {
        // One band, a few, many; a width whose rows fill a band exactly; one row.
        for size in [
            (480, 270),
            (1600, 900),
            (87_381, 2),
            (7, 1),
            (1, 9),
            (2000, 1500),
        ] {
            let rgb = picture(size, size.0 ^ size.1);
            let png = encode_image(&rgb, size, Cancel::never()).unwrap();
            if rgb.len() > 10_000 {
                assert!(png.len() < rgb.len() / 2, "{size:?} compresses");
            }
            assert_eq!(decode(&png), (size, rgb), "{size:?}");
        }
        let split = bands((2000, 1500));
        assert!(split.len() > 8, "{split:?}");
        assert!(split.windows(2).all(|w| w[0].end == w[1].start));
        assert_eq!((split[0].start, split[split.len() - 1].end), (0, 1500));
        assert_eq!(bands((7, 1)), vec![Range { start: 0, end: 1 }]);
    }

    #[test]
    fn the_bytes_do_not_depend_on_the_number_of_threads() {
        let size = (1600, 900);
        let rgb = picture(size, 7);
        let on = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| encode_image(&rgb, size, Cancel::never()).unwrap())
        };
        assert_eq!(on(1), on(3));
    }

    #[test]
    fn a_flat_image_is_mostly_copies() {
        let size = (1600, 900);
        let rgb = vec![250u8; 1600 * 900 * PIXEL];
        let png = encode_image(&rgb, size, Cancel::never()).unwrap();
        assert!(png.len() < 20_000, "{} bytes", png.len());
        assert_eq!(decode(&png), (size, rgb));
    }

    #[test]
    fn a_cancelled_encoding_stops() {
        static STOP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);
        let size = (480, 270);
        let rgb = picture(size, 1);
        assert!(encode_image(&rgb, size, Cancel::on(&STOP)).is_err());
    }

    fn adler32(data: &[u8]) -> u32 {
        let mut sum = simd_adler32::Adler32::new();
        sum.write(data);
        sum.finish()
    }

    #[test]
    fn combined_checksums_are_the_checksum_of_the_whole() {
        let data: Vec<u8> = (0..300_000u32).map(|i| (i * 7919 % 251) as u8).collect();
        for cut in [0, 1, 65_520, 65_521, 100_000, 300_000] {
            let (a, b) = data.split_at(cut);
            assert_eq!(
                adler32_combine(adler32(a), adler32(b), b.len()),
                adler32(&data),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn paeth_filters_as_the_predictor_says() {
        let above = [10u8, 20, 30, 12, 22, 32, 200, 0, 7, 9, 9, 9];
        let row = [11u8, 19, 33, 14, 25, 31, 1, 255, 8, 9, 10, 8];
        let mut fast = Vec::new();
        paeth(&row, Some(&above), &mut fast);
        assert_eq!(fast, plain_paeth(&row, &above));
        assert_eq!(
            (predict(1, 2, 3), predict(5, 9, 5), predict(9, 5, 9)),
            (1, 9, 5)
        );
    }

    /// Paeth's filter byte by byte, as the PNG specification states it.
    fn plain_paeth(row: &[u8], above: &[u8]) -> Vec<u8> {
        (0..row.len())
            .map(|i| {
                let (a, c) = match i >= PIXEL {
                    true => (row[i - PIXEL], above[i - PIXEL]),
                    false => (0, 0),
                };
                row[i].wrapping_sub(predict(a, above[i], c))
            })
            .collect()
    }

    #[test]
    fn rows_that_repeat_the_one_above_in_places_filter_as_the_predictor_says() {
        // Rows of a picture, and the same rows with a pixel changed here and there:
        // stretches equal to the row above begin and end anywhere in a chunk.
        let size = (1600, 40);
        let rgb = picture(size, 3);
        let stride = size.0 as usize * PIXEL;
        let mut changed = 0;
        for y in 1..size.1 as usize {
            let above = &rgb[(y - 1) * stride..y * stride];
            let mut rows = vec![rgb[y * stride..(y + 1) * stride].to_vec(), above.to_vec()];
            let mut edited = above.to_vec();
            for at in (y * 7..stride).step_by(97 + y) {
                edited[at] = edited[at].wrapping_add(1 + y as u8);
            }
            rows.push(edited);
            for row in rows {
                let mut fast = Vec::new();
                paeth(&row, Some(above), &mut fast);
                assert_eq!(fast, plain_paeth(&row, above), "row {y}");
                changed += fast.iter().filter(|&&b| b != 0).count();
            }
        }
        assert!(changed > 1000, "{changed}");
    }

    #[test]
    fn code_lengths_keep_to_their_limit() {
        // Fibonacci weights make the deepest Huffman tree.
        let mut fib = vec![1u32, 1];
        while fib.len() < 30 {
            fib.push(fib[fib.len() - 1] + fib[fib.len() - 2]);
        }
        let lengths = code_lengths(&fib, 15);
        assert!(lengths.iter().all(|&l| (1..=15).contains(&l)));
        // A complete code: the Kraft sum is one.
        let kraft: f64 = lengths.iter().map(|&l| 0.5f64.powi(i32::from(l))).sum();
        assert_eq!(kraft, 1.0);
        assert_eq!(code_lengths(&[0, 5, 0], 7), [1, 1, 0]);
    }
}
