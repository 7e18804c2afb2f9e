//! The fonts embedded in the OFD: each font subset to the glyphs the report draws (the same
//! subsetter krilla uses for the PDF), then given back a `cmap` from the drawn characters to
//! their new glyph ids and the original `OS/2` table.
//!
//! The subsetter drops `cmap` (a PDF maps codes to glyphs itself), but an OFD reader finds a
//! TextCode's glyphs through the font's `cmap` unless a CGTransform says otherwise
//! (GB/T 33190-2016 11.4); readers that hand the font to the system's font engine also expect
//! `cmap` and `OS/2`. With both tables back the subset is an ordinary OpenType font whose
//! characters draw the glyphs the layout chose, and the TextObjects need no CGTransform.

use std::collections::BTreeMap;

/// Why a font could not be embedded.
#[derive(Debug)]
pub enum Unembeddable {
    /// The subsetter could not read the font.
    Subset(String),
    /// The font's licence (OS/2 fsType) forbids embedding it.
    Restricted,
}

/// The subset of `data` (face `index`) holding the glyphs of `drawn` (character → glyph id in
/// the full font), and each drawn character's glyph id in the subset.
pub fn subset(
    data: &[u8],
    index: u32,
    drawn: &BTreeMap<char, u16>,
) -> Result<(Vec<u8>, BTreeMap<char, u16>), Unembeddable> {
    let raw = tables(data, index).ok_or_else(|| Unembeddable::Subset("table directory".into()))?;
    let os2 = raw.iter().find(|(tag, _)| tag == b"OS/2").map(|(_, t)| t.to_vec());
    // fsType 0x0002 alone: "restricted licence embedding", the font may not leave the machine.
    if let Some(os2) = &os2 {
        if os2.len() >= 10 && u16::from_be_bytes([os2[8], os2[9]]) & 0x000F == 0x0002 {
            return Err(Unembeddable::Restricted);
        }
    }
    // New glyph ids in the order of the characters, so that runs of consecutive characters get
    // consecutive ids (a shorter cmap); glyph 0 stays 0.
    let mut remapper = subsetter::GlyphRemapper::new();
    let mut mapped = BTreeMap::new();
    for (&ch, &gid) in drawn {
        let new = remapper.remap(gid);
        if gid != 0 {
            mapped.insert(ch, new);
        }
    }
    let sub = subsetter::subset(data, index, &remapper).map_err(|e| Unembeddable::Subset(format!("{e:?}")))?;
    let mut parts: Vec<([u8; 4], Vec<u8>)> = tables(&sub, 0)
        .ok_or_else(|| Unembeddable::Subset("subset table directory".into()))?
        .into_iter()
        .map(|(tag, t)| (tag, t.to_vec()))
        .collect();
    parts.retain(|(tag, _)| tag != b"cmap" && tag != b"OS/2");
    parts.push((*b"cmap", cmap(&mapped)));
    if let Some(os2) = os2 {
        parts.push((*b"OS/2", os2));
    }
    let version: [u8; 4] = sub[0..4].try_into().expect("a font header");
    Ok((sfnt(version, parts), mapped))
}

/// The tables of face `index` of an OpenType font or collection: (tag, bytes).
fn tables(data: &[u8], index: u32) -> Option<Vec<([u8; 4], &[u8])>> {
    let u32_at = |at: usize| data.get(at..at + 4).map(|b| u32::from_be_bytes(b.try_into().unwrap()));
    let mut start = 0usize;
    if data.get(0..4)? == b"ttcf" {
        start = u32_at(12 + 4 * index as usize)? as usize;
    }
    let count = u16::from_be_bytes(data.get(start + 4..start + 6)?.try_into().ok()?) as usize;
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let record = start + 12 + 16 * i;
        let tag: [u8; 4] = data.get(record..record + 4)?.try_into().ok()?;
        let offset = u32_at(record + 8)? as usize;
        let length = u32_at(record + 12)? as usize;
        out.push((tag, data.get(offset..offset.checked_add(length)?)?));
    }
    Some(out)
}

/// A `cmap` with a format 4 subtable (Windows Unicode BMP) and a format 12 subtable (Windows
/// Unicode full repertoire), mapping each character to its glyph.
fn cmap(mapped: &BTreeMap<char, u16>) -> Vec<u8> {
    // Segments of consecutive characters with consecutive glyphs.
    let mut groups: Vec<(u32, u32, u16)> = Vec::new();
    for (&ch, &gid) in mapped {
        let c = ch as u32;
        match groups.last_mut() {
            Some((start, end, first)) if *end + 1 == c && u32::from(*first) + (c - *start) == u32::from(gid) => {
                *end = c
            }
            _ => groups.push((c, c, gid)),
        }
    }
    // Format 4: BMP groups (split at U+FFFF), then the closing 0xFFFF segment.
    let mut segments: Vec<(u16, u16, u16)> = groups
        .iter()
        .filter(|(start, _, _)| *start < 0xFFFF)
        .map(|&(start, end, gid)| (start as u16, end.min(0xFFFE) as u16, gid))
        .collect();
    segments.push((0xFFFF, 0xFFFF, 0));
    let n = segments.len() as u16;
    let mut f4 = Vec::new();
    let length = 16 + 8 * n as usize;
    let search = 2 * (1u16 << (15 - n.leading_zeros()));
    push16(&mut f4, 4);
    push16(&mut f4, length as u16);
    push16(&mut f4, 0);
    push16(&mut f4, 2 * n);
    push16(&mut f4, search);
    push16(&mut f4, search.trailing_zeros() as u16 - 1);
    push16(&mut f4, 2 * n - search);
    for s in &segments {
        push16(&mut f4, s.1);
    }
    push16(&mut f4, 0);
    for s in &segments {
        push16(&mut f4, s.0);
    }
    for s in &segments {
        // idDelta: glyph = code + delta (mod 65536); the closing segment maps to glyph 0... as 1.
        let delta = if s.0 == 0xFFFF { 1 } else { s.2.wrapping_sub(s.0) };
        push16(&mut f4, delta);
    }
    for _ in &segments {
        push16(&mut f4, 0);
    }
    // Format 12.
    let mut f12 = Vec::new();
    push16(&mut f12, 12);
    push16(&mut f12, 0);
    push32(&mut f12, 16 + 12 * groups.len() as u32);
    push32(&mut f12, 0);
    push32(&mut f12, groups.len() as u32);
    for &(start, end, gid) in &groups {
        push32(&mut f12, start);
        push32(&mut f12, end);
        push32(&mut f12, u32::from(gid));
    }
    let mut out = Vec::new();
    push16(&mut out, 0);
    push16(&mut out, 2);
    let first = 4 + 2 * 8;
    push16(&mut out, 3);
    push16(&mut out, 1);
    push32(&mut out, first);
    push16(&mut out, 3);
    push16(&mut out, 10);
    push32(&mut out, first + f4.len() as u32);
    out.extend(f4);
    out.extend(f12);
    out
}

/// An OpenType font of these tables: sorted by tag, each 4-byte aligned with its checksum, and
/// `head`'s checkSumAdjustment set over the whole file.
fn sfnt(version: [u8; 4], mut tables: Vec<([u8; 4], Vec<u8>)>) -> Vec<u8> {
    tables.sort_by_key(|a| a.0);
    let n = tables.len() as u16;
    let entry_selector = 15 - n.leading_zeros() as u16;
    let search_range = 16 * (1u16 << entry_selector);
    let mut out = Vec::new();
    out.extend_from_slice(&version);
    push16(&mut out, n);
    push16(&mut out, search_range);
    push16(&mut out, entry_selector);
    push16(&mut out, 16 * n - search_range);
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, table) in tables.iter_mut() {
        if tag == b"head" && table.len() >= 12 {
            table[8..12].copy_from_slice(&[0; 4]);
        }
        out.extend_from_slice(tag);
        push32(&mut out, checksum(table));
        push32(&mut out, offset as u32);
        push32(&mut out, table.len() as u32);
        if tag == b"head" {
            head_at = Some(offset);
        }
        offset += table.len().div_ceil(4) * 4;
    }
    for (_, table) in &tables {
        out.extend_from_slice(table);
        out.resize(out.len().div_ceil(4) * 4, 0);
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

/// The OpenType checksum: the sum of the big-endian u32 words, the last one zero-padded.
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

fn push16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn push32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subset_maps_each_drawn_character_to_the_glyph_of_the_full_font() {
        let (_, bytes) = crate::render::page::fonts::Role::Body.bundled();
        let full = ttf_parser::Face::parse(bytes, 0).unwrap();
        let drawn: BTreeMap<char, u16> =
            "梧桐县民政局工作总结一二三（）。，A1—".chars().map(|c| (c, full.glyph_index(c).unwrap().0)).collect();
        let (sub, mapped) = subset(bytes, 0, &drawn).unwrap();
        let face = ttf_parser::Face::parse(&sub, 0).unwrap();
        assert!(face.tables().os2.is_some());
        for (&c, &old) in &drawn {
            let new = face.glyph_index(c).expect("mapped").0;
            assert_eq!(mapped[&c], new);
            assert_eq!(
                face.glyph_hor_advance(ttf_parser::GlyphId(new)),
                full.glyph_hor_advance(ttf_parser::GlyphId(old))
            );
            let outline = |f: &ttf_parser::Face, g: u16| f.glyph_bounding_box(ttf_parser::GlyphId(g));
            assert_eq!(outline(&face, new), outline(&full, old), "{c}");
        }
        assert!(face.glyph_index('龙').is_none());
        assert_eq!(checksum(&sub), 0xB1B0_AFBA);
    }
}
