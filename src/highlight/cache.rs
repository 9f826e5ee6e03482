//! The output folder's highlighting cache, `.bookpress-cache/highlight.bin`: the tokens of each
//! code block of the last build, by a hash of the block's language tag and code and of what
//! decides its tokens (this binary, the scope rules), so that a rebuild does not run the
//! grammars again over code that has not changed.
//!
//! Like the picture cache it holds only what a build can make again; it may be deleted at any
//! time and nothing in it changes what a build writes. A file that does not read back whole
//! (cut off, edited, from another version) is ignored as a whole, and an entry whose tokens do
//! not cover its code exactly is ignored and highlighted again.

use super::{Class, Token};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The file below the output folder.
pub const FILE: &str = ".bookpress-cache/highlight.bin";

const MAGIC: &[u8; 16] = b"bookpress-hl-v1\n";

/// An entry's key: the first 128 bits of a SHA-256.
pub type Key = [u8; 16];

pub struct Cache {
    path: PathBuf,
    salt: Vec<u8>,
}

impl Cache {
    /// The cache of the output folder `out_dir`, or none when this binary cannot be told from
    /// another (its file's size and modification time are part of every key, so a rebuilt
    /// binary with other grammars or rules never reads an older one's tokens).
    pub fn in_output(out_dir: &Path) -> Option<Cache> {
        let salt = format!(
            "{} {}",
            crate::output::binary_identity()?,
            super::Rules::fingerprint()
        );
        Some(Cache {
            path: out_dir.join(FILE),
            salt: salt.into_bytes(),
        })
    }

    /// The key of a block: its tag and code, and this binary.
    pub fn key(&self, lang: &str, code: &str) -> Key {
        let digest =
            crate::output::sha256_of_parts(&[&self.salt, lang.as_bytes(), code.as_bytes()]);
        let mut key = [0; 16];
        key.copy_from_slice(&digest[..16]);
        key
    }

    /// The stored entries; none when the file is missing or damaged.
    pub fn load(&self) -> HashMap<Key, Vec<Token>> {
        std::fs::read(&self.path)
            .ok()
            .and_then(|data| decode(&data))
            .unwrap_or_default()
    }

    /// Replaces the file with `entries` (the current book's blocks only, so blocks that are
    /// gone leave with it), through a temporary file renamed into place. A cache that cannot
    /// be written only costs the next build time.
    pub fn store(&self, entries: &[(Key, &[Token])]) {
        let _ = crate::output::write_whole(&self.path, ".part-highlight-", &[&encode(entries)]);
    }
}

/// Whether stored tokens can be the tokens of `code`: in order, without gaps, each ending on a
/// character boundary, the last at the code's end.
pub fn fits(tokens: &[Token], code: &str) -> bool {
    let mut at = 0;
    for t in tokens {
        if t.range.start != at || t.range.end <= at || !code.is_char_boundary(t.range.end) {
            return false;
        }
        at = t.range.end;
    }
    at == code.len() && !tokens.is_empty()
}

/// The file: magic, entry count, then per entry its key, token count and each token's end
/// (u32) and class (u8); last, the first 16 bytes of the SHA-256 of all that came before.
fn encode(entries: &[(Key, &[Token])]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend((entries.len() as u32).to_le_bytes());
    for (key, tokens) in entries {
        out.extend(key);
        out.extend((tokens.len() as u32).to_le_bytes());
        for t in *tokens {
            out.extend((t.range.end as u32).to_le_bytes());
            out.push(Class::ALL.iter().position(|c| *c == t.class).unwrap_or(0) as u8);
        }
    }
    let sum = ring::digest::digest(&ring::digest::SHA256, &out);
    out.extend(&sum.as_ref()[..16]);
    out
}

fn decode(data: &[u8]) -> Option<HashMap<Key, Vec<Token>>> {
    let (body, sum) = data.split_at_checked(data.len().checked_sub(16)?)?;
    if ring::digest::digest(&ring::digest::SHA256, body).as_ref()[..16] != *sum {
        return None;
    }
    let mut r = Reader(body.strip_prefix(MAGIC.as_slice())?);
    let count = r.u32()?;
    let mut out = HashMap::new();
    for _ in 0..count {
        let key: Key = r.take(16)?.try_into().ok()?;
        let n = r.u32()? as usize;
        // Each token takes five bytes: a count larger than what is left is damage.
        if n > r.0.len() / 5 {
            return None;
        }
        let mut tokens = Vec::with_capacity(n);
        let mut start = 0;
        for _ in 0..n {
            let end = r.u32()? as usize;
            let class = *Class::ALL.get(usize::from(r.take(1)?[0]))?;
            tokens.push(Token {
                range: start..end,
                class,
            });
            start = end;
        }
        out.insert(key, tokens);
    }
    r.0.is_empty().then_some(out)
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(spans: &[(usize, usize, Class)]) -> Vec<Token> {
        spans
            .iter()
            .map(|&(a, b, class)| Token { range: a..b, class })
            .collect()
    }

    #[test]
    fn entries_read_back_as_stored() {
        let d = tempfile::tempdir().unwrap();
        let c = Cache::in_output(d.path()).unwrap();
        let (a, b) = (c.key("rust", "fn x"), c.key("python", "fn x"));
        assert_ne!(a, b);
        let ta = toks(&[(0, 2, Class::Keyword), (2, 4, Class::Plain)]);
        let tb = toks(&[(0, 4, Class::Plain)]);
        c.store(&[(a, &ta), (b, &tb)]);
        let back = c.load();
        assert_eq!(back.len(), 2);
        assert_eq!(back[&a], ta);
        assert_eq!(back[&b], tb);
        // Only the file itself is left (no temporary files).
        let names: Vec<_> = std::fs::read_dir(d.path().join(".bookpress-cache"))
            .unwrap()
            .collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_damaged_or_cut_file_is_ignored_as_a_whole() {
        let d = tempfile::tempdir().unwrap();
        let c = Cache::in_output(d.path()).unwrap();
        let t = toks(&[(0, 4, Class::Comment)]);
        c.store(&[(c.key("c", "/**/"), &t)]);
        let good = std::fs::read(d.path().join(FILE)).unwrap();
        for i in [0, 16, 20, good.len() / 2, good.len() - 1] {
            let mut bad = good.clone();
            bad[i] ^= 0x40;
            std::fs::write(d.path().join(FILE), &bad).unwrap();
            assert!(c.load().is_empty(), "byte {i} changed");
        }
        for n in [0, 10, good.len() - 1] {
            std::fs::write(d.path().join(FILE), &good[..n]).unwrap();
            assert!(c.load().is_empty(), "cut to {n}");
        }
        std::fs::write(d.path().join(FILE), &good).unwrap();
        assert_eq!(c.load().len(), 1);
    }

    #[test]
    fn tokens_fit_only_the_code_they_cover() {
        let code = "a注b";
        assert!(fits(
            &toks(&[(0, 1, Class::Plain), (1, 5, Class::Comment)]),
            code
        ));
        assert!(!fits(
            &toks(&[(0, 2, Class::Plain), (2, 5, Class::Comment)]),
            code
        ));
        assert!(!fits(&toks(&[(0, 1, Class::Plain)]), code));
        assert!(!fits(
            &toks(&[(0, 1, Class::Plain), (2, 5, Class::Plain)]),
            code
        ));
        assert!(!fits(
            &toks(&[(0, 5, Class::Plain), (5, 5, Class::Plain)]),
            code
        ));
        assert!(!fits(&[], code));
    }
}
