//! GeoJSON FeatureCollections parsed in one pass with serde_json. GDAL's
//! GeoJSON driver parses a file twice (once for the schema when it opens it,
//! once for the features) at ~30 MB/s: a city's 85 MB residential layer took
//! 3.6 s of a 5.8 s load.
//!
//! Only files GDAL would read the same way are taken here; for anything
//! else `parse` returns `None` and the layer goes through GDAL as before.
//! GDAL reads differently: text that looks like a date or time (it makes
//! Date fields and rewrites them), lists, objects and booleans, feature-level
//! ids and integer `id` properties (it makes them FIDs), 3-D positions (they
//! change the layer's CRS), columns mixing text and numbers, a new property
//! it would insert mid-schema, NaN. Anything this reader does not know
//! (unclosed rings, empty or unusual geometries, syntax errors) also goes
//! to GDAL, which reports it as it always has.
//!
//! Field order and types follow GDAL's: fields in order of first appearance,
//! typed by their non-null values (integers, reals if any value has a
//! fraction or exponent, text), all-null fields as text; FIDs count from 0.

use std::borrow::Cow;
use std::fmt;

use gdal::vector::OGRFieldType;
use geo_types::{Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// One property value as the JSON holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

/// A FeatureCollection read column by column.
pub struct Parsed {
    /// The document without its features: GDAL reads the layer's name and
    /// CRS from it, as it would from the file.
    pub header: Vec<u8>,
    /// Field names and their OGR types, as GDAL's driver would declare them.
    pub fields: Vec<(String, OGRFieldType::Type)>,
    /// Per field, one value per feature.
    pub columns: Vec<Vec<Value>>,
    /// Per feature, its geometry (`None` for `"geometry": null`).
    pub geoms: Vec<Option<Geometry<f64>>>,
}

/// The prefix of the errors that mean "let GDAL read this file".
const NOT_HERE: &str = "for GDAL: ";

fn not_here<E: de::Error>(why: impl fmt::Display) -> E {
    E::custom(format!("{NOT_HERE}{why}"))
}

/// Parse `bytes` (UTF-8, without a byte-order mark), or `Err` with why GDAL
/// should read the file instead.
pub fn parse(bytes: &[u8]) -> Result<Parsed, String> {
    let mut acc = Acc::default();
    let mut members: Vec<(String, Box<RawValue>)> = Vec::new();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    Collection { acc: &mut acc, members: &mut members }.deserialize(&mut de).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    if acc.geoms.is_empty() {
        return Err(format!("{NOT_HERE}no features"));
    }
    let mut fields = Vec::with_capacity(acc.fields.len());
    for (name, seen) in acc.fields.iter().zip(&acc.seen) {
        let ty = match (seen.text, seen.int || seen.real) {
            (true, true) => return Err(format!("{NOT_HERE}field '{name}' mixes text and numbers")),
            (true, false) => OGRFieldType::OFTString,
            (false, true) if name == "id" => return Err(format!("{NOT_HERE}a numeric 'id' property (GDAL makes it the FID)")),
            (false, true) if seen.real => OGRFieldType::OFTReal,
            (false, true) => OGRFieldType::OFTInteger64,
            (false, false) => OGRFieldType::OFTString,
        };
        fields.push((name.clone(), ty));
    }
    let n = acc.geoms.len();
    for c in &mut acc.columns {
        c.resize(n, Value::Null);
    }
    let mut header = String::from(r#"{"type":"FeatureCollection","#);
    for (k, v) in &members {
        header.push_str(&serde_json::to_string(k).map_err(|e| e.to_string())?);
        header.push(':');
        header.push_str(v.get());
        header.push(',');
    }
    header.push_str("\"features\":[]}");
    Ok(Parsed { header: header.into_bytes(), fields, columns: acc.columns, geoms: acc.geoms })
}

/// Why `parse` left a file to GDAL, for the log.
pub fn reason(e: &str) -> &str {
    e.strip_prefix(NOT_HERE).unwrap_or(e)
}

/// Which kinds of value a field has held.
#[derive(Default, Clone, Copy)]
struct Seen {
    int: bool,
    real: bool,
    text: bool,
}

#[derive(Default)]
struct Acc {
    fields: Vec<String>,
    seen: Vec<Seen>,
    columns: Vec<Vec<Value>>,
    geoms: Vec<Option<Geometry<f64>>>,
}

impl Acc {
    /// The column of property `key` in the feature being read, `after` the
    /// feature's previous property. A new field is appended only where GDAL
    /// would append it too (after the last field): GDAL inserts a new field
    /// after the feature's previous property.
    fn field<E: de::Error>(&mut self, key: &str, after: Option<usize>) -> Result<usize, E> {
        let hint = after.map_or(0, |a| a + 1);
        if self.fields.get(hint).is_some_and(|f| f == key) {
            return Ok(hint);
        }
        if let Some(i) = self.fields.iter().position(|f| f == key) {
            return Ok(i);
        }
        if key.is_empty() || self.fields.iter().any(|f| f.eq_ignore_ascii_case(key)) {
            return Err(not_here(format!("property '{key}' (empty, or another's name in other case)")));
        }
        if after.map(|a| a + 1) != Some(self.fields.len()) && !(after.is_none() && self.fields.is_empty()) {
            return Err(not_here(format!("new property '{key}' GDAL would insert among the earlier fields")));
        }
        self.fields.push(key.to_owned());
        self.seen.push(Seen::default());
        self.columns.push(Vec::new());
        Ok(self.fields.len() - 1)
    }
}

/// A string borrowed from the input where it has no escapes.
struct Str<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(s.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// The top-level object: `features` streamed into the columns, every other
/// member kept as it is written for the header.
struct Collection<'a> {
    acc: &'a mut Acc,
    members: &'a mut Vec<(String, Box<RawValue>)>,
}

impl<'de> DeserializeSeed<'de> for Collection<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Collection<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON FeatureCollection")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (mut is_collection, mut has_features) = (false, false);
        while let Some(Str(key)) = map.next_key()? {
            match &*key {
                "features" => {
                    map.next_value_seed(Features(&mut *self.acc))?;
                    has_features = true;
                }
                "type" => {
                    let Str(t) = map.next_value()?;
                    is_collection = t == "FeatureCollection";
                }
                _ => self.members.push((key.into_owned(), map.next_value()?)),
            }
        }
        if !(is_collection && has_features) {
            return Err(not_here("not a FeatureCollection with features"));
        }
        Ok(())
    }
}

struct Features<'a>(&'a mut Acc);

impl<'de> DeserializeSeed<'de> for Features<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Features<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of features")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Feature(&mut *self.0))?.is_some() {}
        Ok(())
    }
}

/// One feature: its properties go straight into the columns.
struct Feature<'a>(&'a mut Acc);

impl<'de> DeserializeSeed<'de> for Feature<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Feature<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a feature")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let acc = self.0;
        let row = acc.geoms.len();
        let (mut geometry, mut is_feature) = (None, false);
        while let Some(Str(key)) = map.next_key()? {
            match &*key {
                "type" => {
                    let Str(t) = map.next_value()?;
                    is_feature = t == "Feature";
                }
                "properties" => map.next_value_seed(Properties { acc: &mut *acc, row })?,
                "geometry" => geometry = Some(map.next_value::<Option<Geom>>()?.map(|g| g.0)),
                "id" => return Err(not_here("feature-level ids (GDAL makes them FIDs or fields)")),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !is_feature {
            return Err(not_here("a member of features that is not a Feature"));
        }
        let Some(geometry) = geometry else { return Err(not_here("a feature without a geometry member")) };
        acc.geoms.push(geometry);
        Ok(())
    }
}

struct Properties<'a> {
    acc: &'a mut Acc,
    row: usize,
}

impl<'de> DeserializeSeed<'de> for Properties<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for Properties<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of properties")
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (acc, row) = (self.acc, self.row);
        let mut after = None;
        while let Some(Str(key)) = map.next_key()? {
            let i = acc.field(&key, after)?;
            after = Some(i);
            let Prop(v) = map.next_value()?;
            let seen = &mut acc.seen[i];
            match &v {
                Value::Null => {}
                Value::Int(_) => seen.int = true,
                Value::Real(_) => seen.real = true,
                Value::Text(_) => seen.text = true,
            }
            let column = &mut acc.columns[i];
            if column.len() > row {
                return Err(not_here(format!("property '{key}' twice in one feature")));
            }
            column.resize(row, Value::Null);
            column.push(v);
        }
        Ok(())
    }
}

/// A property value GDAL reads as this reader does.
struct Prop(Value);

impl<'de> de::Deserialize<'de> for Prop {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Prop;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a property value")
            }
            fn visit_unit<E>(self) -> Result<Prop, E> {
                Ok(Prop(Value::Null))
            }
            fn visit_none<E>(self) -> Result<Prop, E> {
                Ok(Prop(Value::Null))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Prop, E> {
                Ok(Prop(Value::Int(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Prop, E> {
                i64::try_from(v).map(|v| Prop(Value::Int(v))).map_err(|_| not_here("an integer beyond 64 bits"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Prop, E> {
                // serde_json reads "-0" as a real, GDAL as an integer.
                if v == 0.0 && v.is_sign_negative() {
                    return Err(not_here("a negative zero"));
                }
                Ok(Prop(Value::Real(v)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Prop, E> {
                if looks_like_time(s) || s.contains('\0') {
                    return Err(not_here(format!("text '{s}' GDAL may read as a date or time")));
                }
                Ok(Prop(Value::Text(s.to_owned())))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Prop, E> {
                Err(not_here("a boolean property"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Prop, A::Error> {
                Err(not_here("a list property"))
            }
            fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Prop, A::Error> {
                Err(not_here("an object property"))
            }
        }
        d.deserialize_any(V)
    }
}

/// Text GDAL's driver may take for a date, time or date-time (it tries
/// `OGRParseDate` on every string): digits followed by '-', '/' or ':'.
/// Wider than GDAL's test; a false alarm only costs GDAL's slower read.
fn looks_like_time(s: &str) -> bool {
    let s = s.trim_start_matches(' ');
    let s = s.strip_prefix('-').unwrap_or(s);
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && matches!(s.as_bytes().get(digits), Some(b'-' | b'/' | b':'))
}

/// Nested coordinate arrays: a position, or a list of them (or of lists).
enum Nested {
    Num(f64),
    Pos(Coord<f64>),
    List(Vec<Nested>),
}

impl<'de> de::Deserialize<'de> for Nested {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Nested;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("coordinates")
            }
            fn visit_f64<E>(self, v: f64) -> Result<Nested, E> {
                Ok(Nested::Num(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Nested, E> {
                Ok(Nested::Num(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Nested, E> {
                Ok(Nested::Num(v as f64))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Nested, A::Error> {
                let Some(first) = seq.next_element::<Nested>()? else { return Err(not_here("empty coordinates")) };
                if let Nested::Num(x) = first {
                    // A position: exactly x and y (GDAL gives 3-D layers another CRS).
                    let y: f64 = seq.next_element()?.ok_or_else(|| not_here("a position with one number"))?;
                    if seq.next_element::<IgnoredAny>()?.is_some() {
                        return Err(not_here("3-D positions"));
                    }
                    return Ok(Nested::Pos(Coord { x, y }));
                }
                let mut list = vec![first];
                while let Some(n) = seq.next_element::<Nested>()? {
                    list.push(n);
                }
                if list.iter().any(|n| matches!(n, Nested::Num(_))) {
                    return Err(not_here("malformed coordinates"));
                }
                Ok(Nested::List(list))
            }
        }
        d.deserialize_any(V)
    }
}

fn position<E: de::Error>(n: Nested) -> Result<Coord<f64>, E> {
    match n {
        Nested::Pos(c) => Ok(c),
        _ => Err(not_here("malformed coordinates")),
    }
}

fn list<E: de::Error>(n: Nested) -> Result<Vec<Nested>, E> {
    match n {
        Nested::List(l) => Ok(l),
        _ => Err(not_here("malformed coordinates")),
    }
}

fn line<E: de::Error>(n: Nested) -> Result<LineString<f64>, E> {
    Ok(LineString(list(n)?.into_iter().map(position).collect::<Result<_, E>>()?))
}

/// A polygon whose rings are closed and have at least four positions, as
/// GDAL has them (geo-types would close an open ring silently).
fn polygon<E: de::Error>(n: Nested) -> Result<Polygon<f64>, E> {
    let mut rings = list(n)?.into_iter().map(line).collect::<Result<Vec<_>, E>>()?.into_iter();
    let exterior = rings.next().ok_or_else(|| not_here("a polygon without rings"))?;
    let interiors: Vec<_> = rings.collect();
    if std::iter::once(&exterior).chain(&interiors).any(|r| r.0.len() < 4 || r.0.first() != r.0.last()) {
        return Err(not_here("an open or short polygon ring"));
    }
    Ok(Polygon::new(exterior, interiors))
}

/// A geometry object as geo-types.
struct Geom(Geometry<f64>);

impl<'de> de::Deserialize<'de> for Geom {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Geom;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a geometry")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Geom, A::Error> {
                let (mut ty, mut coords) = (None, None);
                while let Some(Str(key)) = map.next_key()? {
                    match &*key {
                        "type" => ty = Some(map.next_value::<Str>()?.0.into_owned()),
                        "coordinates" => coords = Some(map.next_value::<Nested>()?),
                        "bbox" => {
                            map.next_value::<IgnoredAny>()?;
                        }
                        other => return Err(not_here(format!("geometry member '{other}'"))),
                    }
                }
                let (Some(ty), Some(c)) = (ty, coords) else { return Err(not_here("a geometry without type or coordinates")) };
                let g: Geometry<f64> = match ty.as_str() {
                    "Point" => Point(position(c)?).into(),
                    "MultiPoint" => MultiPoint(list(c)?.into_iter().map(|p| position(p).map(Point)).collect::<Result<_, _>>()?).into(),
                    "LineString" => line(c)?.into(),
                    "MultiLineString" => MultiLineString(list(c)?.into_iter().map(line).collect::<Result<_, _>>()?).into(),
                    "Polygon" => polygon(c)?.into(),
                    "MultiPolygon" => MultiPolygon(list(c)?.into_iter().map(polygon).collect::<Result<_, _>>()?).into(),
                    other => return Err(not_here(format!("geometry type '{other}'"))),
                };
                Ok(Geom(g))
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(p: &Parsed) -> Vec<(&str, OGRFieldType::Type)> {
        p.fields.iter().map(|(n, t)| (n.as_str(), *t)).collect()
    }

    #[test]
    fn reads_columns_types_and_geometries() {
        let text = r#"{"type":"FeatureCollection","name":"x","crs":{"type":"name","properties":{"name":"EPSG:4549"}},"features":[
            {"type":"Feature","properties":{"code":"A","n":1,"r":null},"geometry":{"type":"Point","coordinates":[1.5,2]}},
            {"type":"Feature","properties":{"code":"B\u00e9","n":2.5,"r":null,"new":7},"geometry":null},
            {"type":"Feature","properties":null,"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}"#;
        let p = parse(text.as_bytes()).unwrap();
        assert_eq!(
            fields(&p),
            [("code", OGRFieldType::OFTString), ("n", OGRFieldType::OFTReal), ("r", OGRFieldType::OFTString), ("new", OGRFieldType::OFTInteger64)]
        );
        assert_eq!(p.columns[0], [Value::Text("A".into()), Value::Text("Bé".into()), Value::Null]);
        assert_eq!(p.columns[1], [Value::Int(1), Value::Real(2.5), Value::Null]);
        assert_eq!(p.columns[3], [Value::Null, Value::Int(7), Value::Null]);
        assert_eq!(p.geoms[0], Some(Point::new(1.5, 2.0).into()));
        assert_eq!(p.geoms[1], None);
        assert!(matches!(p.geoms[2], Some(Geometry::Polygon(_))));
        let header: serde_json::Value = serde_json::from_slice(&p.header).unwrap();
        assert_eq!(header["crs"]["properties"]["name"], "EPSG:4549");
        assert_eq!(header["name"], "x");
        assert_eq!(header["features"], serde_json::json!([]));
    }

    #[test]
    fn leaves_to_gdal_what_gdal_reads_differently() {
        let feature =
            |props: &str, geom: &str| format!(r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{props},"geometry":{geom}}}]}}"#);
        let point = r#"{"type":"Point","coordinates":[1,2]}"#;
        for (props, geom) in [
            (r#"{"d":"2024-01-05"}"#, point),
            (r#"{"t":"12:30"}"#, point),
            (r#"{"b":true}"#, point),
            (r#"{"l":[1,2]}"#, point),
            (r#"{"o":{"a":1}}"#, point),
            (r#"{"id":5}"#, point),
            (r#"{"a":1,"A":2}"#, point),
            (r#"{"a":1,"a":2}"#, point),
            ("{}", r#"{"type":"Point","coordinates":[1,2,3]}"#),
            ("{}", r#"{"type":"Point","coordinates":[]}"#),
            ("{}", r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]}"#),
            ("{}", r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}"#),
            ("{}", r#"{"type":"GeometryCollection","geometries":[]}"#),
        ] {
            let text = feature(props, geom);
            let e = parse(text.as_bytes()).err().unwrap_or_else(|| panic!("taken: {text}"));
            assert!(e.starts_with(NOT_HERE) || e.contains("line"), "{text}: {e}");
        }
        // Text and numbers in one field; a field GDAL would insert before `b`.
        let two = |a: &str, b: &str| {
            format!(
                r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{a},"geometry":null}},{{"type":"Feature","properties":{b},"geometry":null}}]}}"#
            )
        };
        assert!(parse(two(r#"{"a":1}"#, r#"{"a":"x"}"#).as_bytes()).is_err());
        assert!(parse(two(r#"{"a":1,"b":2}"#, r#"{"a":1,"c":3,"b":2}"#).as_bytes()).is_err());
        assert!(parse(two(r#"{"a":1,"b":2}"#, r#"{"a":1,"b":2,"c":3}"#).as_bytes()).is_ok());
        // A feature-level id, and text that only starts with digits.
        assert!(parse(br#"{"type":"FeatureCollection","features":[{"type":"Feature","id":1,"properties":{},"geometry":null}]}"#).is_err());
        assert!(parse(feature(r#"{"n":"12号楼"}"#, point).as_bytes()).is_ok());
    }
}
