//! A GeoPackage's R-tree index (an SQLite `rtree` virtual table) filled in
//! one pass. Inserting through the virtual table costs about 10 µs a row
//! (SQLite rewrites a node per insert; GDAL 3.6 builds indexes that way: 10 s
//! for a city's layers). Here the tree is packed in memory with
//! Sort-Tile-Recursive and its nodes are written straight into the table's
//! three shadow tables, in SQLite's own format (`ext/rtree/rtree.c`: a node is
//! a 2-byte depth, a 2-byte cell count, then cells of a 64-bit id and four
//! 32-bit floats, all big-endian; `_rowid` maps an id to its leaf, `_parent` a
//! node to its parent). GDAL ≥ 3.7 does the same. `rtreecheck()` verifies
//! the result in the tests.

use rusqlite::Connection;

/// One entry: an id (a feature's FID, or a child node's number) and its box.
#[derive(Clone, Copy, Debug)]
struct Cell {
    id: i64,
    /// minx, maxx, miny, maxy: the column order of a GeoPackage R-tree.
    b: [f32; 4],
}

impl Cell {
    fn centre(&self, axis: usize) -> f32 {
        let k = 2 * axis;
        self.b[k] / 2.0 + self.b[k + 1] / 2.0
    }
}

/// The nearest f32 at or below `d` (SQLite's `rtreeValueDown`), so a stored box never shrinks.
fn down(d: f64) -> f32 {
    let f = d as f32;
    if f as f64 > d {
        f.next_down()
    } else {
        f
    }
}

/// The nearest f32 at or above `d` (SQLite's `rtreeValueUp`).
fn up(d: f64) -> f32 {
    let f = d as f32;
    if (f as f64) < d {
        f.next_up()
    } else {
        f
    }
}

/// A box over `cells`.
fn union(cells: &[Cell]) -> [f32; 4] {
    let mut b = [f32::INFINITY, f32::NEG_INFINITY, f32::INFINITY, f32::NEG_INFINITY];
    for c in cells {
        b[0] = b[0].min(c.b[0]);
        b[1] = b[1].max(c.b[1]);
        b[2] = b[2].min(c.b[2]);
        b[3] = b[3].max(c.b[3]);
    }
    b
}

/// Sort-Tile-Recursive: cut `cells` into vertical slabs by x, each slab into
/// nodes of at most `cap` by y; neighbours end up in the same node.
fn pack(mut cells: Vec<Cell>, cap: usize) -> Vec<Vec<Cell>> {
    let nodes = cells.len().div_ceil(cap);
    let slabs = (nodes as f64).sqrt().ceil() as usize;
    let per_slab = cap * nodes.div_ceil(slabs.max(1));
    cells.sort_by(|a, b| a.centre(0).total_cmp(&b.centre(0)).then(a.id.cmp(&b.id)));
    let mut out = Vec::with_capacity(nodes);
    for slab in cells.chunks_mut(per_slab) {
        slab.sort_by(|a, b| a.centre(1).total_cmp(&b.centre(1)).then(a.id.cmp(&b.id)));
        out.extend(slab.chunks(cap).map(<[Cell]>::to_vec));
    }
    out
}

/// Fill the empty R-tree `table` (as GDAL creates it: `rtree_<layer>_<geom>`)
/// with `boxes` (id, minx, maxx, miny, maxy). Runs inside the caller's transaction.
pub fn fill(db: &Connection, table: &str, boxes: &[(i64, [f64; 4])]) -> Result<(), String> {
    if boxes.is_empty() {
        return Ok(());
    }
    let e = |e: rusqlite::Error| e.to_string();
    let q = |suffix: &str| format!("\"{}_{suffix}\"", table.replace('"', "\"\""));
    // The node size is the length of the root node SQLite wrote on creation.
    let size: usize = db.query_row(&format!("SELECT length(data) FROM {} WHERE nodeno = 1", q("node")), [], |r| r.get(0)).map_err(e)?;
    let cap = (size - 4) / 24;
    let leaves: Vec<Cell> = boxes.iter().map(|&(id, b)| Cell { id, b: [down(b[0]), up(b[1]), down(b[2]), up(b[3])] }).collect();

    // Levels from the leaves up; in level k > 0 a cell's id is the index of its child node in level k - 1.
    let mut levels = vec![pack(leaves, cap)];
    while levels.last().expect("one level").len() > 1 {
        let below = levels.last().expect("one level");
        let cells: Vec<Cell> = below.iter().enumerate().map(|(i, n)| Cell { id: i as i64, b: union(n) }).collect();
        levels.push(pack(cells, cap));
    }
    // Node numbers: the root is 1, then each level below in order.
    let height = levels.len();
    let mut first = vec![0i64; height];
    let mut next = 1i64;
    for k in (0..height).rev() {
        first[k] = next;
        next += levels[k].len() as i64;
    }

    db.execute_batch(&format!("DELETE FROM {}", q("node"))).map_err(e)?;
    let mut node = db.prepare(&format!("INSERT INTO {} (nodeno, data) VALUES (?1, ?2)", q("node"))).map_err(e)?;
    let mut parent = db.prepare(&format!("INSERT INTO {} (nodeno, parentnode) VALUES (?1, ?2)", q("parent"))).map_err(e)?;
    let mut rowids: Vec<(i64, i64)> = Vec::with_capacity(boxes.len());
    let mut blob = vec![0u8; size];
    for (k, nodes) in levels.iter().enumerate() {
        for (i, cells) in nodes.iter().enumerate() {
            let no = first[k] + i as i64;
            blob.fill(0);
            // Only the root records the tree's depth.
            let depth = if k == height - 1 { (height - 1) as u16 } else { 0 };
            blob[0..2].copy_from_slice(&depth.to_be_bytes());
            blob[2..4].copy_from_slice(&(cells.len() as u16).to_be_bytes());
            for (j, c) in cells.iter().enumerate() {
                let id = if k == 0 { c.id } else { first[k - 1] + c.id };
                let at = 4 + 24 * j;
                blob[at..at + 8].copy_from_slice(&id.to_be_bytes());
                for (v, x) in c.b.iter().enumerate() {
                    blob[at + 8 + 4 * v..at + 12 + 4 * v].copy_from_slice(&x.to_be_bytes());
                }
                if k == 0 {
                    rowids.push((c.id, no));
                } else {
                    parent.execute([id, no]).map_err(e)?;
                }
            }
            node.execute(rusqlite::params![no, &blob[..]]).map_err(e)?;
        }
    }
    // In id order: appending to the rowid table's B-tree, not scattering.
    rowids.sort_unstable();
    let columns = ["rowid".to_string(), "nodeno".to_string()];
    super::insert_rows(db, &q("rowid"), &columns, rowids.len(), |stmt, first, row| {
        let (id, no) = rowids[row];
        stmt.raw_bind_parameter(first, id).and_then(|_| stmt.raw_bind_parameter(first + 1, no)).map_err(|e| e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn check(n: usize) {
        let db = Connection::open_in_memory().unwrap();
        db.execute_batch("CREATE VIRTUAL TABLE rtree_t_geom USING rtree(id, minx, maxx, miny, maxy)").unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(n as u64);
        let boxes: Vec<(i64, [f64; 4])> = (0..n)
            .map(|i| {
                let (x, y) = (rng.gen_range(590_000.0..630_000.0), rng.gen_range(3_420_000.0..3_460_000.0));
                let (w, h) = (rng.gen_range(0.0..300.0), rng.gen_range(0.0..300.0));
                (i as i64 * 3 + 7, [x, x + w, y, y + h])
            })
            .collect();
        fill(&db, "rtree_t_geom", &boxes).unwrap();
        let verdict: String = db.query_row("SELECT rtreecheck('rtree_t_geom')", [], |r| r.get(0)).unwrap();
        assert_eq!(verdict, "ok", "{n} boxes");
        // A window query through SQLite's own R-tree code finds exactly the boxes that meet the window.
        let w = [600_000.0, 604_000.0, 3_430_000.0, 3_431_500.0];
        let mut found: Vec<i64> = db
            .prepare("SELECT id FROM rtree_t_geom WHERE maxx >= ?1 AND minx <= ?2 AND maxy >= ?3 AND miny <= ?4")
            .unwrap()
            .query_map(w, |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        found.sort_unstable();
        let want: Vec<i64> = boxes.iter().filter(|(_, b)| b[1] >= w[0] && b[0] <= w[1] && b[3] >= w[2] && b[2] <= w[3]).map(|(id, _)| *id).collect();
        assert_eq!(found, want, "{n} boxes");
        let count: i64 = db.query_row("SELECT count(*) FROM rtree_t_geom", [], |r| r.get(0)).unwrap();
        assert_eq!(count, n as i64);
        // The tree stays a working index: SQLite's own insert and delete still work on it.
        db.execute_batch("INSERT INTO rtree_t_geom VALUES (1, 0, 1, 0, 1); DELETE FROM rtree_t_geom WHERE id = 7").unwrap();
        let verdict: String = db.query_row("SELECT rtreecheck('rtree_t_geom')", [], |r| r.get(0)).unwrap();
        assert_eq!(verdict, "ok", "{n} boxes after an insert and a delete");
    }

    #[test]
    fn a_packed_tree_is_one_sqlite_accepts_and_queries() {
        for n in [1, 50, 51, 52, 2_700, 40_000] {
            check(n);
        }
    }

    #[test]
    fn stored_boxes_never_shrink() {
        for d in [3_427_505.924665, -0.1, 592_344.639792, 1e-40, 0.0] {
            assert!(down(d) as f64 <= d && up(d) as f64 >= d, "{d}");
        }
    }
}
