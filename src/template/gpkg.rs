//! The collection GeoPackage: one empty, typed layer per form, whose default
//! style (the `layer_styles` row QGIS loads with the layer) carries the
//! attribute form — value-map drop-downs with exactly the model's values,
//! range widgets, not-null and unique constraints, Chinese aliases — so a GIS
//! analyst digitises objects through forms instead of typing field values.

use std::fmt::Write as _;
use std::path::Path;

use super::Form;
use crate::emit::style::QGIS_VERSION;
use crate::emit::vector::{write_gpkg, StyleRow};
use crate::emit::xml::escape;
use crate::emit::{Column, OutLayer};
use crate::error::Result;
use crate::model::FieldKind;
use crate::schema;

pub fn write(path: &Path, forms: &[Form], crs: &str) -> Result<()> {
    let layers: Vec<OutLayer> = forms.iter().map(layer).collect();
    let styles: Vec<StyleRow> = forms
        .iter()
        .map(|f| StyleRow {
            layer: f.layer.clone(), name: "采集表单".into(), qml: qml(f), sld: String::new(), description: format!("{}采集表单", f.title)
        })
        .collect();
    write_gpkg(path, crs, &layers, &styles)
}

/// An empty layer with one typed column per form column.
fn layer(f: &Form) -> OutLayer<'_> {
    let columns = f
        .columns
        .iter()
        .map(|c| {
            match c.kind {
                FieldKind::Number(_) => Column::real(&c.key, vec![]),
                FieldKind::Year => Column::int(&c.key, vec![]),
                FieldKind::Choice(_) | FieldKind::Text => Column::text(&c.key, Vec::<Option<String>>::new()),
            }
            .alias(&c.name)
        })
        .collect();
    OutLayer {
        name: f.layer.clone(),
        title: format!("{}（采集）", f.title),
        description: format!("{}风险普查采集图层：按表单填写属性", f.title),
        kind: f.kind,
        geoms: Vec::new().into(),
        columns,
        tip: None,
    }
}

/// The QML of a form: field widgets, aliases, constraints.
fn qml(f: &Form) -> String {
    let mut widgets = String::new();
    let mut aliases = String::new();
    let mut constraints = String::new();
    let mut expressions = String::new();
    for (i, c) in f.columns.iter().enumerate() {
        let key = escape(&c.key);
        let _ = write!(
            widgets,
            r#"<field name="{key}" configurationFlags="None"><editWidget type="{}"><config>{}</config></editWidget></field>"#,
            widget(&c.kind).0,
            widget(&c.kind).1
        );
        let _ = write!(aliases, r#"<alias field="{key}" index="{i}" name="{}"/>"#, escape(&c.name));
        // Bits: 1 not null, 2 unique; strength 1 = hard (the form refuses to save).
        let unique = c.key == schema::ID;
        let bits = u8::from(c.required) | (u8::from(unique) << 1);
        let _ = write!(
            constraints,
            r#"<constraint field="{key}" constraints="{bits}" notnull_strength="{}" unique_strength="{}" exp_strength="0"/>"#,
            u8::from(c.required),
            u8::from(unique)
        );
        let _ = write!(expressions, r#"<constraint field="{key}" exp="" desc="{}"/>"#, escape(&c.note));
    }
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"{QGIS_VERSION}\" styleCategories=\"Fields|Forms\">\
         <fieldConfiguration>{widgets}</fieldConfiguration><aliases>{aliases}</aliases>\
         <constraints>{constraints}</constraints><constraintExpressions>{expressions}</constraintExpressions>\
         <editform tolerant=\"1\"></editform><editorlayout>generatedlayout</editorlayout></qgis>\n"
    )
}

/// A column's editor widget and its configuration.
fn widget(kind: &FieldKind) -> (&'static str, String) {
    let opt = |t: &str, n: &str, v: &str| format!(r#"<Option type="{t}" name="{n}" value="{}"/>"#, escape(v));
    match kind {
        FieldKind::Choice(values) => {
            let entries: String = values.iter().map(|v| format!(r#"<Option type="Map">{}</Option>"#, opt("QString", v, v))).collect();
            ("ValueMap", format!(r#"<Option type="Map"><Option type="List" name="map">{entries}</Option></Option>"#))
        }
        FieldKind::Number(Some((lo, hi))) => ("Range", range(*lo, *hi, 0.1, 2)),
        FieldKind::Year => ("Range", range(1900.0, 2100.0, 1.0, 0)),
        FieldKind::Number(None) | FieldKind::Text => {
            ("TextEdit", format!(r#"<Option type="Map">{}{}</Option>"#, opt("bool", "IsMultiline", "false"), opt("bool", "UseHtml", "false")))
        }
    }
}

fn range(lo: f64, hi: f64, step: f64, precision: u8) -> String {
    format!(
        r#"<Option type="Map"><Option type="bool" name="AllowNull" value="true"/><Option type="double" name="Max" value="{hi}"/><Option type="double" name="Min" value="{lo}"/><Option type="int" name="Precision" value="{precision}"/><Option type="double" name="Step" value="{step}"/><Option type="QString" name="Style" value="SpinBox"/></Option>"#
    )
}
