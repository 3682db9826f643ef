//! The demo's dynamic-update year.

use super::*;

/// The demo's dynamic-update year (2025): the same district a year on. Most
/// layers are unchanged (the 2025 config points at the 2024 files); the
/// 危险化学品 enterprises change as they do in a real update: most open
/// major hidden dangers rectified, some management grades raised after
/// inspection, three sites closed and four new ones opened in 桃浦.
pub fn next_year(year_2024: &Path, out: &Path, seed: u64) -> Result<()> {
    let src = year_2024.join("chemical_enterprises.csv");
    let text = std::fs::read_to_string(&src).map_err(|e| Error::input(Bad::File, &src, None, e.to_string()))?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed + 1);
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default().to_owned();
    let rows: Vec<Vec<String>> = lines.map(|l| l.split(',').map(str::to_owned).collect()).collect();
    let col = |name: &str| header.split(',').position(|h| h == name).expect("demo CSV header");
    let (grade, danger, kind) = (col("control_grade"), col("major_hidden_danger_unrectified"), col("kind"));
    let mut csv = header.clone() + "\n";
    let closed: Vec<usize> = {
        let mut c = Vec::new();
        while c.len() < 3 {
            let i = rng.gen_range(0..rows.len());
            if !c.contains(&i) {
                c.push(i);
            }
        }
        c
    };
    for (i, r) in rows.iter().enumerate() {
        if closed.contains(&i) {
            continue;
        }
        let mut r = r.clone();
        if r[danger] == "1" && rng.gen_bool(0.7) {
            r[danger] = "0".into();
        }
        if rng.gen_bool(0.2) {
            r[grade] = match r[grade].as_str() {
                "D" => "C",
                "C" => "B",
                "B" => "A",
                g => g,
            }
            .to_owned();
        }
        csv.push_str(&r.join(","));
        csv.push('\n');
    }
    // New sites: copies of existing filling or storage sites, moved into 桃浦's new development area.
    let template: Vec<&Vec<String>> = rows.iter().filter(|r| r[kind] == "加油站" || r[kind].starts_with("危化品经营")).collect();
    let (lon, lat) = (col("lon"), col("lat"));
    for k in 0..4 {
        let mut r = template[rng.gen_range(0..template.len())].clone();
        r[0] = format!("HC{:03}", rows.len() + k + 1);
        r[1] = format!("桃浦新建危化品站点{:02}", k + 1);
        r[danger] = "0".into();
        r[grade] = "B".into();
        r[lon] = format!("{:.6}", 121.335 + rng.gen_range(0.0..0.03));
        r[lat] = format!("{:.6}", 31.283 + rng.gen_range(0.0..0.015));
        csv.push_str(&r.join(","));
        csv.push('\n');
    }
    std::fs::create_dir_all(out).map_err(|e| Error::output(out, e))?;
    std::fs::write(out.join("chemical_enterprises.csv"), csv).map_err(|e| Error::output(out, e))?;
    Ok(())
}
