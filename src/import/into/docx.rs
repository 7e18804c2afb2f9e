//! `import --into`, stage 1: an edited .docx as it would print after 接受所有修订. Tracked
//! insertions and moves in (`w:ins`, `w:moveTo`) are kept, deletions and moves out (`w:del`,
//! `w:moveFrom`) dropped, a deleted paragraph mark joins its paragraph to the next; comments
//! (批注) are collected with the paragraph they are anchored in and are no part of the text.
//! The result is a .docx holding the cleaned main part, which `import::read` then reads.

use quick_xml::events::{BytesEnd, Event};
use std::io::{Read, Write};

/// What the tracked changes and comments of a document were.
#[derive(Debug, Clone, Default)]
pub struct Tracked {
    /// Insertions (`w:ins` with content, inserted paragraph marks).
    pub insertions: usize,
    /// Deletions (`w:del` with content, deleted paragraph marks).
    pub deletions: usize,
    /// Moves (`w:moveFrom`/`w:moveTo` pairs, counted once each way).
    pub moves: usize,
    /// Comments: the start of the paragraph they are anchored in, and their text.
    pub comments: Vec<(String, String)>,
}

impl Tracked {
    /// All tracked changes.
    pub fn changes(&self) -> usize {
        self.insertions + self.deletions + self.moves
    }
}

/// Accepts every tracked change of a .docx: the document with only its cleaned main part, and
/// what was seen. None when the file is no readable .docx (the reader then says why).
pub fn accept(bytes: &[u8]) -> Option<(Vec<u8>, Tracked)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let part = |archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>, name: &str| -> Option<String> {
        let mut text = String::new();
        archive.by_name(name).ok()?.take(64 << 20).read_to_string(&mut text).ok()?;
        Some(text)
    };
    let document = part(&mut archive, "word/document.xml")?;
    let comments = part(&mut archive, "word/comments.xml").map(|c| comment_texts(&c)).unwrap_or_default();
    let (cleaned, mut tracked, anchors) = clean(&document)?;
    for (id, paragraph) in anchors {
        if let Some((_, text)) = comments.iter().find(|(cid, _)| *cid == id) {
            tracked.comments.push((paragraph, text.clone()));
        }
    }
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    out.start_file("word/document.xml", zip::write::SimpleFileOptions::default()).ok()?;
    out.write_all(cleaned.as_bytes()).ok()?;
    Some((out.finish().ok()?.into_inner(), tracked))
}

/// Elements whose whole content is dropped: deleted text, text moved away, and the records
/// of formatting changes.
fn dropped(name: &str) -> bool {
    matches!(
        name,
        "del"
            | "moveFrom"
            | "rPrChange"
            | "pPrChange"
            | "sectPrChange"
            | "tblPrChange"
            | "trPrChange"
            | "tcPrChange"
            | "numberingChange"
    )
}

/// Each comment's id with the start of the paragraph it is anchored in.
type Anchors = Vec<(String, String)>;

/// The main part with its tracked changes accepted, the counts, and each comment's id with the
/// start of its paragraph.
fn clean(xml: &str) -> Option<(String, Tracked, Anchors)> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut writer = quick_xml::Writer::new(Vec::new());
    let mut tracked = Tracked::default();
    let mut anchors: Anchors = Vec::new();
    let mut open_anchors: Vec<String> = Vec::new();
    let (mut skip, mut in_ppr, mut merge, mut pending_end, mut skip_ppr) = (0usize, false, false, false, false);
    let (mut paragraph, mut in_text) = (String::new(), false);
    loop {
        let event = reader.read_event().ok()?;
        if skip > 0 {
            match &event {
                Event::Start(_) => skip += 1,
                Event::End(_) => skip -= 1,
                Event::Eof => return None,
                _ => {}
            }
            continue;
        }
        match &event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                let empty = matches!(event, Event::Empty(_));
                if pending_end {
                    pending_end = false;
                    if name == "p" && !empty {
                        // The paragraph whose mark was deleted goes on here.
                        skip_ppr = true;
                        continue;
                    }
                    writer.write_event(Event::End(BytesEnd::new("w:p"))).ok()?;
                }
                if skip_ppr && name == "pPr" {
                    skip_ppr = false;
                    if !empty {
                        skip = 1;
                    }
                    continue;
                }
                if name != "pPr" {
                    skip_ppr = false;
                }
                match name {
                    "del" | "moveFrom" if in_ppr => {
                        merge = true;
                        tracked.deletions += usize::from(name == "del");
                        if !empty {
                            skip = 1;
                        }
                        continue;
                    }
                    "ins" | "moveTo" if in_ppr => {
                        tracked.insertions += usize::from(name == "ins");
                        if !empty {
                            skip = 1;
                        }
                        continue;
                    }
                    "del" => tracked.deletions += 1,
                    "moveFrom" => tracked.moves += 1,
                    "ins" if !empty => {
                        tracked.insertions += 1;
                        continue;
                    }
                    "moveTo" if !empty => continue,
                    "moveFromRangeStart" | "moveFromRangeEnd" | "moveToRangeStart" | "moveToRangeEnd" => continue,
                    "commentRangeStart" | "commentReference" => {
                        if let Some(id) = e.attributes().flatten().find(|a| a.key.local_name().as_ref() == "id") {
                            let id = id.value.to_string();
                            if !open_anchors.contains(&id) && !anchors.iter().any(|(a, _)| *a == id) {
                                open_anchors.push(id);
                            }
                        }
                    }
                    "p" if !empty => {
                        paragraph.clear();
                        merge = false;
                    }
                    "pPr" if !empty => in_ppr = true,
                    "t" if !empty => in_text = true,
                    _ => {}
                }
                if dropped(name) {
                    if !empty {
                        skip = 1;
                    }
                    continue;
                }
            }
            Event::End(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if pending_end {
                    pending_end = false;
                    writer.write_event(Event::End(BytesEnd::new("w:p"))).ok()?;
                }
                match name {
                    "ins" | "moveTo" => continue,
                    "pPr" => in_ppr = false,
                    "t" => in_text = false,
                    "p" => {
                        for id in open_anchors.drain(..) {
                            anchors.push((id, paragraph.chars().take(20).collect()));
                        }
                        if merge {
                            pending_end = true;
                            merge = false;
                            continue;
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_text => paragraph.push_str(&t.xml10_content()),
            _ => {}
        }
        writer.write_event(event).ok()?;
    }
    let out = String::from_utf8(writer.into_inner()).ok()?;
    // A paragraph's start and its comment's: the anchors found inside a merged paragraph get the
    // merged paragraph's start (the next one's text is appended to it).
    Some((out, tracked, anchors))
}

/// Each comment's id and text, from `word/comments.xml`.
fn comment_texts(xml: &str) -> Vec<(String, String)> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let (mut id, mut text, mut in_text) = (None::<String>, String::new(), false);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "comment" => {
                id =
                    e.attributes().flatten().find(|a| a.key.local_name().as_ref() == "id").map(|a| a.value.to_string());
                text.clear();
            }
            Ok(Event::Start(e)) if e.local_name().as_ref() == "t" => in_text = true,
            Ok(Event::End(e)) if e.local_name().as_ref() == "t" => in_text = false,
            Ok(Event::Text(t)) if in_text && id.is_some() => {
                text.push_str(&t.xml10_content());
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == "comment" => {
                if let Some(id) = id.take() {
                    out.push((id, text.trim().to_string()));
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insertions_kept_deletions_dropped_and_a_deleted_paragraph_mark_joins() {
        let xml = r#"<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>共</w:t></w:r><w:del w:id="1"><w:r><w:delText>119</w:delText></w:r></w:del><w:ins w:id="2"><w:r><w:t>120</w:t></w:r></w:ins><w:r><w:t>00户</w:t></w:r><w:commentRangeStart w:id="7"/></w:p><w:p><w:pPr><w:rPr><w:del w:id="3"/></w:rPr></w:pPr><w:r><w:t>前</w:t></w:r></w:p><w:p><w:pPr><w:jc/></w:pPr><w:r><w:t>后。</w:t></w:r></w:p><w:moveFrom w:id="4"><w:r><w:t>走</w:t></w:r></w:moveFrom></w:body></w:document>"#;
        let (out, tracked, anchors) = clean(xml).unwrap();
        assert_eq!(
            out,
            r#"<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>共</w:t></w:r><w:r><w:t>120</w:t></w:r><w:r><w:t>00户</w:t></w:r><w:commentRangeStart w:id="7"/></w:p><w:p><w:pPr><w:rPr></w:rPr></w:pPr><w:r><w:t>前</w:t></w:r><w:r><w:t>后。</w:t></w:r></w:p></w:body></w:document>"#
        );
        assert_eq!((tracked.insertions, tracked.deletions, tracked.moves), (1, 2, 1));
        assert_eq!(anchors, vec![("7".to_string(), "共12000户".to_string())]);
    }
}
