//! The web map (`web/index.html`), opened from file:// in the real headless
//! Chromium with the network cut off: no console message, the four colours
//! drawn, a red object's panel with every fact of the GeoPackage, a domain
//! layer switched on, the 街镇 drop-down zooming. The page reads its state
//! from the URL hash (the same code paths as clicks and the drop-down).

use std::path::{Path, PathBuf};

use crate::cdp::Browser;
use crate::common::*;

/// Headless Chromium on a page of `web/` with `hash`; `what` is `--dump-dom`
/// or `--screenshot=FILE`. Returns stdout and the console lines of stderr.
fn chromium(page: &Path, hash: &str, what: &str) -> (String, Vec<String>) {
    let profile = tempfile::tempdir().unwrap();
    let o = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
        ])
        // No network: every name resolves to nothing, every proxy is a dead port.
        .args(["--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--enable-logging=stderr", "--v=0"])
        .args(["--window-size=1400,900", "--virtual-time-budget=5000"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(what)
        .arg(format!("file://{}#{hash}", page.display()))
        .output()
        .expect("chromium (run scripts/setup.sh)");
    let console = String::from_utf8_lossy(&o.stderr).lines().filter(|l| l.contains(":CONSOLE")).map(str::to_owned).collect();
    (String::from_utf8_lossy(&o.stdout).into_owned(), console)
}

/// Pixels near each blended level colour (the grid is drawn at 75 % over the page's background).
fn level_pixels(png: &Path, palette: &[(u8, u8, u8)]) -> Vec<usize> {
    let img = resvg::tiny_skia::Pixmap::load_png(png).unwrap();
    let bg = (244.0, 243.0, 239.0);
    palette
        .iter()
        .map(|&(r, g, b)| {
            let want = [0.75 * r as f64 + 0.25 * bg.0, 0.75 * g as f64 + 0.25 * bg.1, 0.75 * b as f64 + 0.25 * bg.2];
            img.pixels()
                .iter()
                .filter(|p| {
                    let c = p.demultiply();
                    (c.red() as f64 - want[0]).abs() <= 4.0 && (c.green() as f64 - want[1]).abs() <= 4.0 && (c.blue() as f64 - want[2]).abs() <= 4.0
                })
                .count()
        })
        .collect()
}

/// Pixels that are neither the page's background nor white.
fn drawn_pixels(png: &Path) -> usize {
    let img = resvg::tiny_skia::Pixmap::load_png(png).unwrap();
    img.pixels().iter().filter(|p| ![(244, 243, 239), (255, 255, 255)].contains(&(p.red(), p.green(), p.blue()))).count()
}

fn url(page: &Path, hash: &str) -> String {
    format!("file://{}#{hash}", page.display())
}

/// The page has applied its hash and drawn.
const READY: &str = "document.body.dataset.ready === '1'";

/// Where a point object of a loaded domain is on the page, in CSS pixels.
fn position(b: &mut Browser, domain: &str, id: &str) -> (f64, f64) {
    let js = format!(
        "(() => {{ const f = SISE_OBJECTS[{d}].features.find((f) => f.properties.id === {id}); const [x, y] = f.geometry.coordinates; \
         const p = siseMap.latLngToContainerPoint([y, x]); const r = siseMap.getContainer().getBoundingClientRect(); return [r.x + p.x, r.y + p.y]; }})()",
        d = serde_json::json!(domain),
        id = serde_json::json!(id)
    );
    let at = b.eval(&js);
    (at[0].as_f64().unwrap(), at[1].as_f64().unwrap())
}

/// Find an object as a user does (its layer switched on by a click, its id
/// typed into the search box), then click it on the map: the panel names it.
fn find_and_click(b: &mut Browser, domain: &str, id: &str) {
    b.click_on(&format!("#layers input[data-layer=\"{domain}\"]"));
    b.wait(&format!("window.SISE_OBJECTS[{}]", serde_json::json!(domain)));
    b.eval("document.getElementById('search').value = ''");
    b.click_on("#search");
    b.type_text(id);
    b.key("Enter", 13);
    b.wait(&format!("document.getElementById('panel-id')?.innerText === {}", serde_json::json!(id)));
    // The search opened the panel; empty it, so that only the click can fill it again.
    b.eval("document.getElementById('panel').innerHTML = ''");
    let (x, y) = position(b, domain, id);
    b.click(x, y);
    b.wait("document.getElementById('panel-id')");
    assert_eq!(b.text("#panel-id"), id, "clicked at ({x}, {y})");
}

/// The cells of the panel's indicator table, row by row.
fn indicator_cells(b: &mut Browser) -> Vec<Vec<String>> {
    let v = b.eval("[...document.querySelectorAll('#panel-indicators tr')].slice(1).map((r) => [...r.cells].map((c) => c.innerText))");
    serde_json::from_value(v).unwrap()
}

#[test]
fn the_demo_web_map_works_offline_in_chromium() {
    let out = shared_run("layers/demo/assessment.toml");
    let page: PathBuf = out.join("web/index.html");
    assert!(page.exists() && out.join("web/data.js").exists() && out.join("web/vendor/leaflet-1.9.4/LICENSE").exists());
    let tmp = tempfile::tempdir().unwrap();
    let mut b = Browser::open(&url(&page, ""), 1400, 900, READY);

    // Opened as is: drawn, no console message, the comprehensive grid in the four colours.
    let shot = tmp.path().join("overview.png");
    b.screenshot(&shot);
    let palette = [(0xE6, 0, 0), (0xFF, 0x8C, 0), (0xFF, 0xD7, 0), (0x1E, 0x90, 0xFF)];
    let counts = level_pixels(&shot, &palette);
    assert!(counts.iter().all(|n| *n > 200), "four colours drawn: {counts:?}");

    // Layer switches, clicked: the grid off, then D16 on, changes the drawn pixels.
    let (off, on) = (tmp.path().join("off.png"), tmp.path().join("on.png"));
    b.click_on("#layers input[data-layer=\"grid\"]");
    b.screenshot(&off);
    b.click_on("#layers input[data-layer=\"D16\"]");
    b.wait("window.SISE_OBJECTS.D16");
    b.screenshot(&on);
    let (a, c) = (drawn_pixels(&off), drawn_pixels(&on));
    assert!(c > a + 5000, "D16 switched on: {a} → {c} drawn pixels");
    assert!(b.text("#legend").contains("D16"), "the legend follows what is shown: {}", b.text("#legend"));

    // The 街镇 drop-down, by keyboard: the first 街镇 zooms the map into it and opens its panel.
    let streets = read_layer(&out.join("sise.gpkg"), "streets");
    let name =
        streets.iter().map(|s| s["street_name"].clone().unwrap()).find(|n| b.text("#street option:nth-child(2)") == *n).expect("the drop-down lists the 街镇");
    let whole = b.eval("siseMap.getZoom()").as_f64().unwrap();
    b.eval("document.getElementById('street').focus()");
    b.key("ArrowDown", 40);
    b.wait(&format!("document.querySelector('#panel h2')?.innerText === {}", serde_json::json!(name)));
    let zoomed = b.eval("siseMap.getZoom()").as_f64().unwrap();
    assert!(zoomed >= whole + 1.0, "zoom {whole} → {zoomed}");
    let inside = b.eval(&format!(
        "(() => {{ const f = SISE_DATA.streets.features.find((f) => f.properties.name === {}); return L.geoJSON(f).getBounds().contains(siseMap.getCenter()); }})()",
        serde_json::json!(name)
    ));
    assert_eq!(inside, serde_json::json!(true), "the map centres on {name}");

    // A red D01 object with a veto, chosen from the GeoPackage, clicked on the
    // map: its panel says why it is red, with every indicator's value.
    let rows = read_layer(&out.join("sise.gpkg"), "D01_hazardous_chemicals");
    let red = rows.iter().find(|r| r["level"].as_deref() == Some("1") && r["veto_reason"].is_some()).expect("a red D01 object with a veto");
    let id = red["id"].clone().unwrap();
    find_and_click(&mut b, "D01", &id);
    assert!(b.text("#panel-level").contains("重大风险"));
    assert_eq!(b.text("#panel-veto"), red["veto_reason"].clone().unwrap());
    let shown: Vec<String> = indicator_cells(&mut b).into_iter().map(|r| r[1].clone()).collect();
    for key in ["hazard_class", "major_hazard_grade", "population_1000m", "sensitive_distance"] {
        let v = red[key].clone().unwrap();
        // Numbers as the page rounds them (2 decimals), text as is.
        let want = v.parse::<f64>().map(|x| format!("{}", (x * 100.0).round() / 100.0)).unwrap_or(v);
        assert!(shown.contains(&want), "{key} = {want} not among the panel's values {shown:?}");
    }

    // The page's 风险清单 lists the red and orange objects; the object's row links to it on the map.
    b.click_on("#list");
    b.wait("document.getElementById('register')");
    let severe = read_gpkg_layer_names(&out.join("sise.gpkg"))
        .iter()
        .filter(|l| l.starts_with('D'))
        .map(|l| read_layer(&out.join("sise.gpkg"), l).iter().filter(|r| matches!(r["level"].as_deref(), Some("1" | "2"))).count())
        .sum::<usize>();
    assert_eq!(b.text("#panel h2"), format!("重大、较大风险清单（{severe}）"));
    b.click_on(&format!("#register a[href=\"#select=D01%3A{id}\"]"));
    b.wait(&format!("document.getElementById('panel-id')?.innerText === {}", serde_json::json!(id)));

    // An object the expert review raised (demo 专家研判.csv): its panel shows both levels, the reason and the expert.
    find_and_click(&mut b, "D12", "VN026");
    assert!(b.text("#panel-level").contains("重大风险"), "{}", b.text("#panel-level"));
    let review = b.text("#panel-review");
    assert!(review.contains("计算等级 较大风险 → 专家调整 重大风险") && review.contains("陈立"), "{review}");
    assert!(b.console.is_empty(), "console: {:?}", b.console);
}

/// Levels by id in one domain layer of a year's GeoPackage.
fn levels(gpkg: &Path, layer: &str) -> std::collections::BTreeMap<String, i64> {
    read_layer(gpkg, layer).into_iter().map(|r| (r["id"].clone().unwrap(), r["level"].clone().unwrap().parse().unwrap())).collect()
}

/// Two years of the cycle: the later page's change layer counts what the
/// two GeoPackages say went up, down, in and out; a clicked change names
/// both years' levels; the year switch opens the earlier year at the same
/// place, and that page (written first) knows of the later year.
#[test]
fn the_year_switch_and_change_layer_follow_the_cycle() {
    let tmp = tempfile::tempdir().unwrap();
    for cfg in ["layers/demo/assessment.toml", "layers/demo-2025/assessment.toml"] {
        let o = sise(&["run", repo().join(cfg).to_str().unwrap(), "--out", tmp.path().to_str().unwrap(), "-q"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let cycle = year_dir(tmp.path()).parent().unwrap().to_owned();
    let (g24, g25) = (cycle.join("2024/sise.gpkg"), cycle.join("2025/sise.gpkg"));
    let mut want = [0usize; 6];
    let mut by_layer = std::collections::BTreeMap::new();
    for layer in read_gpkg_layer_names(&g25).into_iter().filter(|l| l.starts_with('D')) {
        let (a, b) = (levels(&g24, &layer), levels(&g25, &layer));
        for (id, after) in &b {
            match a.get(id) {
                None => want[4] += 1,
                Some(before) if after < before => want[1] += 1,
                Some(before) if after > before => want[2] += 1,
                _ => {}
            }
        }
        want[5] += a.keys().filter(|id| !b.contains_key(*id)).count();
        by_layer.insert(layer[..3].to_owned(), (a, b));
    }
    assert!(want[1] > 0 && want[2] > 0 && want[4] > 0, "the demo's 2025 update has ups, downs and new objects: {want:?}");

    let mut b = Browser::open(&url(&cycle.join("2025/web/index.html"), ""), 1400, 900, READY);
    assert_eq!(b.eval("[...document.querySelectorAll('#year option')].map((o) => o.value)"), serde_json::json!(["2024", "2025"]));
    for (code, label) in [(1, "风险上升"), (2, "风险下降"), (4, "新增对象"), (5, "撤销对象")] {
        let title = b.eval(&format!("document.querySelector('#layers input[data-layer=\"change{code}\"]').parentElement.innerText.trim()"));
        assert_eq!(title, serde_json::json!(format!("{label}（{}）", want[code])));
    }

    // Switch the rises on, go to one and click it: the panel names both years' levels.
    b.click_on("#layers input[data-layer=\"change1\"]");
    let at = b.eval("SISE_CHANGES.objects.features.find((f) => f.properties.change === 1).geometry.coordinates");
    b.eval(&format!("void siseMap.setView([{}, {}], 17, {{ animate: false }})", at[1], at[0]));
    let p = b.eval("(() => { const p = siseMap.latLngToContainerPoint(siseMap.getCenter()); const r = siseMap.getContainer().getBoundingClientRect(); return [r.x + p.x, r.y + p.y]; })()");
    b.click(p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
    b.wait("document.getElementById('panel-before')");
    let (id, domain) = (b.text("#panel-id"), b.text("#panel tr:nth-child(2) td"));
    let (before, after) = (&by_layer[&domain[..3]].0[&id], &by_layer[&domain[..3]].1[&id]);
    let name = |l: i64| ["重大风险", "较大风险", "一般风险", "低风险"][l as usize - 1];
    assert!(after < before, "{domain} {id} went up: {before} → {after}");
    assert_eq!((b.text("#panel-before"), b.text("#panel-after")), (name(*before).to_owned(), name(*after).to_owned()));

    // The year switch, by keyboard: 2024 at the same place.
    let centre = b.eval("[siseMap.getCenter().lng, siseMap.getCenter().lat]");
    b.eval("document.getElementById('year').focus()");
    b.key("ArrowUp", 38);
    b.wait(&format!("window.SISE_DATA && SISE_DATA.year === 2024 && {READY}"));
    assert!(b.eval("location.pathname").as_str().unwrap().ends_with("/2024/web/index.html"));
    let now = b.eval("[siseMap.getCenter().lng, siseMap.getCenter().lat]");
    for k in 0..2 {
        assert!((now[k].as_f64().unwrap() - centre[k].as_f64().unwrap()).abs() < 1e-4, "{now} vs {centre}");
    }
    assert_eq!(b.eval("[...document.querySelectorAll('#year option')].map((o) => o.value)"), serde_json::json!(["2024", "2025"]));
    assert_eq!(b.eval("document.querySelectorAll('#layers input[data-layer^=\"change\"]').length"), serde_json::json!(0), "2024 has no previous year");
    assert!(b.console.is_empty(), "console: {:?}", b.console);
}

#[test]
fn no_web_leaves_the_web_map_out() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = repo().join("tests/fixtures/handmade/assessment.toml");
    let o = sise(&["run", cfg.to_str().unwrap(), "--out", tmp.path().to_str().unwrap(), "--no-web"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let year = year_dir(tmp.path());
    assert!(year.join("sise.gpkg").exists() && !year.join("web").exists());
}

/// Markup in 街镇 names and object ids (the dirty-input `injection` case)
/// shows as text in the rendered page: panels, labels, drop-down.
#[test]
fn text_from_the_inputs_stays_text_in_the_web_map() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = repo().join("tests/dirty-input/cases/injection/assessment.toml");
    let o = sise(&["run", cfg.to_str().unwrap(), "--out", tmp.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = year_dir(tmp.path()).join("web/index.html");
    let hash = format!("street=A01&select={}", "T01:%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    let (dom, console) = chromium(&page, &hash, "--dump-dom");
    assert!(console.is_empty(), "console: {console:?}");
    assert!(!dom.contains("<img src=\"x\"") && !dom.contains("<img src=x") && !dom.contains("<x onclick"), "markup from the data became elements");
    assert!(dom.contains("&lt;img src=x onerror=alert(1)&gt;甲街道"), "the 街镇 name shows as text");
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the object id shows as text");
}

/// The same page for a generated district at a tenth of city scale
/// (~90,000 objects): it opens on the overview in the four colours, and a
/// domain loaded on demand answers a click. (First-paint times at scale 1
/// are measured by bench/run.sh and reported, not asserted.)
#[test]
fn the_web_map_opens_at_a_tenth_of_city_scale() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("district");
    let o = sise(&["bench-data", "--scale", "0.1", "--out", data.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = tmp.path().join("out");
    let o = sise(&["run", data.join("assessment.toml").to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let year = year_dir(&out);
    let page = year.join("web/index.html");
    let mut b = Browser::open(&url(&page, ""), 1400, 900, READY);
    let shot = tmp.path().join("overview.png");
    b.screenshot(&shot);
    let counts = level_pixels(&shot, &[(0xE6, 0, 0), (0xFF, 0x8C, 0), (0xFF, 0xD7, 0), (0x1E, 0x90, 0xFF)]);
    assert!(counts.iter().filter(|n| **n > 200).count() >= 3, "colours drawn: {counts:?}");
    let rows = read_layer(&year.join("sise.gpkg"), "D08_special_equipment");
    assert!(rows.len() > 1000);
    let red = rows.iter().find(|r| r["level"].as_deref() == Some("1")).expect("a red D08 object");
    let id = red["id"].clone().unwrap();
    find_and_click(&mut b, "D08", &id);
    assert!(b.text("#panel-level").contains("重大风险"));

    // A large domain comes in tiles: switched on zoomed out, it shows its
    // grid levels and loads no tile; a red object reached by its 风险清单
    // link loads only the tiles in view, and answers a click on the map.
    let entry = b.eval("SISE_DATA.domains.filter((d) => d.tiles).flatMap((d) => d.listed)[0]");
    let (domain, id) = (entry["domain"].as_str().expect("a red or orange object of a tiled domain").to_owned(), entry["id"].as_str().unwrap().to_owned());
    let tiles = b.eval(&format!("SISE_DATA.domains.find((d) => d.id === '{domain}').tiles.length")).as_u64().unwrap();
    assert!(tiles > 4, "{domain} in {tiles} tiles");
    b.eval("void siseMap.setZoom(12, { animate: false })");
    b.click_on(&format!("#layers input[data-layer=\"{domain}\"]"));
    let loaded = |b: &mut Browser| b.eval(&format!("document.querySelectorAll('script[src*=\"domains/{domain}/\"]').length")).as_u64().unwrap();
    assert_eq!(loaded(&mut b), 0);
    let layer = read_gpkg_layer_names(&year.join("sise.gpkg")).into_iter().find(|l| l.starts_with(&format!("{domain}_"))).unwrap();
    let level = read_layer(&year.join("sise.gpkg"), &layer).into_iter().find(|r| r["id"].as_deref() == Some(&id)).unwrap()["level"].clone();
    assert_eq!(level.as_deref(), Some(entry["level"].to_string().as_str()));
    b.eval(&format!("location.hash = {}", serde_json::json!(format!("select={domain}:{id}"))));
    b.wait(&format!("document.getElementById('panel-id')?.innerText === {}", serde_json::json!(id)));
    let n = loaded(&mut b);
    assert!(n >= 1 && n < tiles, "{n} of {tiles} tiles loaded");
    b.eval("document.getElementById('panel').innerHTML = ''");
    let p = b.eval(&format!(
        "(() => {{ const p = siseMap.latLngToContainerPoint([{}, {}]); const r = siseMap.getContainer().getBoundingClientRect(); return [r.x + p.x, r.y + p.y]; }})()",
        entry["at"][1], entry["at"][0]
    ));
    b.click(p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
    b.wait("document.getElementById('panel-id')");
    assert_eq!(b.text("#panel-id"), id);
    assert!(b.console.is_empty(), "console: {:?}", b.console);
}

/// Under a GCJ-02 base map the page draws every object in GCJ-02: a real
/// metro station lands within 5 m of its GCJ-02 position, computed here by
/// the published formula (independently of sise).
#[test]
fn a_gcj02_base_map_shifts_the_data_into_gcj02() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = repo().join("layers/demo");
    let mut config = demo_config();
    let web: toml::Table =
        toml::from_str("basemap = \"http://tiles.invalid/{z}/{x}/{y}.png\"\nbasemap_datum = \"gcj02\"\nbasemap_attribution = \"测试底图\"").unwrap();
    config.insert("web".into(), web.into());
    let cfg = tmp.path().join("assessment.toml");
    std::fs::write(&cfg, toml::to_string(&config).unwrap()).unwrap();
    let out = tmp.path().join("out");
    let o = sise(&["run", cfg.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let web = year_dir(&out).join("web");
    assert!(std::fs::read_to_string(web.join("data.js")).unwrap().contains("tiles.invalid"));

    let script = r#"
import json, math, sys
def gcj02(lon, lat):
    a, ee = 6378245.0, 0.00669342162296594323
    x, y = lon - 105.0, lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlon += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlon += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * math.pi
    magic = 1 - ee * math.sin(rad) ** 2
    s = math.sqrt(magic)
    return lon + dlon * 180.0 / (a / s * math.cos(rad) * math.pi), lat + dlat * 180.0 / ((a * (1 - ee)) / (magic * s) * math.pi)
stations = {f["properties"]["id"]: f["geometry"]["coordinates"] for f in json.load(open(sys.argv[1]))["features"]}
body = open(sys.argv[2], encoding="utf-8").read()
# window.SISE_DOMAIN("D11", {columns}); points in millionths of a degree from the origin o.
drawn = json.loads(body[body.index("{"):body.rindex("}") + 1])
assert set(drawn["kind"]) == {1}, drawn["kind"]
worst, n = 0.0, 0
for id, (dx, dy) in zip(drawn["id"], drawn["geom"]):
    lon, lat = stations[id]
    glon, glat = gcj02(lon, lat)
    x, y = (drawn["o"][0] + dx) / 1e6, (drawn["o"][1] + dy) / 1e6
    d = math.hypot((x - glon) * 111320 * math.cos(math.radians(lat)), (y - glat) * 110540)
    worst, n = max(worst, d), n + 1
print(json.dumps({"stations": n, "worst_m": worst}))
"#;
    let o = std::process::Command::new("/usr/bin/python3")
        .args(["-c", script])
        .arg(demo.join("metro_stations.geojson"))
        .arg(web.join("domains/D11.js"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["stations"], 28);
    assert!(v["worst_m"].as_f64().unwrap() < 5.0, "{v}");
}

/// The objects' files hold coordinates as delta-coded integers that the
/// page unpacks: every vertex of every line and polygon it draws is where
/// the GeoPackage has it (transformed by GDAL to WGS84), ring by ring.
#[test]
fn the_page_draws_every_vertex_where_the_geopackage_has_it() {
    use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
    use gdal::vector::LayerAccess;
    let out = shared_run("layers/demo/assessment.toml");
    let page = out.join("web/index.html");
    let mut b = Browser::open(&url(&page, "layers=D02,D13&hide=grid"), 1000, 700, READY);
    b.wait("window.SISE_OBJECTS.D02 && window.SISE_OBJECTS.D13");
    let mut wgs84 = SpatialRef::from_epsg(4326).unwrap();
    wgs84.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let ds = gdal::Dataset::open(out.join("sise.gpkg")).unwrap();
    // A geometry's rings or lines as lists of [lon, lat] (GeoJSON nesting flattened to one list of lines).
    fn lines(v: &serde_json::Value) -> Vec<Vec<[f64; 2]>> {
        let pair = |p: &serde_json::Value| [p[0].as_f64().unwrap(), p[1].as_f64().unwrap()];
        let depth = |mut v: &serde_json::Value| {
            let mut d = 0;
            while let Some(first) = v.as_array().and_then(|a| a.first()) {
                v = first;
                d += 1;
            }
            d
        };
        match depth(v) {
            2 => vec![v.as_array().unwrap().iter().map(pair).collect()],
            3 => v.as_array().unwrap().iter().map(|l| l.as_array().unwrap().iter().map(pair).collect()).collect(),
            _ => v.as_array().unwrap().iter().flat_map(lines).collect(),
        }
    }
    fn geo_lines(g: &geo_types::Geometry<f64>) -> Vec<Vec<[f64; 2]>> {
        use geo_types::Geometry as G;
        let line = |l: &geo_types::LineString<f64>| l.coords().map(|c| [c.x, c.y]).collect::<Vec<_>>();
        let rings = |p: &geo_types::Polygon<f64>| std::iter::once(p.exterior()).chain(p.interiors()).map(line).collect::<Vec<_>>();
        match g {
            G::LineString(l) => vec![line(l)],
            G::MultiLineString(m) => m.iter().map(line).collect(),
            G::Polygon(p) => rings(p),
            G::MultiPolygon(m) => m.iter().flat_map(rings).collect(),
            other => panic!("not a line or polygon: {other:?}"),
        }
    }
    let mut vertices = 0;
    for (domain, layer) in [("D02", "D02_urban_gas"), ("D13", "D13_high_rise")] {
        let drawn = b.eval(&format!("Object.fromEntries(SISE_OBJECTS.{domain}.features.map((f) => [f.properties.id, f.geometry.coordinates]))"));
        let mut l = ds.layer_by_name(layer).unwrap();
        let to_wgs84 = CoordTransform::new(&l.spatial_ref().unwrap(), &wgs84).unwrap();
        let id_field = l.defn().field_index("id").unwrap();
        let mut n = 0;
        for f in l.features() {
            let id = f.field_as_string(id_field).unwrap().unwrap();
            let g = f.geometry().unwrap().transform(&to_wgs84).unwrap();
            let want = geo_lines(&g.to_geo().unwrap());
            let got = lines(&drawn[&id]);
            assert_eq!(got.len(), want.len(), "{domain} {id}: lines or rings");
            for (a, w) in got.iter().zip(&want) {
                assert_eq!(a.len(), w.len(), "{domain} {id}: vertices");
                for (p, q) in a.iter().zip(w) {
                    // Written to 6 decimals (≈ 0.1 m).
                    assert!((p[0] - q[0]).abs() < 1.5e-6 && (p[1] - q[1]).abs() < 1.5e-6, "{domain} {id}: {p:?} drawn, {q:?} in the GeoPackage");
                    vertices += 1;
                }
            }
            n += 1;
        }
        assert_eq!(n, drawn.as_object().unwrap().len(), "{domain}: every object drawn");
    }
    assert!(vertices > 2000, "{vertices} vertices compared");
}

/// With a sensitivity analysis, an object's panel shows its 等级稳定度, and
/// a 临界 one says so: the same figures as the GeoPackage.
#[test]
fn the_panel_shows_stability_after_a_sensitivity_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = year_dir(tmp.path().join("out"));
    let o = sise(&["sensitivity", repo().join("layers/demo/assessment.toml").to_str().unwrap(), "--out", root_of(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let d01 = read_layer(&out.join("sise.gpkg"), "D01_hazardous_chemicals");
    let critical = d01.iter().find(|r| r["critical"].as_deref() == Some("是")).expect("a 临界 D01 site");
    let steady = d01.iter().find(|r| r["critical"].as_deref() == Some("否")).expect("a steady D01 site");
    let mut b = Browser::open(&url(&out.join("web/index.html"), ""), 1400, 900, READY);
    for (k, (row, flagged)) in [(critical, true), (steady, false)].into_iter().enumerate() {
        let id = row["id"].clone().unwrap();
        if k == 0 {
            find_and_click(&mut b, "D01", &id);
        } else {
            // The layer is on: the search box opens the panel.
            b.eval("document.getElementById('search').value = ''");
            b.click_on("#search");
            b.type_text(&id);
            b.key("Enter", 13);
            b.wait(&format!("document.getElementById('panel-id')?.innerText === {}", serde_json::json!(id)));
        }
        let shown = b.text("#panel-stability");
        let pct = (row["stability"].as_ref().unwrap().parse::<f64>().unwrap() * 1000.0).round() / 10.0;
        assert!(shown.starts_with(&format!("{pct}%")), "{id}: '{shown}' for {pct}");
        assert_eq!(shown.contains("临界"), flagged, "{id}: '{shown}'");
    }
    assert!(b.console.is_empty(), "console: {:?}", b.console);
}
