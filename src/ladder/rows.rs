//! Rows of equal length held in one block: every dyad's moves of a run, round by
//! round.

use std::fmt;
use std::ops::Index;

/// One row per dyad, every row as long as the others, all in one block laid out entry
/// by entry: the first entry of every row, then the second of every row, and so on.
/// Entry `i` of row `d` is at `i × rows + d`.
///
/// The engine adds a round to every row at once ([`push_round`](Rows::push_round), or
/// [`next_mut`](Rows::next_mut) on each row or [`split_next`](Rows::split_next), then
/// [`advance`](Rows::advance)), and a round reads the entries the round before
/// wrote: laid out this way, both are passes over one stretch of memory. Held row
/// after row, each row's end was a cache line and a page of its own, and with tens
/// of thousands of dyads the pages of a round were more than the processor keeps
/// mapped: the cost per dyad-round grew 2.9 times from 10 to 150
/// everyone-faces-everyone actors (measured 2 December 2026).
#[derive(Debug, Clone)]
pub struct Rows<T> {
    /// `room × rows` entries; past `filled` rounds, entries not yet written (or left
    /// from an earlier run).
    items: Vec<T>,
    /// The number of rows.
    rows: usize,
    /// Room per row.
    room: usize,
    /// Entries per row so far.
    filled: usize,
}

impl<T> Default for Rows<T> {
    fn default() -> Self {
        Rows {
            items: Vec::new(),
            rows: 0,
            room: 0,
            filled: 0,
        }
    }
}

impl<T: Copy> Rows<T> {
    /// `rows` empty rows with room for `room` entries each, the room filled with `fill`
    /// until written.
    pub fn new(rows: usize, room: usize, fill: T) -> Rows<T> {
        Rows {
            items: vec![fill; rows * room],
            rows,
            room,
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
        for row in rows {
            assert_eq!(row.as_ref().len(), len, "rows of unequal lengths");
        }
        let items = (0..len)
            .flat_map(|i| rows.iter().map(move |row| row.as_ref()[i]))
            .collect();
        Rows {
            items,
            rows: rows.len(),
            room: len,
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

    /// Row `row`, oldest entry first.
    ///
    /// # Panics
    ///
    /// If there is no such row.
    #[inline(always)]
    pub fn row(&self, row: usize) -> Row<'_, T> {
        self.written().row(row)
    }

    /// The rounds written so far, to read.
    #[inline(always)]
    pub fn written(&self) -> Written<'_, T> {
        Written {
            played: self.played(),
            rows: self.rows,
            filled: self.filled,
        }
    }

    /// The rounds written so far, to read, and the entries of the next round, one per
    /// row in row order, to write while they are read; [`advance`](Rows::advance)
    /// then makes them part of the rows.
    ///
    /// # Panics
    ///
    /// If the rows are full.
    #[inline(always)]
    pub fn split_next(&mut self) -> (Written<'_, T>, &mut [T]) {
        assert!(self.filled < self.room, "rows full");
        let (played, rest) = self.items.split_at_mut(self.filled * self.rows);
        let written = Written {
            played,
            rows: self.rows,
            filled: self.filled,
        };
        (written, &mut rest[..self.rows])
    }

    /// The entries of the last round so far, in row order; none before the first.
    #[inline]
    pub fn last_round(&self) -> &[T] {
        match self.filled {
            0 => &[],
            filled => &self.items[(filled - 1) * self.rows..filled * self.rows],
        }
    }

    /// Entries per row so far.
    #[inline]
    pub fn filled(&self) -> usize {
        self.filled
    }

    /// Every round so far, in order: entry `i` of every row, in row order, for each
    /// `i` below [`filled`](Rows::filled).
    #[inline]
    pub fn rounds(&self) -> std::slice::ChunksExact<'_, T> {
        // With no rows there is no entry, and no round to give.
        self.played().chunks_exact(self.rows.max(1))
    }

    /// The entries of the rounds so far, round after round.
    #[inline(always)]
    fn played(&self) -> &[T] {
        &self.items[..self.filled * self.rows]
    }

    /// Every row, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Row<'_, T>> + '_ {
        (0..self.len()).map(|row| self.row(row))
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
        assert!(self.filled < self.room, "rows full");
        assert!(row < self.rows, "no row {row} of {}", self.rows);
        &mut self.items[self.filled * self.rows + row]
    }

    /// The entry just past the end of `row`, as [`next_mut`](Rows::next_mut) last wrote
    /// it.
    #[inline]
    pub fn next(&self, row: usize) -> &T {
        assert!(self.filled < self.room, "rows full");
        assert!(row < self.rows, "no row {row} of {}", self.rows);
        &self.items[self.filled * self.rows + row]
    }

    /// Adds an entry to every row at once, `entry(row)` in row order: what
    /// [`next_mut`](Rows::next_mut) on each row and then [`advance`](Rows::advance) do,
    /// in one pass.
    ///
    /// # Panics
    ///
    /// If the rows are full.
    #[inline(always)]
    pub fn push_round(&mut self, mut entry: impl FnMut(usize) -> T) {
        let (_, next) = self.split_next();
        for (row, item) in next.iter_mut().enumerate() {
            *item = entry(row);
        }
        self.filled += 1;
    }

    /// Adds `round`, one entry per row in row order, to the rows.
    ///
    /// # Panics
    ///
    /// If the rows are full, or there are not `N` rows.
    #[inline(always)]
    pub fn push_all<const N: usize>(&mut self, round: [T; N]) {
        let (_, next) = self.split_next();
        next.copy_from_slice(&round);
        self.filled += 1;
    }

    /// The entries of every round not yet written, round after round, one per row in
    /// row order, to write; [`advance_by`](Rows::advance_by) then makes the first of
    /// them part of the rows. Written this way, a loop over rounds checks the room
    /// once, not once a round.
    ///
    /// # Panics
    ///
    /// If there are not `N` rows.
    #[inline]
    pub fn room_mut<const N: usize>(&mut self) -> &mut [[T; N]] {
        assert_eq!(self.rows, N, "{N} rows");
        self.items[self.filled * N..].as_chunks_mut().0
    }

    /// Makes the first `rounds` rounds of [`room_mut`](Rows::room_mut) part of the
    /// rows.
    ///
    /// # Panics
    ///
    /// If there is not room for them.
    #[inline]
    pub fn advance_by(&mut self, rounds: usize) {
        assert!(self.filled + rounds <= self.room, "rows full");
        self.filled += rounds;
    }

    /// Makes the entries written past every row's end ([`next_mut`](Rows::next_mut),
    /// [`split_next`](Rows::split_next)) part of the rows: every row grows by one.
    ///
    /// # Panics
    ///
    /// If the rows are full.
    #[inline]
    pub fn advance(&mut self) {
        assert!(self.filled < self.room, "rows full");
        self.filled += 1;
    }

    /// Repeats each row's last entry until the rows are full (nothing while they are
    /// empty).
    pub fn hold_last(&mut self) {
        if self.filled == 0 {
            return;
        }
        let last = (self.filled - 1) * self.rows;
        for round in self.filled..self.room {
            self.items
                .copy_within(last..last + self.rows, round * self.rows);
        }
        self.filled = self.room;
    }
}

/// Rows are equal when they hold the same rows, whatever room they have.
impl<T: Copy + PartialEq> PartialEq for Rows<T> {
    fn eq(&self, other: &Rows<T>) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

/// The rounds of [`Rows`] written so far, read while the next round is written
/// ([`Rows::split_next`]).
#[derive(Debug)]
pub struct Written<'a, T> {
    /// The entries of the rounds so far, round after round.
    played: &'a [T],
    /// The number of rows.
    rows: usize,
    /// Entries per row so far.
    filled: usize,
}

impl<T> Clone for Written<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Written<'_, T> {}

impl<'a, T> Written<'a, T> {
    /// Row `row`, oldest entry first.
    ///
    /// # Panics
    ///
    /// If there is no such row.
    #[inline(always)]
    pub fn row(&self, row: usize) -> Row<'a, T> {
        assert!(row < self.rows, "no row {row} of {}", self.rows);
        // From the row's first entry to the end of the rounds so far: its last entry,
        // then the other rows' of that round.
        Row {
            items: self.played.get(row..).unwrap_or_default(),
            step: self.rows,
            len: self.filled,
        }
    }
}

/// One row of [`Rows`], or any slice: entries in order, each `step` places after the
/// one before it in the block that holds them. Read it like a slice: by index, with
/// [`iter`](Row::iter), [`last`](Row::last), [`to_vec`](Row::to_vec).
pub struct Row<'a, T> {
    /// From the row's first entry to at most `step - 1` places past its last, taken or
    /// not: its entries are at `0, step, 2 × step, …` in it, and no other entry is.
    /// Empty for an empty row.
    items: &'a [T],
    /// Places from one entry to the next: 1 for a slice.
    step: usize,
    /// The number of entries: kept, as working it out from `items` takes a division.
    len: usize,
}

impl<T> Clone for Row<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Row<'_, T> {}

impl<'a, T> Row<'a, T> {
    /// The entries of `slice`, in order.
    #[inline]
    pub const fn of(slice: &'a [T]) -> Row<'a, T> {
        Row {
            items: slice,
            step: 1,
            len: slice.len(),
        }
    }

    /// The number of entries.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no entries.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Entry `i`, if the row is longer than `i`.
    #[inline(always)]
    pub fn get(&self, i: usize) -> Option<&'a T> {
        // Below `len`, `i × step` lies within `items` and cannot overflow.
        match i < self.len {
            true => Some(&self.items[i * self.step]),
            false => None,
        }
    }

    /// Entry `i`, borrowed for as long as the block that holds it.
    ///
    /// # Panics
    ///
    /// If the row is not longer than `i`.
    #[inline]
    pub fn at(&self, i: usize) -> &'a T {
        match self.get(i) {
            Some(entry) => entry,
            None => panic!("entry {i} of a row of {}", self.len()),
        }
    }

    /// The first entry, if any.
    #[inline]
    pub fn first(&self) -> Option<&'a T> {
        self.items.first()
    }

    /// The last entry, if any.
    #[inline(always)]
    pub fn last(&self) -> Option<&'a T> {
        // Of an empty row, `(0 - 1) × step` wraps to 2⁶⁴ - step: past any block.
        let last = self.len.wrapping_sub(1).wrapping_mul(self.step);
        self.items.get(last)
    }

    /// The entries in order.
    #[inline]
    pub fn iter(&self) -> std::iter::StepBy<std::slice::Iter<'a, T>> {
        self.items.iter().step_by(self.step)
    }

    /// The first `n` entries (all of them, if there are no more).
    #[inline]
    pub fn first_n(&self, n: usize) -> Row<'a, T> {
        let len = n.min(self.len);
        let end = match len {
            0 => 0,
            len => (len - 1) * self.step + 1,
        };
        Row {
            items: &self.items[..end],
            len,
            ..*self
        }
    }

    /// The entries after the first `n` (none, if there are no more).
    #[inline]
    pub fn skip(&self, n: usize) -> Row<'a, T> {
        let skipped = n.min(self.len);
        let start = (skipped * self.step).min(self.items.len());
        Row {
            items: &self.items[start..],
            len: self.len - skipped,
            ..*self
        }
    }

    /// The entries, copied in order.
    pub fn to_vec(&self) -> Vec<T>
    where
        T: Clone,
    {
        self.iter().cloned().collect()
    }
}

impl<'a, T> IntoIterator for Row<'a, T> {
    type Item = &'a T;
    type IntoIter = std::iter::StepBy<std::slice::Iter<'a, T>>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T> Index<usize> for Row<'_, T> {
    type Output = T;

    /// Entry `i`.
    #[inline]
    fn index(&self, i: usize) -> &T {
        self.at(i)
    }
}

impl<'a, T> From<&'a [T]> for Row<'a, T> {
    fn from(slice: &'a [T]) -> Row<'a, T> {
        Row::of(slice)
    }
}

impl<T: PartialEq> PartialEq for Row<'_, T> {
    fn eq(&self, other: &Row<'_, T>) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: PartialEq> PartialEq<[T]> for Row<'_, T> {
    fn eq(&self, other: &[T]) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: PartialEq> PartialEq<&[T]> for Row<'_, T> {
    fn eq(&self, other: &&[T]) -> bool {
        *self == **other
    }
}

impl<T: PartialEq, const N: usize> PartialEq<[T; N]> for Row<'_, T> {
    fn eq(&self, other: &[T; N]) -> bool {
        *self == other[..]
    }
}

impl<T: fmt::Debug> fmt::Debug for Row<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_grows_by_one_entry_a_round() {
        let mut rows = Rows::new(3, 4, 0u8);
        assert_eq!((rows.len(), rows.row(0).len()), (3, 0));
        for round in 1..=2 {
            for r in 0..3 {
                *rows.next_mut(r) = 10 * round + r as u8;
            }
            // Written but not yet part of the rows.
            assert_eq!(rows.row(1).len(), round as usize - 1);
            rows.advance();
        }
        assert_eq!(
            rows.iter().map(|r| r.to_vec()).collect::<Vec<_>>(),
            [[10, 20], [11, 21], [12, 22]]
        );
        rows.push_round(|r| 30 + r as u8);
        assert_eq!(rows.row(1), [11, 21, 31]);
        assert_eq!(rows.filled(), 3);
        assert!(
            rows.rounds()
                .eq([&[10, 11, 12], &[20, 21, 22], &[30, 31, 32]])
        );
        assert_eq!(Rows::<u8>::new(0, 3, 0).rounds().count(), 0);
        rows.hold_last();
        assert_eq!(rows.row(2), [12, 22, 32, 32]);
        assert_eq!(rows.row(0), [10, 20, 30, 30]);
        rows.clear();
        assert!(rows.iter().all(|r| r.is_empty()));
        assert_eq!(rows.len(), 3);
    }

    #[test]
    fn rounds_written_into_the_room_join_the_rows_as_they_are_advanced() {
        let mut rows = Rows::new(2, 4, 0u8);
        rows.push_all([1, 2]);
        let room = rows.room_mut::<2>();
        assert_eq!(room.len(), 3, "the rounds not yet written");
        room[0] = [3, 4];
        room[1] = [5, 6];
        room[2] = [7, 8];
        rows.advance_by(2);
        assert_eq!(rows.row(0), [1, 3, 5]);
        assert_eq!(rows.row(1), [2, 4, 6]);
        assert_eq!(rows.room_mut::<2>(), [[7, 8]]);
        rows.advance_by(1);
        assert!(rows.room_mut::<2>().is_empty());
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
    fn a_row_reads_like_the_slice_of_its_entries() {
        let rows = Rows::from_rows(&[[1u8, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]);
        for (d, slice) in [[1u8, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]
            .iter()
            .enumerate()
        {
            for row in [rows.row(d), Row::of(slice)] {
                assert_eq!(row.len(), 4);
                assert_eq!(row.to_vec(), slice);
                assert_eq!(row.iter().rev().copied().collect::<Vec<_>>(), {
                    let mut v = slice.to_vec();
                    v.reverse();
                    v
                });
                assert_eq!((row.first(), row.last()), (slice.first(), slice.last()));
                assert_eq!(
                    (row[2], row.get(3), row.get(4)),
                    (slice[2], slice.get(3), None)
                );
                for n in 0..=5 {
                    assert_eq!(row.first_n(n), slice[..n.min(4)]);
                    assert_eq!(row.skip(n), slice[n.min(4)..]);
                    assert_eq!(row.skip(n).len() + row.first_n(n).len(), 4);
                }
            }
        }
        assert!(Rows::<u8>::new(2, 3, 0).row(1).is_empty());
    }

    #[test]
    fn the_next_round_is_written_while_the_rounds_so_far_are_read() {
        let mut rows = Rows::new(3, 3, 0u8);
        assert_eq!(rows.last_round(), &[] as &[u8]);
        for round in 1..=3u8 {
            let (written, next) = rows.split_next();
            assert_eq!(next.len(), 3);
            for (d, entry) in next.iter_mut().enumerate() {
                // Each row's next entry: its last one plus ten, and the row's number.
                let last = written.row(d).last().copied().unwrap_or(0);
                *entry = last / 10 * 10 + 10 + d as u8;
            }
            // Written entries are not part of the rows before the rows advance.
            assert_eq!(rows.row(2).len(), usize::from(round - 1));
            rows.advance();
            assert_eq!(
                rows.last_round(),
                &[round * 10, round * 10 + 1, round * 10 + 2]
            );
        }
        assert_eq!(rows.row(1), [11u8, 21, 31]);
        assert_eq!(rows.written().row(2), rows.row(2));
    }

    #[test]
    #[should_panic(expected = "rows full")]
    fn there_is_no_next_round_to_write_in_full_rows() {
        let mut rows = Rows::new(2, 1, 0u8);
        rows.push_round(|d| d as u8);
        rows.split_next();
    }

    #[test]
    #[should_panic(expected = "no row 2 of 2")]
    fn there_is_no_entry_to_write_past_the_last_row() {
        // Past the last row lies the next round's first entry: writing it is refused.
        let mut rows = Rows::new(2, 3, 0u8);
        *rows.next_mut(2) = 1;
    }

    #[test]
    #[should_panic(expected = "rows full")]
    fn rows_hold_no_more_than_their_room() {
        let mut rows = Rows::new(1, 1, 0u8);
        rows.advance();
        rows.advance();
    }

    #[test]
    #[should_panic(expected = "entry 2 of a row of 2")]
    fn a_row_has_no_entry_past_its_end() {
        let rows = Rows::from_rows(&[[1u8, 2], [3, 4]]);
        let _ = rows.row(0)[2];
    }

    #[test]
    #[should_panic(expected = "unequal lengths")]
    fn rows_made_from_rows_of_unequal_lengths_are_refused() {
        Rows::from_rows(&[vec![0u8], vec![]]);
    }
}
