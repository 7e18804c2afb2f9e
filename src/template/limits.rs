//! What a template may cost, besides minijinja's fuel: the text it writes (10 MB), the memory it
//! builds while rendering (256 MB, see [`crate::template::memory`]), and the operators one tag chains
//! (1000). Each has its own message naming the template (and its line where it is known).

use crate::error::{Problem, Source};
use crate::template::memory::Over;
use minijinja::ErrorKind;
use std::cell::Cell;

/// The most text a template may write: a report is some tens of kilobytes.
pub const OUTPUT_MAX: usize = 10 << 20;
/// The most memory rendering may take: a report takes a few megabytes.
pub const MEMORY_MAX: usize = 256 << 20;
/// The most operators one tag may chain. minijinja builds `a.b.c…`, `1+1+…` or `x|f|g…` as one
/// nested expression per operator and walks it recursively, so some tens of thousands overflow
/// the stack; no report needs more than a handful.
pub const TAG_OPERATORS_MAX: usize = 1000;

thread_local! {
    /// How much the template being rendered on this thread has written.
    static WRITTEN: Cell<usize> = const { Cell::new(0) };
}

/// The message of a render stopped at `OUTPUT_MAX`.
pub fn too_long() -> String {
    rust_i18n::t!("limits.too_long", mb = OUTPUT_MAX >> 20).into_owned()
}

/// Renders with `render` into a buffer capped at `OUTPUT_MAX`, under the memory budget: on a
/// thread of its own (see [`crate::template::memory`]), marked when the caller's rendering is.
pub fn render(
    render: impl FnOnce(&mut Capped) -> Result<(), minijinja::Error> + Send + 'static,
) -> Result<String, minijinja::Error> {
    let marking = super::marks::active();
    let rendered = crate::template::memory::with_budget(MEMORY_MAX, move || {
        WRITTEN.set(0);
        let mut out = Capped::default();
        if marking {
            let (result, marks) = super::marks::marked(|| render(&mut out));
            (result.map(|()| out.bytes), Some(marks))
        } else {
            (render(&mut out).map(|()| out.bytes), None)
        }
    });
    let (bytes, marks) = rendered.map_err(|over| {
        let mb = MEMORY_MAX >> 20;
        let message = match over {
            Over::Spent => rust_i18n::t!("limits.too_big", mb = mb),
            Over::Refused => rust_i18n::t!("limits.refused", count = crate::template::memory::parked(), mb = mb),
        };
        minijinja::Error::new(ErrorKind::InvalidOperation, message.into_owned())
    })?;
    if let Some(marks) = marks {
        super::marks::adopt(marks);
    }
    String::from_utf8(bytes?)
        .map_err(|_| minijinja::Error::new(ErrorKind::InvalidOperation, rust_i18n::t!("limits.not_utf8").into_owned()))
}

/// Fails (at the template line, as a value is written) once the output would pass `OUTPUT_MAX`.
pub fn room_for(len: usize) -> Result<(), minijinja::Error> {
    if WRITTEN.get().saturating_add(len) > OUTPUT_MAX {
        return Err(minijinja::Error::new(ErrorKind::WriteFailure, "the report is too long"));
    }
    Ok(())
}

/// The rendered text, refusing to grow past `OUTPUT_MAX` (text between tags is caught here,
/// values by `room_for`).
#[derive(Debug, Default)]
pub struct Capped {
    bytes: Vec<u8>,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > OUTPUT_MAX {
            return Err(std::io::Error::other("the report is too long"));
        }
        self.bytes.extend_from_slice(buf);
        WRITTEN.set(self.bytes.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A tag chaining more operators than minijinja can take, found before minijinja reads it.
/// Operators inside strings and comments do not count.
pub fn too_deep(name: &str, text: &str) -> Option<Problem> {
    let text = text.as_bytes();
    let (mut line, mut start, mut count) = (1u64, 1u64, 0usize);
    // The closing mark of the tag we are in, and the quote of the string we are in.
    let (mut tag, mut quote): (Option<u8>, Option<u8>) = (None, None);
    let mut i = 0;
    while i < text.len() {
        let (c, next) = (text[i], text.get(i + 1).copied());
        if c == b'\n' {
            line += 1;
        }
        match (tag, quote) {
            (None, _) if c == b'{' && matches!(next, Some(b'{' | b'%' | b'#')) => {
                tag = next.map(|n| if n == b'{' { b'}' } else { n });
                (start, count) = (line, 0);
                i += 1;
            }
            (Some(close), None) if c == close && next == Some(b'}') => {
                tag = None;
                i += 1;
            }
            (Some(b'#'), _) => {}
            (Some(_), None) if c == b'"' || c == b'\'' => quote = Some(c),
            (Some(_), Some(_)) if c == b'\\' => i += 1,
            (Some(_), Some(q)) if c == q => quote = None,
            (Some(_), None) if b".|+-*/~[(,".contains(&c) => {
                count += 1;
                if count > TAG_OPERATORS_MAX {
                    return Some(Problem::at(
                        Source::new(name, start),
                        rust_i18n::t!("limits.too_deep", max = TAG_OPERATORS_MAX),
                    ));
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_in_strings_and_comments_do_not_count() {
        let chain = |n: usize| format!("{{{{ a{} }}}}", ".b".repeat(n));
        assert!(too_deep("t", &chain(TAG_OPERATORS_MAX)).is_none());
        assert_eq!(
            too_deep("t", &format!("x\n\n{}", chain(TAG_OPERATORS_MAX + 1))).unwrap().source,
            Some(Source::new("t", 3))
        );
        let quiet = format!(
            "{{# {} #}}{{{{ \"{}\" }}}}{{{{ '{}\\'' }}}}",
            "a.".repeat(5000),
            ".".repeat(5000),
            ".".repeat(5000)
        );
        assert!(too_deep("t", &quiet).is_none());
    }
}
