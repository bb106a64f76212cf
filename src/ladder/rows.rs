//! Rows of equal length held in one block: every dyad's moves of a run, round by
//! round.

use std::ops::Index;

/// One row per dyad, every row as long as the others, all in one block with a fixed
/// stride: row `d` starts at `d × stride`, so it is a slice like any other and its end
/// is found by arithmetic, not through a pointer of its own.
///
/// The engine adds a round to every row at once ([`next_mut`](Rows::next_mut) on each
/// row, then [`advance`](Rows::advance)). Held as a row per vector, the end of each row
/// was a cache line of its own behind a pointer of its own, and with tens of
/// thousands of dyads both had left the cache by the next round; here the ends of
/// consecutive rows lie a fixed distance apart, which the processor can fetch ahead.
#[derive(Debug, Clone)]
pub struct Rows<T> {
    /// `rows × stride` entries; past `filled` in each row, entries not yet written (or
    /// left from an earlier run).
    items: Vec<T>,
    /// The number of rows.
    rows: usize,
    /// Room per row.
    stride: usize,
    /// Entries per row so far.
    filled: usize,
}

impl<T> Default for Rows<T> {
    fn default() -> Self {
        Rows {
            items: Vec::new(),
            rows: 0,
            stride: 0,
            filled: 0,
        }
    }
}

impl<T: Copy> Rows<T> {
    /// `rows` empty rows with room for `stride` entries each, the room filled with
    /// `fill` until written.
    pub fn new(rows: usize, stride: usize, fill: T) -> Rows<T> {
        Rows {
            items: vec![fill; rows * stride],
            rows,
            stride,
            filled: 0,
        }
    }

    /// Rows holding `rows`, which must all be as long as the first.
    ///
    /// # Panics
    ///
    /// If a row is longer or shorter than the first.
    pub fn from_rows<R: AsRef<[T]>>(rows: &[R]) -> Rows<T> {
        let len = rows.first().map_or(0, |r| r.as_ref().len());
        let mut items = Vec::with_capacity(rows.len() * len);
        for row in rows {
            assert_eq!(row.as_ref().len(), len, "rows of unequal lengths");
            items.extend_from_slice(row.as_ref());
        }
        Rows {
            items,
            rows: rows.len(),
            stride: len,
            filled: len,
        }
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every row, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[T]> + '_ {
        (0..self.len()).map(|row| &self[row])
    }

    /// Empties every row, keeping the room.
    pub fn clear(&mut self) {
        self.filled = 0;
    }

    /// The entry just past the end of `row`, to write before [`advance`](Rows::advance)
    /// makes it part of the row.
    ///
    /// # Panics
    ///
    /// If the rows are full.
    #[inline]
    pub fn next_mut(&mut self, row: usize) -> &mut T {
        assert!(self.filled < self.stride, "rows full");
        &mut self.items[row * self.stride + self.filled]
    }

    /// The entry just past the end of `row`, as [`next_mut`](Rows::next_mut) last wrote
    /// it.
    #[inline]
    pub fn next(&self, row: usize) -> &T {
        assert!(self.filled < self.stride, "rows full");
        &self.items[row * self.stride + self.filled]
    }

    /// Adds an entry to every row at once, `entry(row)` in row order: what
    /// [`next_mut`](Rows::next_mut) on each row and then [`advance`](Rows::advance) do,
    /// in one pass. Rows too large for a core's cache have the ends of the rows a few
    /// ahead fetched as it goes ([`is_large`](Rows::is_large)).
    ///
    /// # Panics
    ///
    /// If the rows are full.
    #[inline(always)]
    pub fn push_round(&mut self, mut entry: impl FnMut(usize) -> T) {
        assert!(self.filled < self.stride, "rows full");
        let (filled, stride) = (self.filled, self.stride);
        if self.is_large() {
            let ahead = self.end_address(AHEAD, 0);
            for (row, items) in self.items.chunks_exact_mut(stride).enumerate() {
                fetch(ahead.wrapping_add(row * stride));
                items[filled] = entry(row);
            }
        } else {
            for (row, items) in self.items.chunks_exact_mut(stride).enumerate() {
                items[filled] = entry(row);
            }
        }
        self.filled += 1;
    }

    /// Whether the rows take more room than a core's cache holds, so that the end of a
    /// row has left it by the time the next round reaches it again.
    #[inline]
    pub fn is_large(&self) -> bool {
        self.items.len() * std::mem::size_of::<T>() > LARGE
    }

    /// For a pass reading the rows' ends in order, now at `row`: asks the processor to
    /// bring the end of the row a few ahead (`back` entries before it) into its cache,
    /// when the rows are large ([`is_large`](Rows::is_large)).
    #[inline(always)]
    pub fn fetch_ahead(&self, row: usize, back: usize) {
        if self.is_large() {
            fetch(self.end_address(row + AHEAD, back));
        }
    }

    /// Makes the entries written past every row's end ([`next_mut`](Rows::next_mut))
    /// part of the rows: every row grows by one.
    ///
    /// # Panics
    ///
    /// If the rows are full.
    #[inline]
    pub fn advance(&mut self) {
        assert!(self.filled < self.stride, "rows full");
        self.filled += 1;
    }

    /// Repeats each row's last entry until the rows are full (nothing while they are
    /// empty).
    pub fn hold_last(&mut self) {
        if self.filled == 0 {
            return;
        }
        for row in self.items.chunks_exact_mut(self.stride) {
            let last = row[self.filled - 1];
            row[self.filled..].fill(last);
        }
        self.filled = self.stride;
    }

    /// Where `row` ends, `back` entries before its end, as an address to fetch ahead: it
    /// may lie past the block (for a row that does not exist) and must not be read.
    #[inline]
    fn end_address(&self, row: usize, back: usize) -> *const T {
        let at = (row * self.stride + self.filled).wrapping_sub(back);
        self.items.as_ptr().wrapping_add(at)
    }
}

/// The room in bytes above which rows are [large](Rows::is_large): a core's share of
/// the cache levels nearest it, which hold the rows of a few hundred dyads over a
/// hundred rounds.
const LARGE: usize = 1 << 20;

/// How many rows ahead the end of a row is fetched.
const AHEAD: usize = 8;

/// Asks the processor to bring `address` into its cache: a hint, which reads nothing
/// and does nothing on other processors.
///
/// Each dyad's histories are read and written at their end once a round: with tens of
/// thousands of dyads the end of a row has left the cache by the next round, and
/// waiting for it made the cost per dyad-round grow with the number of actors (four
/// times from 10 to 100 everyone-faces-everyone actors). Asked for a few rows ahead,
/// it arrives while the rows before are played. With rows that stay in the cache the
/// hint only costs instructions, so it is not given.
#[inline(always)]
fn fetch<T>(address: *const T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: `_mm_prefetch` needs SSE, part of every x86_64 processor, and only
        // hints: it never dereferences the address, and a prefetch of any address,
        // even an invalid one, neither faults nor changes memory.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(address.cast()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = address;
}

impl<T> Index<usize> for Rows<T> {
    type Output = [T];

    /// Row `row`, oldest entry first.
    #[inline]
    fn index(&self, row: usize) -> &[T] {
        let start = row * self.stride;
        &self.items[start..start + self.filled]
    }
}

/// Rows are equal when they hold the same rows, whatever room they have.
impl<T: Copy + PartialEq> PartialEq for Rows<T> {
    fn eq(&self, other: &Rows<T>) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_grows_by_one_entry_a_round() {
        let mut rows = Rows::new(3, 4, 0u8);
        assert_eq!((rows.len(), rows[0].len()), (3, 0));
        for round in 1..=2 {
            for r in 0..3 {
                *rows.next_mut(r) = 10 * round + r as u8;
            }
            // Written but not yet part of the rows.
            assert_eq!(rows[1].len(), round as usize - 1);
            rows.advance();
        }
        assert_eq!(
            rows.iter().collect::<Vec<_>>(),
            [&[10, 20], &[11, 21], &[12, 22]]
        );
        rows.hold_last();
        assert_eq!(&rows[2], &[12, 22, 22, 22]);
        rows.clear();
        assert!(rows.iter().all(<[u8]>::is_empty));
        assert_eq!(rows.len(), 3);
    }

    #[test]
    fn equal_rows_are_equal_whatever_their_room() {
        let mut grown = Rows::new(2, 5, 9u8);
        for round in 0..2 {
            *grown.next_mut(0) = round;
            *grown.next_mut(1) = round + 1;
            grown.advance();
        }
        let made = Rows::from_rows(&[vec![0, 1], vec![1, 2]]);
        assert_eq!(grown, made);
        assert_ne!(grown, Rows::from_rows(&[vec![0, 1], vec![1, 3]]));
        assert_ne!(made, Rows::from_rows(&[vec![0, 1]]));
    }

    #[test]
    #[should_panic(expected = "rows full")]
    fn rows_hold_no_more_than_their_room() {
        let mut rows = Rows::new(1, 1, 0u8);
        rows.advance();
        rows.advance();
    }

    #[test]
    #[should_panic(expected = "unequal lengths")]
    fn rows_made_from_rows_of_unequal_lengths_are_refused() {
        Rows::from_rows(&[vec![0u8], vec![]]);
    }
}
