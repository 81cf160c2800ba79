//! The MIME tree of one real message: every part with its content type,
//! charset, transfer encoding and size, and the part the gather stage kept.

use super::NOTE;
use crate::data::{Data, MimeNode};
use crate::svg::{Font, Paint, Svg, colour, count};

const WIDTH: f64 = 720.0;
const MARGIN: f64 = 16.0;
const TOP: f64 = 62.0;
const LINE: f64 = 15.0;
const ROW_GAP: f64 = 34.0;
const KEPT: &str = colour::GREEN;

/// One box to draw: where, and what it says.
struct Placed<'a> {
    node: &'a MimeNode,
    depth: usize,
    /// The middle of its slot.
    cx: f64,
    /// Its children's indices in the list.
    children: Vec<usize>,
}

fn lines(node: &MimeNode) -> Vec<(String, Font)> {
    let body = Font::new(11.5).fill(colour::MUTED);
    let mut out = vec![(node.content_type.clone(), Font::new(12.5).bold())];
    if !node.parts.is_empty() {
        out.push((format!("{} parts", node.parts.len()), body));
        out.push((format!("{} bytes", count(node.sent_bytes)), body));
        return out;
    }
    if let Some(charset) = &node.charset {
        out.push((format!("charset {charset}"), body));
    }
    out.push((
        node.transfer_encoding
            .clone()
            .unwrap_or_else(|| "no encoding given".into()),
        Font::new(11.5).fill(colour::INK),
    ));
    if let Some(name) = &node.file_name {
        let short: String = if name.chars().count() > 20 {
            name.chars().take(19).chain(['…']).collect()
        } else {
            name.clone()
        };
        out.push((short, Font::new(11.0).mono().fill(colour::MUTED)));
    }
    out.push((format!("{} bytes sent", count(node.sent_bytes)), body));
    if let Some(chars) = node.text_chars {
        out.push((format!("{} characters", count(chars)), body));
    } else if let Some(bytes) = node.decoded_bytes {
        out.push((format!("{} bytes decoded", count(bytes)), body));
    }
    out
}

fn box_height(node: &MimeNode) -> f64 {
    lines(node).len() as f64 * LINE + 14.0
}

/// Lays the tree out: leaves side by side in document order, each parent
/// centred over its children.
fn place<'a>(
    node: &'a MimeNode,
    depth: usize,
    slot: f64,
    next_leaf: &mut usize,
    out: &mut Vec<Placed<'a>>,
) -> usize {
    let index = out.len();
    out.push(Placed {
        node,
        depth,
        cx: 0.0,
        children: Vec::new(),
    });
    let cx = if node.parts.is_empty() {
        let cx = MARGIN + slot * (*next_leaf as f64 + 0.5);
        *next_leaf += 1;
        cx
    } else {
        let kids: Vec<usize> = node
            .parts
            .iter()
            .map(|p| place(p, depth + 1, slot, next_leaf, out))
            .collect();
        let cx = (out[kids[0]].cx + out[kids[kids.len() - 1]].cx) / 2.0;
        out[index].children = kids;
        cx
    };
    out[index].cx = cx;
    index
}

/// Draws the figure.
pub fn draw(data: &Data) -> String {
    let mime = &data.mime;
    let root = &mime.root;
    let leaves = root.leaves().max(1);
    let slot = (WIDTH - 2.0 * MARGIN) / leaves as f64;
    let box_w = (slot - 14.0).min(190.0);
    let mut placed = Vec::new();
    place(root, 0, slot, &mut 0, &mut placed);
    // Each row is as tall as its tallest box.
    let depth = root.depth();
    let mut row_h = vec![0.0f64; depth];
    for p in &placed {
        row_h[p.depth] = row_h[p.depth].max(box_height(p.node));
    }
    let mut row_top = vec![TOP; depth];
    for d in 1..depth {
        row_top[d] = row_top[d - 1] + row_h[d - 1] + ROW_GAP;
    }
    let height = row_top[depth - 1] + row_h[depth - 1] + 34.0;
    let mut svg = Svg::new(WIDTH, height);

    svg.text(
        MARGIN,
        22.0,
        &format!("{}/{}", mime.corpus, mime.path),
        Font::new(12.5).mono(),
    );
    let subject = mime
        .subject
        .as_deref()
        .map_or(String::new(), |s| format!("“{s}”, "));
    svg.text(
        MARGIN,
        40.0,
        &format!(
            "{subject}{}, {} bytes with its header",
            mime.label,
            count(mime.bytes)
        ),
        NOTE,
    );

    // Edges first, under the boxes.
    for p in &placed {
        let bottom = row_top[p.depth] + box_height(p.node);
        for &c in &p.children {
            let child = &placed[c];
            let top = row_top[child.depth];
            let mid = bottom + (top - bottom) / 2.0;
            svg.polyline(
                &[
                    (p.cx, bottom),
                    (p.cx, mid),
                    (child.cx, mid),
                    (child.cx, top),
                ],
                Paint::stroke(colour::LINE, 1.4),
            );
        }
    }
    for p in &placed {
        let x = p.cx - box_w / 2.0;
        let y = row_top[p.depth];
        let h = box_height(p.node);
        let fill = if p.node.parts.is_empty() {
            colour::WHITE
        } else {
            colour::PALE
        };
        let outline = if p.node.kept {
            Paint::fill(fill).outlined(KEPT, 3.0)
        } else {
            Paint::fill(fill).outlined(colour::INK, 1.2)
        };
        svg.rect(x, y, box_w, h, 5.0, outline);
        for (i, (text, font)) in lines(p.node).iter().enumerate() {
            svg.text(x + 9.0, y + 19.0 + i as f64 * LINE, text, *font);
        }
        if p.node.kept {
            svg.text(
                p.cx,
                y + h + 17.0,
                "kept as the body",
                Font::new(12.0).bold().middle().fill(KEPT),
            );
        }
    }
    svg.finish(&format!(
        "The MIME tree of {}: its parts, their types, encodings and sizes",
        mime.path
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_data;

    #[test]
    fn parents_sit_over_their_children_and_boxes_do_not_overlap() {
        let data = test_data();
        let slot = (WIDTH - 2.0 * MARGIN) / data.mime.root.leaves() as f64;
        let mut placed = Vec::new();
        place(&data.mime.root, 0, slot, &mut 0, &mut placed);
        assert_eq!(
            placed.len(),
            6,
            "related, alternative, plain, html, two images"
        );
        for p in &placed {
            if let (Some(first), Some(last)) = (p.children.first(), p.children.last()) {
                assert!(placed[*first].cx <= p.cx && p.cx <= placed[*last].cx);
            }
        }
        let mut leaves: Vec<f64> = placed
            .iter()
            .filter(|p| p.children.is_empty())
            .map(|p| p.cx)
            .collect();
        leaves.sort_by(f64::total_cmp);
        assert!(leaves.windows(2).all(|w| w[1] - w[0] >= slot - 1e-9));
        assert_eq!(placed.iter().filter(|p| p.node.kept).count(), 1);
    }
}
