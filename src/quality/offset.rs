//! Coordinates that look GCJ-02/BD-09 though their layer declares plain
//! WGS84: read as declared, objects near the district's edge fall outside it
//! (web-map offsets are ≈ 500 m in Shanghai) and the 街镇 the forms name
//! disagree with the coordinates; read through the inverse shift, they fit.
//! Each hypothesis is tested on the layer's own coordinates against the 街镇.

use crate::assess::Streets;
use crate::config::{LayerConfig, Offset};
use crate::load::crs::{bd09_to_wgs84, gcj02_to_wgs84, Transform};

/// How well one reading of the coordinates fits the 街镇.
struct Fit {
    outside: usize,
    /// Objects whose declared 街镇 matches the one their position falls in.
    agree: usize,
}

/// In words, why the layer's coordinates look offset, or `None`.
/// `locate` places a working-CRS point in a 街镇 as the run does (with its tolerance).
pub fn suspect(
    name: &str,
    cfg: &LayerConfig,
    working_crs: &str,
    points: &[Option<geo_types::Point<f64>>],
    declared: Option<&[Option<String>]>,
    streets: &Streets,
    locate: &dyn Fn(geo_types::Point<f64>) -> Option<usize>,
) -> Option<String> {
    if cfg.offset != Offset::None {
        return None;
    }
    let src = crate::load::outside::layer_crs(cfg)?;
    if !crate::load::crs::is_geographic(&src) {
        return None;
    }
    let to_src = Transform::new(working_crs, &src).ok()?;
    let from_src = Transform::new(&src, working_crs).ok()?;
    let lonlat: Vec<(f64, f64)> = points.iter().flatten().filter_map(|p| to_src.point(p.x(), p.y()).ok()).collect();
    let declared: Vec<Option<String>> = match declared {
        Some(d) => points.iter().zip(d).filter(|(p, _)| p.is_some()).map(|(_, s)| s.as_deref().map(crate::value::fold)).collect(),
        None => vec![None; lonlat.len()],
    };
    let fit = |shift: &dyn Fn(f64, f64) -> (f64, f64)| -> Fit {
        let mut f = Fit { outside: 0, agree: 0 };
        for (k, (lon, lat)) in lonlat.iter().enumerate() {
            let (x, y) = shift(*lon, *lat);
            let at = from_src.point(x, y).ok().and_then(|(x, y)| locate(geo_types::Point::new(x, y)));
            match at {
                None => f.outside += 1,
                Some(s) => f.agree += usize::from(declared[k].as_deref() == Some(crate::value::fold(&streets.names[s]).as_str())),
            }
        }
        f
    };
    let stated = declared.iter().filter(|d| d.is_some()).count();
    let as_declared = fit(&|x, y| (x, y));
    let share = |n: usize| if stated == 0 { 0.0 } else { n as f64 * 100.0 / stated as f64 };
    for (offset, word, datum, source) in [(Offset::Gcj02, "gcj02", "GCJ-02", "高德、腾讯地图"), (Offset::Bd09, "bd09", "BD-09", "百度地图")] {
        let shifted = fit(&|x, y| if offset == Offset::Gcj02 { gcj02_to_wgs84(x, y) } else { bd09_to_wgs84(x, y) });
        let fewer_outside = as_declared.outside > 0 && shifted.outside * 4 <= as_declared.outside;
        let agree_more = stated >= 5 && share(shifted.agree) >= share(as_declared.agree) + 10.0 && shifted.outside <= as_declared.outside;
        if fewer_outside || agree_more {
            let streets = if stated > 0 {
                format!("，所填街镇与坐标一致的由 {:.0}% 升至 {:.0}%", share(as_declared.agree), share(shifted.agree))
            } else {
                String::new()
            };
            return Some(format!(
                "坐标声明为 WGS84，但看起来是{source}的 {datum} 坐标：按 {datum} 纠偏后，区外对象由 {} 个减至 {} 个{streets}。请核实坐标来源，并在运行配置的 [layers.{}] 中设置 offset = \"{word}\"",
                as_declared.outside,
                shifted.outside,
                name
            ));
        }
    }
    None
}
