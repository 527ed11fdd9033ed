//! A minimal, bounded reader for OLE compound files (MS-CFB): enough to pull
//! one stream out by name (the `Workbook` of an .xls) so it can be checked
//! before calamine parses it. Every chain walk is capped by the file size,
//! so loops and bogus sector numbers end the walk instead of the process.

/// The bytes of the stream `name` (top-level directory search by name),
/// at most `max` bytes; `None` if the file is not a readable CFB. The
/// directory, mini FAT and mini stream chains are always walked, whether
/// the stream needs them or not, so a file whose chains loop (calamine would
/// follow such a loop until memory runs out) is never called readable.
pub fn read_stream(bytes: &[u8], name: &str, max: u64) -> Option<Vec<u8>> {
    let cfb = Cfb::parse(bytes)?;
    let dir = cfb.chain_bytes(cfb.first_dir, &cfb.fat, cfb.sector_size, bytes)?;
    let entries: Vec<&[u8]> = dir.chunks_exact(128).collect();
    let root = entries.first()?;
    let wanted: Vec<u16> = name.encode_utf16().collect();
    let entry = entries.iter().find(|e| {
        let len = usize::from(u16::from_le_bytes([e[64], e[65]])).min(64);
        let units: Vec<u16> = e[..len]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|&u| u != 0)
            .collect();
        e[66] == 2 && units == wanted
    })?;
    let start = u32_at(entry, 116)?;
    let size = u64::from(u32_at(entry, 120)?).min(max);
    let mini_stream = cfb.chain_bytes(u32_at(root, 116)?, &cfb.fat, cfb.sector_size, bytes)?;
    let mini_fat = cfb.chain_bytes(cfb.first_mini_fat, &cfb.fat, cfb.sector_size, bytes)?;
    let mut data = if size < u64::from(cfb.mini_cutoff) {
        let mini_fat: Vec<u32> = words(&mini_fat);
        cfb.chain_bytes(start, &mini_fat, 64, &mini_stream_as_file(&mini_stream))?
    } else {
        cfb.chain_bytes(start, &cfb.fat, cfb.sector_size, bytes)?
    };
    data.truncate(size as usize);
    Some(data)
}

/// The mini stream, shifted so mini sector n sits at (n + 1) × 64 like a
/// regular sector, which lets one chain walker serve both.
fn mini_stream_as_file(mini: &[u8]) -> Vec<u8> {
    let mut v = vec![0u8; 64];
    v.extend_from_slice(mini);
    v
}

struct Cfb {
    sector_size: usize,
    fat: Vec<u32>,
    first_dir: u32,
    first_mini_fat: u32,
    mini_cutoff: u32,
}

impl Cfb {
    fn parse(bytes: &[u8]) -> Option<Cfb> {
        if !bytes.starts_with(super::legacy::OLE_MAGIC) || bytes.len() < 512 {
            return None;
        }
        let shift = u16::from_le_bytes([bytes[0x1E], bytes[0x1F]]);
        let sector_size = match shift {
            9 => 512,
            12 => 4096,
            _ => return None,
        };
        let max_sectors = bytes.len() / sector_size + 1;
        // FAT sector numbers: 109 in the header, the rest in the DIFAT chain.
        let mut fat_sectors: Vec<u32> = words(&bytes[0x4C..0x200]);
        let mut difat = u32_at(bytes, 0x44)?;
        let mut hops = 0;
        while difat < 0xFFFF_FFFA && hops < max_sectors {
            let sector = sector(bytes, difat, sector_size)?;
            let w = words(sector);
            fat_sectors.extend_from_slice(&w[..w.len() - 1]);
            difat = *w.last()?;
            hops += 1;
        }
        let mut fat = Vec::new();
        for s in fat_sectors
            .into_iter()
            .filter(|&s| s < 0xFFFF_FFFA)
            .take(max_sectors)
        {
            fat.extend(words(sector(bytes, s, sector_size)?));
        }
        Some(Cfb {
            sector_size,
            fat,
            first_dir: u32_at(bytes, 0x30)?,
            first_mini_fat: u32_at(bytes, 0x3C)?,
            mini_cutoff: u32_at(bytes, 0x38)?,
        })
    }

    /// Concatenates the sectors of a chain, stopping at its end marker or
    /// after as many sectors as the file can hold.
    fn chain_bytes(&self, start: u32, fat: &[u32], size: usize, file: &[u8]) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut next = start;
        let limit = file.len() / size + 1;
        for _ in 0..limit {
            if next >= 0xFFFF_FFFA {
                return Some(out);
            }
            out.extend_from_slice(sector(file, next, size)?);
            next = *fat.get(next as usize)?;
        }
        (next >= 0xFFFF_FFFA).then_some(out)
    }
}

fn sector(bytes: &[u8], n: u32, size: usize) -> Option<&[u8]> {
    let start = (n as usize).checked_add(1)?.checked_mul(size)?;
    bytes.get(start..start.checked_add(size)?)
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn words(bytes: &[u8]) -> Vec<u32> {
    bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}
