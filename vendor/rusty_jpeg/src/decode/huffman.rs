use crate::decode::error::{Error, Result};
use crate::decode::marker::Marker;
use crate::decode::parser::ScanInfo;
use crate::decode::Source;
use alloc::borrow::ToOwned;
use alloc::vec;
use alloc::vec::Vec;

/// Width of the first-level lookup. 9 bits, not the 8 jpeg-decoder used:
/// measured against 8, both 9 and 10 took the dense photos 3-6% faster
/// (more AC codes resolve in one lookup together with their value) and were
/// neutral on sparse 1080p video frames; 9 keeps the two tables at 1.5 KB.
const LUT_BITS: u8 = 9;

/// Bytes that must be buffered for [`HuffmanDecoder::decode_block_fast`]:
/// a block is at most 27 + 63 × 26 bits (208 bytes), twice that if every
/// byte were a stuffed 0xFF, plus the 8 a refill looks at.
const FAST_MIN_BYTES: usize = 512;

/// The run `decode_fast_ac` reports for an end-of-block code. A real entry's
/// run is at most 15, so this cannot collide with one.
pub const AC_EOB: u8 = 0xFF;
/// The `run_size` marking an EOB entry in `ac_lut`. Real entries pack
/// `run << 4 | (code size + magnitude)` with the size at most 8, so their low
/// nibble never reaches 0xF.
const AC_LUT_EOB: u8 = 0xFF;

#[derive(Debug)]
pub struct HuffmanDecoder {
    bits: u64,
    num_bits: u8,
    marker: Option<Marker>,
    /// Bits put into `bits` since the last reset: all of them, and those
    /// that came from the data (the rest are the zeros that stand in for
    /// data after a marker). Counted only on refills, so the symbol path
    /// pays nothing; [`overran`](Self::overran) compares them.
    loaded: u64,
    loaded_data: u64,
    /// A run of coefficients went past the end of a block, which valid
    /// data never does: set by the block decoder, read and cleared by a
    /// tolerant scan to tell where damage began.
    pub past_block_end: bool,
}

impl HuffmanDecoder {
    pub fn new() -> HuffmanDecoder {
        HuffmanDecoder {
            bits: 0,
            num_bits: 0,
            marker: None,
            loaded: 0,
            loaded_data: 0,
            past_block_end: false,
        }
    }

    /// Whether decoding has used bits that were not in the data: the
    /// entropy-coded segment ended (a marker, or the end of the file)
    /// before the symbols did. libjpeg's "premature end of data segment".
    pub fn overran(&self) -> bool {
        self.marker.is_some() && self.loaded - u64::from(self.num_bits) > self.loaded_data
    }

    /// Drops what is buffered and skips the data up to the next marker,
    /// which it returns; `None` when the data ends first. How a decoder
    /// resynchronises after damaged data (libjpeg's `next_marker`).
    pub fn skip_to_marker<R: Source>(
        &mut self,
        reader: &mut crate::decode::Buffered<R>,
    ) -> Result<Option<Marker>> {
        self.reset();
        if let Some(marker) = self.marker.take() {
            return Ok(Some(marker));
        }
        let next = |reader: &mut crate::decode::Buffered<R>| match reader.next_byte() {
            Ok(byte) => Ok(Some(byte)),
            Err(Error::UnexpectedEof) => Ok(None),
            Err(e) => Err(e),
        };
        while let Some(byte) = next(reader)? {
            if byte != 0xFF {
                continue;
            }
            let mut following = next(reader)?;
            while following == Some(0xFF) {
                following = next(reader)?;
            }
            match following {
                None => return Ok(None),
                Some(0x00) => continue, // a stuffed 0xFF data byte
                Some(code) => return Ok(Marker::from_u8(code)),
            }
        }
        Ok(None)
    }

    /// Decodes one whole baseline block (the DC difference and all 63 AC
    /// coefficients) with the bit buffer in registers, the way libjpeg's
    /// `decode_mcu_fast` does: taken only when at least [`FAST_MIN_BYTES`]
    /// are buffered, more than any block can use, so refills never meet
    /// the buffer's end. Anything unusual -- a marker, a code longer than
    /// the lookup and not in the table, a run past the block -- gives
    /// `None` with the decoder and `coefficients` untouched, and the caller
    /// decodes the block again on the careful path, which reports or
    /// tolerates it exactly as before. `Some(wrote_ac)` as `decode_block`.
    #[inline(always)]
    pub fn decode_block_fast<R: Source>(
        &mut self,
        reader: &mut crate::decode::Buffered<R>,
        dc: &HuffmanTable,
        ac: &HuffmanTable,
        coefficients: &mut [i16; 64],
        dc_predictor: &mut i16,
    ) -> Option<bool> {
        if self.marker.is_some() {
            return None;
        }
        let buf = reader.buffered();
        if buf.len() < FAST_MIN_BYTES {
            return None;
        }
        let (mut bits, mut n, mut pos) = (self.bits, u32::from(self.num_bits), 0usize);
        // Data bytes put into `bits` (stuffing zeros are not data).
        let mut loaded = 0u64;

        // Refills exactly where the careful path does (below 9 bits for a
        // lookup, 16 for a long code, the magnitude's size for its bits) and
        // as far (57 to 64 bits), so the two never differ in what is
        // buffered at any symbol -- nor, in damaged or cut-off data, in
        // which block the data runs out.
        macro_rules! refill {
            ($below:expr) => {
                if n < u32::from($below) {
                    if let Some((more, take)) = whole_bytes(buf.get(pos..)?, n) {
                        bits |= more;
                        n += take * 8;
                        pos += take as usize;
                        loaded += u64::from(take);
                    } else {
                        while n <= 56 {
                            let byte = *buf.get(pos)?;
                            if byte == 0xFF {
                                if *buf.get(pos + 1)? != 0 {
                                    return None; // a marker: the careful path's
                                }
                                pos += 2;
                            } else {
                                pos += 1;
                            }
                            bits |= u64::from(byte) << (56 - n);
                            n += 8;
                            loaded += 1;
                        }
                    }
                }
            };
        }
        macro_rules! consume {
            ($count:expr) => {{
                let count = u32::from($count);
                bits <<= count;
                n -= count;
            }};
        }
        // A symbol whose code is longer than the lookup (F.16).
        macro_rules! long_symbol {
            ($table:expr) => {{
                let table: &HuffmanTable = $table;
                refill!(16u8);
                let (value, size) = table.lut[(bits >> (64 - LUT_BITS)) as usize];
                if size > 0 {
                    consume!(size);
                    value
                } else {
                    let peek = (bits >> 48) as i32;
                    let mut found = None;
                    for i in LUT_BITS..16 {
                        let code = peek >> (15 - i);
                        if code <= table.maxcode[i as usize] {
                            consume!(i + 1);
                            found = table
                                .values
                                .get((code + table.delta[i as usize]) as usize)
                                .copied();
                            break;
                        }
                    }
                    found?
                }
            }};
        }
        macro_rules! receive_extend {
            ($count:expr) => {{
                let count = u32::from($count);
                refill!(count);
                let value = (bits >> (64 - count)) as u16;
                consume!(count);
                extend(value, count as u8)
            }};
        }

        let mut block = [0i16; 64];
        refill!(LUT_BITS);
        let (diff, size) = dc.ac_lut[(bits >> (64 - LUT_BITS)) as usize];
        let diff = if size > 0 {
            consume!(size);
            diff
        } else {
            match long_symbol!(dc) {
                0 => 0,
                category @ 1..=11 => receive_extend!(category),
                _ => return None,
            }
        };
        let predictor = dc_predictor.wrapping_add(diff);
        block[0] = predictor;

        let zigzag = &crate::decode::decoder::UNZIGZAG;
        let mut wrote_ac = false;
        let mut k = 1usize;
        while k < 64 {
            refill!(LUT_BITS);
            let (value, run_size) = ac.ac_lut[(bits >> (64 - LUT_BITS)) as usize];
            let value = if run_size == AC_LUT_EOB {
                consume!(value as u8);
                break;
            } else if run_size != 0 {
                consume!(run_size & 0x0f);
                k += usize::from(run_size >> 4);
                value
            } else {
                let symbol = long_symbol!(ac);
                let (run, size) = (symbol >> 4, symbol & 0x0f);
                if size == 0 {
                    match run {
                        0 => break,
                        15 => {
                            k += 16;
                            continue;
                        }
                        _ => return None, // an EOB run: progressive only
                    }
                }
                k += usize::from(run);
                receive_extend!(size)
            };
            if k >= 64 {
                return None; // past the block: the careful path marks it
            }
            block[usize::from(zigzag[k])] = value;
            wrote_ac = true;
            k += 1;
        }

        *coefficients = block;
        *dc_predictor = predictor;
        self.bits = bits;
        self.num_bits = n as u8;
        self.loaded += 8 * loaded;
        self.loaded_data += 8 * loaded;
        reader.consume(pos);
        Some(wrote_ac)
    }

    /// Keeps `marker` as the one the data ended at: what follows decodes as
    /// zeros until it is taken. libjpeg's way of leaving a marker for the
    /// next restart when intervals were lost before it.
    pub fn keep_marker(&mut self, marker: Marker) {
        self.marker = Some(marker);
    }

    // Section F.2.2.3
    // Figure F.16
    pub fn decode<R: Source>(
        &mut self,
        reader: &mut crate::decode::Buffered<R>,
        table: &HuffmanTable,
    ) -> Result<u8> {
        crate::prof::bump(crate::prof::Count::DecSymbols, 1);
        if self.num_bits < 16 {
            self.refill(reader)?;
        }

        let (value, size) = table.lut[self.peek_bits(LUT_BITS) as usize & ((1 << LUT_BITS) - 1)];

        if size > 0 {
            crate::prof::bump(crate::prof::Count::DecLutHit, 1);
            self.consume_bits(size);
            Ok(value)
        } else {
            crate::prof::bump(crate::prof::Count::DecLutMiss, 1);
            let bits = self.peek_bits(16);

            for i in LUT_BITS..16 {
                let code = (bits >> (15 - i)) as i32;

                if code <= table.maxcode[i as usize] {
                    self.consume_bits(i + 1);

                    let index = (code + table.delta[i as usize]) as usize;
                    return Ok(table.values[index]);
                }
            }

            Err(Error::Format("failed to decode huffman code".to_owned()))
        }
    }

    #[inline(always)]
    pub fn decode_fast_ac<R: Source>(
        &mut self,
        reader: &mut crate::decode::Buffered<R>,
        table: &HuffmanTable,
    ) -> Result<Option<(i16, u8)>> {
        if self.num_bits < LUT_BITS {
            self.refill(reader)?;
        }

        let (value, run_size) =
            table.ac_lut[self.peek_bits(LUT_BITS) as usize & ((1 << LUT_BITS) - 1)];

        if run_size == AC_LUT_EOB {
            // End of block: every block that does not fill all 63 AC
            // positions ends with one, and it used to miss this table and pay
            // a second lookup through `decode` (one per block -- 49k on a
            // 1080p frame).
            crate::prof::bump(crate::prof::Count::DecFastAcHit, 1);
            self.consume_bits(value as u8);
            return Ok(Some((0, AC_EOB)));
        }

        if run_size != 0 {
            crate::prof::bump(crate::prof::Count::DecFastAcHit, 1);
            let run = run_size >> 4;
            let size = run_size & 0x0f;

            self.consume_bits(size);
            return Ok(Some((value, run)));
        }

        crate::prof::bump(crate::prof::Count::DecFastAcMiss, 1);
        Ok(None)
    }

    /// A DC difference in one lookup: the symbol and its magnitude bits
    /// together, already extended (see `HuffmanTable::ac_lut`). `None` when
    /// they do not fit the table; the caller then takes `decode` +
    /// `receive_extend`, which read exactly the same bits.
    #[inline]
    pub fn decode_fast_dc<R: Source>(
        &mut self,
        reader: &mut crate::decode::Buffered<R>,
        table: &HuffmanTable,
    ) -> Result<Option<i16>> {
        if self.num_bits < LUT_BITS {
            self.refill(reader)?;
        }
        let (diff, size) = table.ac_lut[self.peek_bits(LUT_BITS) as usize & ((1 << LUT_BITS) - 1)];
        if size == 0 {
            return Ok(None);
        }
        crate::prof::bump(crate::prof::Count::DecSymbols, 1);
        self.consume_bits(size);
        Ok(Some(diff))
    }

    #[inline]
    pub fn get_bits<R: Source>(
        &mut self,
        reader: &mut crate::decode::Buffered<R>,
        count: u8,
    ) -> Result<u16> {
        if self.num_bits < count {
            self.refill(reader)?;
        }

        let bits = self.peek_bits(count);
        self.consume_bits(count);

        Ok(bits)
    }

    #[inline]
    pub fn receive_extend<R: Source>(
        &mut self,
        reader: &mut crate::decode::Buffered<R>,
        count: u8,
    ) -> Result<i16> {
        crate::prof::bump(crate::prof::Count::DecReceiveExtend, 1);
        let value = self.get_bits(reader, count)?;
        Ok(extend(value, count))
    }

    pub fn reset(&mut self) {
        self.bits = 0;
        self.num_bits = 0;
        self.loaded = 0;
        self.loaded_data = 0;
    }

    pub fn take_marker<R: Source>(
        &mut self,
        reader: &mut crate::decode::Buffered<R>,
    ) -> Result<Option<Marker>> {
        self.read_bits(reader).map(|_| self.marker.take())
    }

    #[inline]
    fn peek_bits(&mut self, count: u8) -> u16 {
        debug_assert!(count <= 16);
        debug_assert!(self.num_bits >= count);

        ((self.bits >> (64 - count)) & ((1 << count) - 1)) as u16
    }

    #[inline]
    fn consume_bits(&mut self, count: u8) {
        debug_assert!(self.num_bits >= count);

        self.bits <<= count as usize;
        self.num_bits -= count;
    }

    /// Tops the bit buffer up. The common case, eight bytes buffered and
    /// none of those that fit an 0xFF, is one load, a word-wide 0xFF test
    /// and a shift, inlined into the symbol paths; an 0xFF (stuffing or a
    /// marker), a marker already met or the buffer's end take the byte
    /// loop of [`read_bits`](Self::read_bits).
    #[inline(always)]
    fn refill<R: Source>(&mut self, reader: &mut crate::decode::Buffered<R>) -> Result<()> {
        if self.marker.is_none() {
            if let Some((more, take)) = whole_bytes(reader.buffered(), u32::from(self.num_bits)) {
                crate::prof::bump(crate::prof::Count::DecBulkRefills, 1);
                self.bits |= more;
                self.num_bits += (take * 8) as u8;
                self.loaded += u64::from(take * 8);
                self.loaded_data += u64::from(take * 8);
                reader.consume(take as usize);
                return Ok(());
            }
        }
        self.read_bits(reader)
    }

    /// Fills the bit buffer a byte at a time, unstuffing 0xFF 00 and
    /// stopping at a marker (after which zeros stand in for data).
    #[cold]
    #[inline(never)]
    fn read_bits<R: Source>(&mut self, reader: &mut crate::decode::Buffered<R>) -> Result<()> {
        crate::prof::bump(crate::prof::Count::DecRefills, 1);

        while self.num_bits <= 56 {
            crate::prof::bump(crate::prof::Count::DecBytesRead, 1);
            // Fill with zero bits if we have reached the end.
            let byte = match self.marker {
                Some(_) => 0,
                None => reader.next_byte()?,
            };

            if byte == 0xFF {
                let mut next_byte = reader.next_byte()?;

                // Check for byte stuffing.
                if next_byte != 0x00 {
                    // We seem to have reached the end of entropy-coded data and encountered a
                    // marker. Since we can't put data back into the reader, we have to continue
                    // reading to identify the marker so we can pass it on.

                    // Section B.1.1.2
                    // "Any marker may optionally be preceded by any number of fill bytes, which are bytes assigned code X’FF’."
                    while next_byte == 0xFF {
                        next_byte = reader.next_byte()?;
                    }

                    match next_byte {
                        0x00 => {
                            return Err(Error::Format(
                                "FF 00 found where marker was expected".to_owned(),
                            ))
                        }
                        _ => self.marker = Some(Marker::from_u8(next_byte).unwrap()),
                    }

                    continue;
                }
            }

            self.bits |= (byte as u64) << (56 - self.num_bits);
            self.num_bits += 8;
            self.loaded += 8;
            if self.marker.is_none() {
                self.loaded_data += 8;
            }
        }

        Ok(())
    }
}

/// The common case of a refill, for a bit buffer holding `held` bits: the
/// whole bytes that fit, taken from the next eight of `data`, placed below
/// the held bits, and how many they are. `None` when fewer than eight bytes
/// are there, none fit, or one of those that fit is 0xFF (stuffing or a
/// marker): the byte loops' work.
#[inline(always)]
fn whole_bytes(data: &[u8], held: u32) -> Option<(u64, u32)> {
    let word = u64::from_be_bytes(*data.first_chunk::<8>()?);
    let take = (64 - held) / 8;
    let taken = !(u64::MAX.checked_shr(take * 8).unwrap_or(0));
    // A byte is 0xFF exactly where `!word` has a zero byte; the bytes not
    // taken are forced non-zero. The classic zero-byte test can only err
    // towards a false alarm, which takes the byte loop: never a wrong result.
    let v = !word | !taken;
    let has_ff = v.wrapping_sub(0x0101_0101_0101_0101) & !v & 0x8080_8080_8080_8080;
    (has_ff == 0 && take > 0).then(|| ((word & taken) >> held, take))
}

// Section F.2.2.1
// Figure F.12
fn extend(value: u16, count: u8) -> i16 {
    let vt = 1 << (count as u16 - 1);

    if value < vt {
        value as i16 + (-1 << count as i16) + 1
    } else {
        value as i16
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum HuffmanTableClass {
    DC,
    AC,
}

pub struct HuffmanTable {
    values: Vec<u8>,
    delta: [i32; 16],
    maxcode: [i32; 16],

    lut: [(u8, u8); 1 << LUT_BITS],
    /// Combined run/value decoding of the SAME bit window as `lut`. Kept as a
    /// separate small array on purpose: folding both into one 8-byte-padded
    /// entry removed a redundant peek but quadrupled the primary table to 2 KB,
    /// and measured 1703 -> 1969 ms. The redundancy was worth less than the
    /// cache footprint.
    ///
    /// A DC table fills it the same way with run 0: the DC difference already
    /// extended, so `decode_fast_dc` replaces a symbol decode plus a separate
    /// `receive_extend` (refill check, read, extend) with one lookup whenever
    /// the code and its magnitude bits fit.
    ac_lut: [(i16, u8); 1 << LUT_BITS],
}

impl HuffmanTable {
    pub fn new(bits: &[u8; 16], values: &[u8], class: HuffmanTableClass) -> Result<HuffmanTable> {
        let (huffcode, huffsize) = derive_huffman_codes(bits)?;

        // Section F.2.2.3
        // Figure F.15
        // delta[i] is set to VALPTR(I) - MINCODE(I)
        let mut delta = [0i32; 16];
        let mut maxcode = [-1i32; 16];
        let mut j = 0;

        for i in 0..16 {
            if bits[i] != 0 {
                delta[i] = j as i32 - huffcode[j] as i32;
                j += bits[i] as usize;
                maxcode[i] = huffcode[j - 1] as i32;
            }
        }

        // Build a lookup table for faster decoding.
        let mut lut = [(0u8, 0u8); 1 << LUT_BITS];

        for (i, &size) in huffsize
            .iter()
            .enumerate()
            .filter(|&(_, &size)| size <= LUT_BITS)
        {
            let bits_remaining = LUT_BITS - size;
            let start = (huffcode[i] << bits_remaining) as usize;

            let val = (values[i], size);
            for b in &mut lut[start..][..1 << bits_remaining] {
                *b = val;
            }
        }

        // Build a lookup table for small AC coefficients which both decodes the value and does the
        // equivalent of receive_extend.
        let mut ac_lut = [(0i16, 0u8); 1 << LUT_BITS];
        if matches!(class, HuffmanTableClass::DC) {
            for (i, &(value, size)) in lut.iter().enumerate() {
                // `size > 0`: a real code (an empty slot also reads value 0).
                // Categories above 11 are invalid and stay on the slow path,
                // which reports them.
                if size > 0 && value <= 11 && size + value <= LUT_BITS {
                    let diff = if value == 0 {
                        0
                    } else {
                        let bits =
                            (((i << size) & ((1 << LUT_BITS) - 1)) >> (LUT_BITS - value)) as u16;
                        extend(bits, value)
                    };
                    ac_lut[i] = (diff, size + value);
                }
            }
        }
        if matches!(class, HuffmanTableClass::AC) {
            for (i, &(value, size)) in lut.iter().enumerate() {
                let run_length = value >> 4;
                let magnitude_category = value & 0x0f;

                // EOB (0x00): store the code size to consume. `size > 0`
                // distinguishes a real code from an empty slot, which also
                // reads value 0.
                if value == 0x00 && size > 0 {
                    ac_lut[i] = (size as i16, AC_LUT_EOB);
                    continue;
                }

                if magnitude_category > 0 && size + magnitude_category <= LUT_BITS {
                    let unextended_ac_value = (((i << size) & ((1 << LUT_BITS) - 1))
                        >> (LUT_BITS - magnitude_category))
                        as u16;
                    ac_lut[i] = (
                        extend(unextended_ac_value, magnitude_category),
                        (run_length << 4) | (size + magnitude_category),
                    );
                }
            }
        }

        Ok(HuffmanTable {
            values: values.to_vec(),
            delta,
            maxcode,
            lut,
            ac_lut,
        })
    }
}

// Section C.2
fn derive_huffman_codes(bits: &[u8; 16]) -> Result<(Vec<u16>, Vec<u8>)> {
    // Figure C.1
    let huffsize = bits
        .iter()
        .enumerate()
        .fold(Vec::new(), |mut acc, (i, &value)| {
            acc.extend(core::iter::repeat_n((i + 1) as u8, value as usize));
            acc
        });

    // Figure C.2
    let mut huffcode = vec![0u16; huffsize.len()];
    let mut code_size = huffsize[0];
    let mut code = 0u32;

    for (i, &size) in huffsize.iter().enumerate() {
        while code_size < size {
            code <<= 1;
            code_size += 1;
        }

        if code >= (1u32 << size) {
            return Err(Error::Format("bad huffman code length".to_owned()));
        }

        huffcode[i] = code as u16;
        code += 1;
    }

    Ok((huffcode, huffsize))
}

// https://www.loc.gov/preservation/digital/formats/fdd/fdd000063.shtml
// "Avery Lee, writing in the rec.video.desktop newsgroup in 2001, commented that "MJPEG, or at
//  least the MJPEG in AVIs having the MJPG fourcc, is restricted JPEG with a fixed -- and
//  *omitted* -- Huffman table. The JPEG must be YCbCr colorspace, it must be 4:2:2, and it must
//  use basic Huffman encoding, not arithmetic or progressive.... You can indeed extract the
//  MJPEG frames and decode them with a regular JPEG decoder, but you have to prepend the DHT
//  segment to them, or else the decoder won't have any idea how to decompress the data.
//  The exact table necessary is given in the OpenDML spec.""
pub fn fill_default_mjpeg_tables(
    scan: &ScanInfo,
    dc_huffman_tables: &mut [Option<HuffmanTable>],
    ac_huffman_tables: &mut [Option<HuffmanTable>],
) {
    // Section K.3.3

    if dc_huffman_tables[0].is_none() && scan.dc_table_indices.contains(&0) {
        // Table K.3
        dc_huffman_tables[0] = Some(
            HuffmanTable::new(
                &[
                    0x00, 0x01, 0x05, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00,
                    0x00, 0x00, 0x00,
                ],
                &[
                    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B,
                ],
                HuffmanTableClass::DC,
            )
            .unwrap(),
        );
    }
    if dc_huffman_tables[1].is_none() && scan.dc_table_indices.contains(&1) {
        // Table K.4
        dc_huffman_tables[1] = Some(
            HuffmanTable::new(
                &[
                    0x00, 0x03, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00,
                    0x00, 0x00, 0x00,
                ],
                &[
                    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B,
                ],
                HuffmanTableClass::DC,
            )
            .unwrap(),
        );
    }
    if ac_huffman_tables[0].is_none() && scan.ac_table_indices.contains(&0) {
        // Table K.5
        ac_huffman_tables[0] = Some(
            HuffmanTable::new(
                &[
                    0x00, 0x02, 0x01, 0x03, 0x03, 0x02, 0x04, 0x03, 0x05, 0x05, 0x04, 0x04, 0x00,
                    0x00, 0x01, 0x7D,
                ],
                &[
                    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13,
                    0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42,
                    0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A,
                    0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x34, 0x35,
                    0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A,
                    0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67,
                    0x68, 0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x83, 0x84,
                    0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98,
                    0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3,
                    0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7,
                    0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1,
                    0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4,
                    0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA,
                ],
                HuffmanTableClass::AC,
            )
            .unwrap(),
        );
    }
    if ac_huffman_tables[1].is_none() && scan.ac_table_indices.contains(&1) {
        // Table K.6
        ac_huffman_tables[1] = Some(
            HuffmanTable::new(
                &[
                    0x00, 0x02, 0x01, 0x02, 0x04, 0x04, 0x03, 0x04, 0x07, 0x05, 0x04, 0x04, 0x00,
                    0x01, 0x02, 0x77,
                ],
                &[
                    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51,
                    0x07, 0x61, 0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xA1, 0xB1,
                    0xC1, 0x09, 0x23, 0x33, 0x52, 0xF0, 0x15, 0x62, 0x72, 0xD1, 0x0A, 0x16, 0x24,
                    0x34, 0xE1, 0x25, 0xF1, 0x17, 0x18, 0x19, 0x1A, 0x26, 0x27, 0x28, 0x29, 0x2A,
                    0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
                    0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66,
                    0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x82,
                    0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96,
                    0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA,
                    0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5,
                    0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9,
                    0xDA, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF2, 0xF3, 0xF4,
                    0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA,
                ],
                HuffmanTableClass::AC,
            )
            .unwrap(),
        );
    }
}
