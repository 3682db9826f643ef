// The 风险管控一张图 page: the run's layers (window.SISE_DATA, from data.js)
// drawn with Leaflet's canvas renderer (no WebGL; tiles, and so network,
// only when the run config names a base map).
// Every feature explains itself in the panel with the GeoPackage's facts.
// The URL hash drives the page for tests and links:
//   #select=D01:HC009   #layers=D01,D16   #street=310107102   #hide=grid   #list=1
//   #view=121.4,31.25,14 (longitude, latitude, zoom: kept by the year switch)
"use strict";

const D = window.SISE_DATA;
const colour = (level) => D.palette[level] || "#999";
const levelTag = (level) => `<span class="level l${level}" style="background:${colour(level)}">${esc(D.levelNames[level] || "—")}</span>`;

// Input text is data, never markup.
function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

document.getElementById("title").textContent = `${D.district}${D.year}年风险管控一张图（评估周期 ${D.cycle}）`;
document.title = document.getElementById("title").textContent;

const renderer = L.canvas({ padding: 0.5 });
const map = L.map("map", { preferCanvas: true, renderer, zoomControl: true, attributionControl: !!D.basemap });
window.siseMap = map; // for the browser console (and the tests, which click on objects by position)
// A base map only when the run config names one (its datum is the data's: see data.js).
if (D.basemap) L.tileLayer(D.basemap.url, { attribution: esc(D.basemap.attribution || ""), maxZoom: 19, subdomains: "1234" }).addTo(map);
L.control.scale({ imperial: false }).addTo(map);

const panel = document.getElementById("panel");
const layers = {}; // name → { layer, counts, visible }

function showPanel(html) {
  panel.innerHTML = html;
}

function objectPanel(domain, p) {
  const rows = domain.indicators
    .map((ind, k) => `<tr><td>${esc(ind.name)}${ind.unit ? "（" + esc(ind.unit) + "）" : ""}</td><td class="num">${esc(p.values[k])}</td><td class="num">${esc(p.scores[k])}</td></tr>`)
    .join("");
  const measure = domain.measures ? domain.measures[p.level - 1] : null;
  showPanel(`<h2>${esc(p.name || p.id)}</h2>
    <table>
      <tr><th>编号</th><td id="panel-id">${esc(p.id)}</td></tr>
      <tr><th>领域</th><td>${esc(domain.id)} ${esc(domain.name)}</td></tr>
      <tr><th>所在街镇</th><td>${esc(p.street || "—")}</td></tr>
      <tr><th>风险等级</th><td id="panel-level">${levelTag(p.level)}</td></tr>
      <tr><th>现实风险值</th><td class="num">${esc(p.score)}</td></tr>
      <tr><th>固有风险值</th><td class="num">${esc(p.inherent)}</td></tr>
      <tr><th>管控系数</th><td class="num">${esc(p.control)}</td></tr>
      <tr><th>一票否决原因</th><td id="panel-veto">${esc(p.veto || "无")}</td></tr>
      ${p.review ? `<tr><th>专家研判</th><td id="panel-review">${esc(p.review)}</td></tr>` : ""}
      ${p.stability != null ? `<tr><th>等级稳定度</th><td id="panel-stability">${esc(p.stability)}%${p.critical ? "（临界：建议专家复核）" : ""}</td></tr>` : ""}
    </table>
    <table id="panel-indicators"><tr><th>指标</th><th>取值</th><th>得分</th></tr>${rows}</table>
    ${measure ? `<p><b>管控措施：</b>${esc(measure)}</p>` : ""}`);
}

// `levelRows`: more rows of the level table (a 街镇's level last year).
function zonePanel(title, p, extra, levelRows = "") {
  const rows = D.domains
    .filter((d) => p.domains[d.id] != null)
    .map((d) => `<tr><td>${esc(d.id)} ${esc(d.name)}</td><td>${levelTag(p.domains[d.id])}</td></tr>`)
    .join("");
  showPanel(`<h2>${esc(title)}</h2>
    <table><tr><th>综合风险等级</th><td id="panel-level">${levelTag(p.level)}</td></tr><tr><th>综合风险值</th><td class="num">${esc(p.score)}</td></tr>${levelRows}${driverRows(p)}</table>
    <table><tr><th>领域</th><th>风险等级</th></tr>${rows}</table>${extra || ""}`);
}

// What drove a zone's level: 主导领域, its worst objects (a 街镇's as links), 定级依据.
function driverRows(p) {
  if (!p.leading) return "";
  const byId = Object.fromEntries(D.domains.map((d) => [d.id, d]));
  const leading = byId[p.leading] ? `${p.leading} ${byId[p.leading].name}` : p.leading;
  const objects = Array.isArray(p.drivers)
    ? p.drivers.map((o) => `<a href="#select=${encodeURIComponent(o.domain + ":" + o.id)}">${esc(o.name || o.id)}</a>（${levelTag(o.level)}）`).join("；")
    : esc(p.drivers || "—");
  return `<tr><th>主导领域</th><td id="panel-leading">${esc(leading)}</td></tr><tr><th>主要风险对象</th><td id="panel-drivers">${objects}</td></tr>` +
    (p.basis ? `<tr><th>定级依据</th><td id="panel-basis">${esc(p.basis)}</td></tr>` : "");
}

// A 街镇: its level per domain and its red and orange objects (listed in data.js).
function streetPanel(p) {
  const byId = Object.fromEntries(D.domains.map((d) => [d.id, d]));
  const list = p.severe
    .map((o) => `<tr><td>${levelTag(o.level)}</td><td><a href="#select=${encodeURIComponent(o.domain + ":" + o.id)}">${esc(o.name || o.id)}</a></td><td>${esc(byId[o.domain].name)}</td></tr>`)
    .join("");
  const more = p.severe_count > p.severe.length ? `<p class="hint">另有 ${p.severe_count - p.severe.length} 个，见风险清单。</p>` : "";
  const before = C && C.streets[p.code];
  const then = before ? `<tr><th>${esc(C.from)}年综合风险等级</th><td id="panel-before">${levelTag(before)}</td></tr>` : "";
  zonePanel(p.name, p, (p.severe_count ? `<h3>重大、较大风险对象（${p.severe_count}）</h3><table>${list}</table>${more}` : ""), then);
}

// The district's red and orange objects, each a link to it on the map.
function registerPanel() {
  const byId = Object.fromEntries(D.domains.map((d) => [d.id, d]));
  const rows = D.register
    .map(
      (o, k) =>
        `<tr><td class="num">${k + 1}</td><td><a href="#select=${encodeURIComponent(o.domain + ":" + o.id)}">${esc(o.name || o.id)}</a></td><td>${esc(byId[o.domain].name)}</td><td>${esc(o.street || "")}</td><td>${levelTag(o.level)}</td></tr>`,
    )
    .join("");
  const more = D.register_count > D.register.length ? `<p class="hint">另有 ${D.register_count - D.register.length} 个，见 tables/risk_register.csv。</p>` : "";
  showPanel(`<h2>重大、较大风险清单（${D.register_count}）</h2><table id="register"><tr><th>序号</th><th>风险点</th><th>领域</th><th>街镇</th><th>等级</th></tr>${rows}</table>${more}`);
}
document.getElementById("list").addEventListener("click", registerPanel);

const pointStyle = (level) => ({ radius: 5, color: "#fff", weight: 1, fillColor: colour(level), fillOpacity: 0.95, renderer });
const shapeStyle = (level, geometry) =>
  geometry === "line" ? { color: colour(level), weight: 5 - level, opacity: 0.95, renderer } : { color: "#fff", weight: 0.5, fillColor: colour(level), fillOpacity: 0.8, renderer };

function counts(features) {
  const c = { 1: 0, 2: 0, 3: 0, 4: 0 };
  for (const f of features) c[f.properties.level] = (c[f.properties.level] || 0) + 1;
  return c;
}

// A layer entry: the Leaflet layer (made on first display by `make`), its
// counts per level, whether it is shown.
// A change layer has a `swatch` (its colour) and a count instead of counts per level.
function addLayer(name, title, group, make, levelCounts, visible, swatch) {
  layers[name] = { make, layer: null, counts: levelCounts, visible: false, title, swatch };
  const box = document.createElement("label");
  box.innerHTML = `<input type="checkbox" data-layer="${esc(name)}"> ${esc(title)}`;
  const input = box.querySelector("input");
  input.addEventListener("change", () => setVisible(name, input.checked));
  groupBox(group).appendChild(box);
  if (visible) setVisible(name, true);
}

function groupBox(group) {
  let g = document.querySelector(`#layers [data-group="${group}"]`);
  if (!g) {
    g = document.createElement("div");
    g.dataset.group = group;
    g.innerHTML = `<h3>${esc(group)}</h3>`;
    document.getElementById("layers").appendChild(g);
  }
  return g;
}

// Show or hide a layer; a domain's objects are loaded the first time (a
// script tag, which file:// allows). Returns a promise of the layer.
function setVisible(name, on) {
  const l = layers[name];
  if (!l) return Promise.resolve(null);
  l.visible = on;
  const input = document.querySelector(`#layers input[data-layer="${name}"]`);
  if (input) input.checked = on;
  legend();
  if (!on) {
    if (l.layer) map.removeLayer(l.layer);
    return Promise.resolve(l.layer);
  }
  return l.make().then((layer) => {
    l.layer = layer;
    if (!l.visible) return layer;
    layer.addTo(map);
    // A tiled domain shown again: the tiles of the view now.
    return layer.refresh ? layer.refresh() : layer;
  });
}

// The legend counts what is shown, per level.
function legend() {
  const total = { 1: 0, 2: 0, 3: 0, 4: 0 };
  const shown = Object.values(layers).filter((l) => l.visible && !l.swatch);
  const changes = Object.values(layers).filter((l) => l.visible && l.swatch);
  for (const l of shown) for (const k of [1, 2, 3, 4]) total[k] += l.counts[k] || 0;
  document.getElementById("legend").innerHTML =
    `<b>图例</b>（${esc(shown.map((l) => l.title).join("、") || "无图层")}）` +
    [1, 2, 3, 4].map((k) => `<div><i style="background:${colour(k)}"></i>${esc(D.levelNames[k])} <span data-count="${k}">${total[k]}</span></div>`).join("") +
    changes.map((l) => `<div><i class="ring" style="border-color:${l.swatch}"></i>${esc(l.title)}</div>`).join("");
}

// Layers: comprehensive grid, 街镇 levels, the domains, 街镇 boundaries with names on top.
const ready = (layer) => () => Promise.resolve(layer);
const grid = L.geoJSON(D.grid, {
  style: (f) => ({ color: "#fff", weight: 0.3, fillColor: colour(f.properties.level), fillOpacity: 0.75, renderer }),
  onEachFeature: (f, l) => l.on("click", () => zonePanel(`网格 ${f.properties.id}`, f.properties)),
});
addLayer("grid", "综合风险网格", "综合", ready(grid), counts(D.grid.features), true);
const streetLevels = L.geoJSON(D.streets, {
  style: (f) => ({ color: "#fff", weight: 1, fillColor: colour(f.properties.level), fillOpacity: 0.75, renderer }),
  onEachFeature: (f, l) => l.on("click", () => streetPanel(f.properties)),
});
addLayer("streets", "街镇综合风险", "综合", ready(streetLevels), counts(D.streets.features), false);

// Each domain's objects: a small domain from domains/ID.js, once; a large
// one (d.tiles) from domains/ID/X_Y.js, the tiles in view, when zoomed in to
// TILE_MIN_ZOOM — zoomed out it shows its level per grid cell instead.
window.SISE_OBJECTS = {};
// A file of objects comes in columns (see write_objects in src/emit/web.rs):
// turned back into GeoJSON features. Coordinates are millionths of a degree,
// each line's first point from the file's origin `o`, the next from the one before.
function unpack(t) {
  const line = (r) => {
    const out = [];
    let x = t.o[0];
    let y = t.o[1];
    for (let k = 0; k < r.length; k += 2) {
      x += r[k];
      y += r[k + 1];
      out.push([x / 1e6, y / 1e6]);
    }
    return out;
  };
  const types = [null, "Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon"];
  const coordinates = [null, (g) => line(g)[0], line, (g) => g.map(line), line, (g) => g.map(line), (g) => g.map((p) => p.map(line))];
  const features = t.id.map((id, i) => ({
    type: "Feature",
    geometry: t.kind[i] ? { type: types[t.kind[i]], coordinates: coordinates[t.kind[i]](t.geom[i]) } : null,
    properties: {
      id,
      name: t.name[i],
      street: t.street[i] == null ? null : t.streets[t.street[i]],
      level: t.level[i],
      score: t.score[i],
      inherent: t.inherent[i],
      control: t.control[i],
      veto: t.veto[i],
      review: t.review[i] ?? null,
      stability: t.stability ? t.stability[i] : null,
      critical: t.critical ? t.critical[i] === 1 : false,
      scores: t.scores.map((c) => c[i]),
      values: t.values.map((c) => c[i]),
    },
  }));
  return { type: "FeatureCollection", features };
}
window.SISE_DOMAIN = (domain, objects) => (window.SISE_OBJECTS[domain] = unpack(objects));
const index = {}; // "D01:HC009" → { domain, feature, layer }
const loading = {};
const TILE_MIN_ZOOM = 15;

// One script tag (file:// allows it, fetch it does not); resolves with what `got` returns after it ran.
function script(src, got) {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.onload = () => resolve(got());
    s.onerror = () => reject(new Error(`${src} did not load`));
    document.body.appendChild(s);
  });
}

// Objects as a Leaflet layer, each in the index and answering a click with its panel.
function objectLayer(d, objects) {
  return L.geoJSON(objects, {
    pointToLayer: (f, latlng) => L.circleMarker(latlng, pointStyle(f.properties.level)),
    style: (f) => shapeStyle(f.properties.level, d.geometry),
    onEachFeature: (f, l) => {
      index[`${d.id}:${f.properties.id}`] = { domain: d, feature: f, layer: l };
      l.on("click", (e) => {
        L.DomEvent.stopPropagation(e);
        objectPanel(d, f.properties);
      });
    },
  });
}

function objectsOf(d) {
  if (d.tiles) return tiledLayer(d);
  loading[d.id] = loading[d.id] || script(`domains/${encodeURIComponent(d.id)}.js`, () => window.SISE_OBJECTS[d.id]).then((objects) => objectLayer(d, objects));
  return loading[d.id];
}

// A large domain: its grid levels zoomed out, the tiles in view zoomed in.
const tileData = {}; // "D16/13712_6690" → FeatureCollection, set by each tile's script
window.SISE_TILE = (domain, key, objects) => (tileData[`${domain}/${key}`] = unpack(objects));
function tileOf(lat, lng, z) {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [Math.floor(((lng + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)];
}
function tiledLayer(d) {
  if (loading[d.id]) return loading[d.id];
  const group = L.layerGroup();
  const cells = L.geoJSON(
    { type: "FeatureCollection", features: D.grid.features.filter((f) => f.properties.domains[d.id] != null) },
    {
      style: (f) => ({ color: "#fff", weight: 0.3, fillColor: colour(f.properties.domains[d.id]), fillOpacity: 0.75, renderer }),
      onEachFeature: (f, l) => l.on("click", () => showPanel(`<h2>${esc(d.id)} ${esc(d.name)} · 网格 ${esc(f.properties.id)}</h2><p>${levelTag(f.properties.domains[d.id])}</p><p class="hint">放大到 ${TILE_MIN_ZOOM} 级以上显示各对象。</p>`)),
    },
  );
  const have = new Set(d.tiles);
  const shown = {}; // tile key → its layer
  group.refresh = () => {
    const zoomedIn = map.getZoom() >= TILE_MIN_ZOOM;
    if (!zoomedIn) {
      group.addLayer(cells);
      for (const k of Object.keys(shown)) group.removeLayer(shown[k]);
      return (group.pending = Promise.resolve(group));
    }
    group.removeLayer(cells);
    const b = map.getBounds();
    const [x0, y0] = tileOf(b.getNorth(), b.getWest(), d.tileZoom);
    const [x1, y1] = tileOf(b.getSouth(), b.getEast(), d.tileZoom);
    const want = [];
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) if (have.has(`${x}_${y}`)) want.push(`${x}_${y}`);
    for (const k of Object.keys(shown)) if (!want.includes(k)) group.removeLayer(shown[k]);
    group.pending = Promise.all(
      want.map((k) => {
        const key = `${d.id}/${k}`;
        loading[key] = loading[key] || script(`domains/${encodeURIComponent(d.id)}/${k}.js`, () => tileData[key]).then((objects) => (shown[k] = objectLayer(d, objects)));
        return loading[key].then((layer) => group.addLayer(layer));
      }),
    ).then(() => group);
    return group.pending;
  };
  map.on("moveend", () => {
    if (layers[d.id].visible) group.refresh();
  });
  loading[d.id] = group.refresh();
  return loading[d.id];
}
for (const d of D.domains) {
  addLayer(d.id, `${d.id} ${d.name}`, d.group, () => objectsOf(d), { 1: d.counts[0], 2: d.counts[1], 3: d.counts[2], 4: d.counts[3] }, false);
}
// Every small domain, for the search box (large ones are searched through their red and orange objects).
const allObjects = () => Promise.all(D.domains.filter((d) => !d.tiles).map(objectsOf));

// Changes since last year (changes.js, when the cycle has a previous year):
// one switch per kind, each object a ring in the kind's colour at its place.
function changePanel(p) {
  const d = D.domains.find((d) => d.id === p.domain);
  const kind = C.classes.find((c) => c.code === p.change);
  const link = p.after ? `<p><a href="#select=${encodeURIComponent(p.domain + ":" + p.id)}">在地图上查看该对象</a></p>` : "";
  showPanel(`<h2>${esc(kind.label)}</h2>
    <table>
      <tr><th>编号</th><td id="panel-id">${esc(p.id)}</td></tr>
      <tr><th>领域</th><td>${esc(p.domain)} ${esc(d ? d.name : "")}</td></tr>
      <tr><th>${esc(C.from)}年</th><td id="panel-before">${p.before ? levelTag(p.before) : "（未登记）"}</td></tr>
      <tr><th>${esc(C.to)}年</th><td id="panel-after">${p.after ? levelTag(p.after) : "（已撤销）"}</td></tr>
    </table>${link}`);
}
const C = window.SISE_CHANGES;
if (C) {
  for (const kind of C.classes.filter((c) => c.code !== 3)) {
    const features = C.objects.features.filter((f) => f.properties.change === kind.code);
    const layer = L.geoJSON(
      { type: "FeatureCollection", features },
      {
        pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 7, color: kind.colour, weight: 3, fillColor: "#fff", fillOpacity: 0.6, renderer }),
        onEachFeature: (f, l) =>
          l.on("click", (e) => {
            L.DomEvent.stopPropagation(e);
            changePanel(f.properties);
          }),
      },
    );
    addLayer(`change${kind.code}`, `${kind.label}（${features.length}）`, `年度变化（${C.from}→${C.to}）`, ready(layer), { total: features.length }, false, kind.colour);
  }
}

// Boundaries in a pane of their own above every layer, whenever those are
// drawn; clicks pass through to the layers below.
const boundaryPane = map.createPane("boundaries");
boundaryPane.style.zIndex = 450;
boundaryPane.style.pointerEvents = "none";
const boundaries = L.geoJSON(D.streets, {
  style: () => ({ color: "#333", weight: 1.5, fill: false, renderer: L.canvas({ pane: "boundaries" }) }),
  interactive: false,
}).addTo(map);
for (const f of D.streets.features) {
  if (f.properties.label) {
    L.tooltip({ permanent: true, direction: "center", className: "street-label" }).setLatLng([f.properties.label[1], f.properties.label[0]]).setContent(esc(f.properties.name)).addTo(map);
  }
}
const all = boundaries.getBounds();
map.fitBounds(all);

// 街镇 drop-down: zoom to one, or the whole district.
const streetSelect = document.getElementById("street");
for (const f of D.streets.features) {
  const o = document.createElement("option");
  o.value = f.properties.code;
  o.textContent = f.properties.name;
  streetSelect.appendChild(o);
}
function zoomStreet(code) {
  const f = D.streets.features.find((f) => f.properties.code === code);
  streetSelect.value = f ? code : "";
  map.fitBounds(f ? L.geoJSON(f).getBounds() : all, { animate: false });
  if (f) streetPanel(f.properties);
}
streetSelect.addEventListener("change", () => zoomStreet(streetSelect.value));

// The year switch: the same view in another year of the cycle (years.js,
// rewritten by every run, so a page written earlier learns of later years).
const years = window.SISE_YEARS || [];
const yearSelect = document.getElementById("year");
if (years.length > 1) {
  for (const y of years) {
    const o = document.createElement("option");
    o.value = y;
    o.textContent = `${y}年`;
    yearSelect.appendChild(o);
  }
  yearSelect.value = String(D.year);
  yearSelect.hidden = false;
  yearSelect.addEventListener("change", () => {
    const c = map.getCenter();
    const on = Object.keys(layers).filter((k) => layers[k].visible && !k.startsWith("change"));
    const hash = new URLSearchParams({ view: [c.lng.toFixed(6), c.lat.toFixed(6), map.getZoom()].join(","), layers: on.join(","), hide: "grid" });
    if (on.includes("grid")) hash.delete("hide");
    location.href = `../../${encodeURIComponent(yearSelect.value)}/web/index.html#${hash}`;
  });
}

// Search by name or id: the first match, its layer switched on.
let marked = null; // the ring around the selected object
// Where the red and orange objects are (data.js), to reach those of large domains.
const places = {};
for (const o of D.register.concat(...D.streets.features.map((f) => f.properties.severe), ...D.domains.map((d) => d.listed || []))) places[`${o.domain}:${o.id}`] = o;
function select(key) {
  const id = key.split(":")[0];
  const d = D.domains.find((d) => d.id === id);
  const place = places[key];
  // A large domain's object: go to it first, so its tile is in view.
  if (d && d.tiles && place && place.at) map.setView([place.at[1], place.at[0]], Math.max(map.getZoom(), 17), { animate: false });
  return setVisible(id, true)
    .then((layer) => (d && d.tiles && layer ? layer.refresh() : layer))
    .then(() => {
      const hit = index[key];
      if (!hit) return false;
      const l = hit.layer;
      const at = l.getLatLng ? l.getLatLng() : place && place.at ? L.latLng(place.at[1], place.at[0]) : l.getBounds().getCenter();
      if (l.getLatLng) map.setView(at, Math.max(map.getZoom(), 16), { animate: false });
      else if (!(d && d.tiles)) map.fitBounds(l.getBounds(), { maxZoom: 17, animate: false });
      if (marked) map.removeLayer(marked);
      marked = L.circleMarker(at, { radius: 14, color: "#000", weight: 2, fill: false, interactive: false, renderer }).addTo(map);
      objectPanel(hit.domain, hit.feature.properties);
      return true;
    });
}
// Names for the search box's suggestions, once every domain is loaded.
document.getElementById("search").addEventListener(
  "focus",
  () =>
    allObjects().then(() => {
      const names = document.getElementById("names");
      for (const key of Object.keys(index).slice(0, 5000)) {
        const o = document.createElement("option");
        o.value = index[key].feature.properties.name || index[key].feature.properties.id;
        names.appendChild(o);
      }
    }),
  { once: true },
);
document.getElementById("search").addEventListener("change", (e) => {
  const q = e.target.value.trim();
  const listed = Object.keys(places).find((k) => places[k].id === q || places[k].name === q);
  if (listed) return select(listed);
  allObjects().then(() => {
    const key = Object.keys(index).find((k) => index[k].feature.properties.id === q || index[k].feature.properties.name === q);
    if (key) select(key);
  });
});

// The hash: what to show (tests and links from the 风险清单 use it).
function applyHash() {
  const h = new URLSearchParams(location.hash.slice(1));
  document.body.dataset.ready = "";
  const work = [];
  for (const name of (h.get("hide") || "").split(",").filter(Boolean)) work.push(setVisible(name, false));
  for (const name of (h.get("layers") || "").split(",").filter(Boolean)) work.push(setVisible(name, true));
  if (h.get("view")) {
    const [lng, lat, zoom] = h.get("view").split(",").map(Number);
    map.setView([lat, lng], zoom, { animate: false });
  }
  if (h.get("street")) zoomStreet(h.get("street"));
  if (h.get("list")) registerPanel();
  if (h.get("select")) work.push(select(h.get("select")));
  Promise.all(work).then(() => {
    const b = map.getBounds();
    document.body.dataset.view = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((x) => x.toFixed(5)).join(",");
    document.body.dataset.ready = "1";
  });
}
window.addEventListener("hashchange", applyHash);
applyHash();
// When the first frame with the map was drawn (ms since navigation), for the benchmark.
requestAnimationFrame(() => requestAnimationFrame(() => (document.body.dataset.painted = Math.round(performance.now()))));
