//! Whether a message streamed into the store came whole, from its first
//! and last bytes.

/// The first bytes of a message kept while it streams into the store (its
/// header), and the last ones (its end): enough to tell whether it came
/// whole without reading it again.
#[derive(Default)]
pub(super) struct Ends {
    pub head: Vec<u8>,
    pub tail: Vec<u8>,
}

impl Ends {
    const HEAD: usize = 64 * 1024;
    const TAIL: usize = 4 * 1024;

    pub fn push(&mut self, piece: &[u8]) {
        let room = Self::HEAD.saturating_sub(self.head.len());
        self.head.extend_from_slice(&piece[..room.min(piece.len())]);
        self.tail.extend_from_slice(piece);
        let extra = self.tail.len().saturating_sub(Self::TAIL);
        self.tail.drain(..extra);
    }

    /// Whether the message ends as its header says it must: a multipart
    /// one with its closing boundary. A header not in the first bytes
    /// says nothing either way.
    pub fn complete(&self) -> bool {
        let Some(message) = mail_parser::MessageParser::default().parse_headers(&self.head) else {
            return true;
        };
        use mail_parser::MimeHeaders;
        let boundary = message
            .content_type()
            .filter(|c| c.ctype().eq_ignore_ascii_case("multipart"))
            .and_then(|c| c.attribute("boundary"));
        match boundary {
            Some(b) => {
                let closing = format!("--{b}--");
                memchr::memmem::find(&self.tail, closing.as_bytes()).is_some()
            }
            None => true,
        }
    }
}
