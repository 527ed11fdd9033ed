//! Where the parts of a long report wait between layout and writing: an
//! anonymous temporary file (removed by the system when it is closed), not
//! memory, since together they grow with the report.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

use super::CompileError;

/// Byte strings kept in a temporary file, read back one at a time.
#[derive(Debug, Default)]
pub struct Spill {
    /// Made on the first [`Spill::push`].
    file: Option<File>,
    /// Offset and length of each piece.
    pieces: Vec<(u64, usize)>,
}

impl Spill {
    /// Appends a piece.
    pub fn push(&mut self, bytes: &[u8]) -> Result<(), CompileError> {
        let error = |source| CompileError::Write {
            path: std::env::temp_dir(),
            source,
        };
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(tempfile::tempfile().map_err(error)?),
        };
        let at = file.seek(SeekFrom::End(0)).map_err(error)?;
        file.write_all(bytes).map_err(error)?;
        self.pieces.push((at, bytes.len()));
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.pieces.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// Piece `i`, read back.
    pub fn get(&self, i: usize) -> io::Result<Vec<u8>> {
        let (Some(mut file), Some(&(at, len))) = (self.file.as_ref(), self.pieces.get(i)) else {
            return Err(io::Error::other(format!("没有第 {} 段", i + 1)));
        };
        let mut bytes = vec![0; len];
        file.seek(SeekFrom::Start(at))?;
        file.read_exact(&mut bytes)?;
        Ok(bytes)
    }

    /// Every piece in order, read back one at a time.
    pub fn iter(&self) -> impl Iterator<Item = io::Result<Vec<u8>>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_come_back_as_they_went_in() {
        let mut spill = Spill::default();
        assert!(spill.is_empty());
        spill.push(b"first").unwrap();
        spill.push(b"").unwrap();
        spill.push(b"third").unwrap();
        let back: Vec<Vec<u8>> = spill.iter().collect::<io::Result<_>>().unwrap();
        assert_eq!(back, [b"first".to_vec(), Vec::new(), b"third".to_vec()]);
        assert!(spill.get(3).is_err());
    }
}
