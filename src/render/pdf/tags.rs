//! The PDF's structure tree (PDF/UA-1) and outline, from the marks the layout gives every
//! glyph: the title H1, the headings H2–H5 by level (一、 （一） 1. （1）), each paragraph one
//! P however many lines and pages it spans, a run-in heading as its Hn at the start of its P,
//! each table a Table of TR rows with TH header cells and TD cells, the 落款 lines as P. The
//! tree is built in the document's order, which is the order the report is read in; page numbers,
//! repeated header rows and table rules are artifacts and never enter it.

use crate::render::document::{Block, Document, Level};
use crate::render::page::layout::{Mark, Part};
use crate::render::page::model::TextRun;
use krilla::destination::XyzDestination;
use krilla::geom::Point;
use krilla::outline::{Outline, OutlineNode};
use krilla::tagging::{Identifier, Node, TableHeaderScope, Tag, TagGroup, TagKind, TagTree};
use std::collections::BTreeMap;
use std::num::NonZeroU16;

/// The marked spans drawn so far, in drawing order, and where each node starts.
#[derive(Default)]
pub struct Collector {
    spans: Vec<(Mark, Identifier)>,
    /// The first place each node is drawn: page index and the top of its first line.
    starts: BTreeMap<usize, (usize, f32)>,
}

/// The heading level of the structure tree: the title is H1, 一、 H2 down to （1） H5.
pub fn heading_level(level: Level) -> u16 {
    match level {
        Level::Part => 2,
        Level::Section => 3,
        Level::Item => 4,
        Level::SubItem => 5,
    }
}

fn heading(level: u16, text: &str) -> TagKind {
    Tag::Hn(NonZeroU16::new(level).expect("levels start at 1"), Some(text.to_string())).into()
}

fn group(tag: impl Into<TagKind>, ids: Vec<Identifier>) -> TagGroup {
    TagGroup::with_children(tag, ids.into_iter().map(Node::from).collect())
}

impl Collector {
    /// Records a span of the structure drawn on page `page`.
    pub fn add(&mut self, mark: Mark, id: Identifier, page: usize, run: &TextRun) {
        self.spans.push((mark, id));
        self.starts.entry(mark.node).or_insert((page, (run.baseline - run.size).max(0.0)));
    }

    /// The structure tree and the outline (the title, its 一、 headings and their （一）).
    pub fn finish(self, doc: &Document) -> (TagTree, Outline) {
        let mut by_node: BTreeMap<usize, Vec<(Part, Identifier)>> = BTreeMap::new();
        let outline = self.outline(doc);
        for (mark, id) in self.spans {
            by_node.entry(mark.node).or_default().push((mark.part, id));
        }
        let mut tree = TagTree::new();
        for (&node, spans) in &by_node {
            let block = node.checked_sub(1).and_then(|i| doc.blocks.get(i));
            for g in node_groups(block, doc, spans) {
                tree.push(g);
            }
        }
        (tree, outline)
    }

    fn outline(&self, doc: &Document) -> Outline {
        let destination = |node: usize| {
            let (page, y) = self.starts.get(&node).copied().unwrap_or((0, 0.0));
            XyzDestination::new(page, Point::from_xy(0.0, y))
        };
        let mut title = OutlineNode::new(doc.title.clone(), destination(0)).with_open(true);
        let mut parts: Vec<OutlineNode> = Vec::new();
        for (i, block) in doc.blocks.iter().enumerate() {
            let (level, text) = match block {
                Block::Heading { level, text } => (*level, text),
                Block::Paragraph { lead: Some((level, text)), .. } => (*level, text),
                _ => continue,
            };
            if !self.starts.contains_key(&(i + 1)) {
                continue;
            }
            let entry = OutlineNode::new(text.trim_end_matches('。').to_string(), destination(i + 1));
            match (level, parts.last_mut()) {
                (Level::Part, _) | (Level::Section, None) => parts.push(entry),
                (Level::Section, Some(part)) => part.push_child(entry),
                _ => {}
            }
        }
        for p in parts {
            title.push_child(p);
        }
        let mut outline = Outline::new();
        outline.push_child(title);
        outline
    }
}

/// The groups of one node: its element (a heading, a P, a Table) or, for the 落款, one P a line.
fn node_groups(block: Option<&Block>, doc: &Document, spans: &[(Part, Identifier)]) -> Vec<TagGroup> {
    let ids = |keep: &dyn Fn(Part) -> bool| spans.iter().filter(|(p, _)| keep(*p)).map(|(_, id)| *id).collect();
    match block {
        None => vec![group(heading(1, &doc.title), ids(&|_| true))],
        Some(Block::Heading { level, text }) => vec![group(heading(heading_level(*level), text), ids(&|_| true))],
        Some(Block::Paragraph { lead, .. }) => {
            let mut p = TagGroup::new(Tag::P);
            if let Some((level, text)) = lead {
                let lead_ids: Vec<Identifier> = ids(&|p| matches!(p, Part::Lead(_)));
                if !lead_ids.is_empty() {
                    p.push(group(heading(heading_level(*level), text), lead_ids));
                }
            }
            for (part, id) in spans {
                if !matches!(part, Part::Lead(_)) {
                    p.push(*id);
                }
            }
            vec![p]
        }
        Some(Block::Table { .. }) => {
            let mut cells: BTreeMap<usize, BTreeMap<usize, Vec<Identifier>>> = BTreeMap::new();
            for (part, id) in spans {
                if let Part::Cell { row, column } = part {
                    cells.entry(*row).or_default().entry(*column).or_default().push(*id);
                }
            }
            let mut table = TagGroup::new(Tag::Table);
            for (row, columns) in cells {
                let mut tr = TagGroup::new(Tag::TR);
                for (_, ids) in columns {
                    tr.push(if row == 0 { group(Tag::TH(TableHeaderScope::Column), ids) } else { group(Tag::TD, ids) });
                }
                table.push(tr);
            }
            vec![table]
        }
        Some(Block::Signature { .. }) => {
            let mut lines: BTreeMap<usize, Vec<Identifier>> = BTreeMap::new();
            for (part, id) in spans {
                let line = if let Part::Signature(line) = part { *line } else { 0 };
                lines.entry(line).or_default().push(*id);
            }
            lines.into_values().map(|ids| group(Tag::P, ids)).collect()
        }
    }
}
