//! PostgreSQL's binary COPY format: the server reads numbers and geometries
//! as they are, without parsing text (a geometry travels as the EWKB that
//! PostGIS's `geometry_recv` takes).

use crate::msg::ValueKind;

/// The column types sise publishes, as the server spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Real,
    Text,
    Bool,
    Bytes,
}

impl Kind {
    pub fn sql(self) -> &'static str {
        match self {
            Kind::Int => "bigint",
            Kind::Real => "double precision",
            Kind::Text => "text",
            Kind::Bool => "boolean",
            Kind::Bytes => "bytea",
        }
    }
}

/// One value of a row.
pub enum Value<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Bool(bool),
    Bytes(&'a [u8]),
}

/// A COPY stream being built, handed out in chunks of about `CHUNK` bytes.
pub struct Binary {
    buf: Vec<u8>,
}

pub const CHUNK: usize = 1 << 20;

impl Binary {
    /// A stream with the format's signature, flags and (empty) extension header.
    pub fn new() -> Binary {
        let mut buf = Vec::with_capacity(CHUNK + 4096);
        buf.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
        buf.extend_from_slice(&0i32.to_be_bytes());
        buf.extend_from_slice(&0i32.to_be_bytes());
        Binary { buf }
    }

    /// The `cycle` and `year` every published row starts with (`year` is an `integer`).
    pub fn key(&mut self, cycle: &str, year: i32) {
        self.field(cycle.as_bytes());
        self.field(&year.to_be_bytes());
    }

    pub fn row(&mut self, fields: usize) {
        self.buf.extend_from_slice(&(fields as i16).to_be_bytes());
    }

    fn field(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(&(bytes.len() as i32).to_be_bytes());
        self.buf.extend_from_slice(bytes);
    }

    /// A value into a column of `kind`; a value of another type is converted
    /// where that loses nothing, else refused (`Err` names what it was).
    pub fn value(&mut self, kind: Kind, v: &Value) -> Result<(), ValueKind> {
        match (kind, v) {
            (_, Value::Null) => self.buf.extend_from_slice(&(-1i32).to_be_bytes()),
            (Kind::Int, Value::Int(i)) => self.field(&i.to_be_bytes()),
            (Kind::Real, Value::Real(x)) => self.field(&x.to_be_bytes()),
            (Kind::Real, Value::Int(i)) => self.field(&(*i as f64).to_be_bytes()),
            (Kind::Text, Value::Text(s)) => self.field(s.as_bytes()),
            (Kind::Text, Value::Int(i)) => self.field(i.to_string().as_bytes()),
            (Kind::Text, Value::Real(x)) => self.field(x.to_string().as_bytes()),
            (Kind::Bool, Value::Bool(b)) => self.field(&[*b as u8]),
            (Kind::Bool, Value::Int(i @ (0 | 1))) => self.field(&[*i as u8]),
            (Kind::Bytes, Value::Bytes(b)) => self.field(b),
            (_, Value::Int(_)) => return Err(ValueKind::Integer),
            (_, Value::Real(_)) => return Err(ValueKind::Decimal),
            (_, Value::Text(_)) => return Err(ValueKind::Text),
            (_, Value::Bool(_)) => return Err(ValueKind::Boolean),
            (_, Value::Bytes(_)) => return Err(ValueKind::Binary),
        }
        Ok(())
    }

    /// A geometry as EWKB: `wkb` (ISO or extended WKB) with `srid` set;
    /// `Err` when it is shorter than a WKB header.
    pub fn geometry(&mut self, wkb: &[u8], srid: i32) -> Result<(), ()> {
        if wkb.len() < 5 {
            return Err(());
        }
        let little = wkb[0] == 1;
        let code = if little { u32::from_le_bytes(wkb[1..5].try_into().expect("4 bytes")) } else { u32::from_be_bytes(wkb[1..5].try_into().expect("4 bytes")) };
        let with_srid = code | 0x2000_0000;
        let (code, srid) = if little { (with_srid.to_le_bytes(), srid.to_le_bytes()) } else { (with_srid.to_be_bytes(), srid.to_be_bytes()) };
        self.buf.extend_from_slice(&((wkb.len() + 4) as i32).to_be_bytes());
        self.buf.push(wkb[0]);
        self.buf.extend_from_slice(&code);
        self.buf.extend_from_slice(&srid);
        self.buf.extend_from_slice(&wkb[5..]);
        Ok(())
    }

    /// The bytes so far when there are enough to send.
    pub fn take_full(&mut self) -> Option<Vec<u8>> {
        (self.buf.len() >= CHUNK).then(|| std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK + 4096)))
    }

    /// The rest, with the format's trailer.
    pub fn finish(mut self) -> Vec<u8> {
        self.buf.extend_from_slice(&(-1i16).to_be_bytes());
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_becomes_ewkb_with_its_srid() {
        // POINT(1 2), little-endian ISO WKB.
        let mut wkb = vec![1u8, 1, 0, 0, 0];
        wkb.extend_from_slice(&1f64.to_le_bytes());
        wkb.extend_from_slice(&2f64.to_le_bytes());
        let mut b = Binary { buf: Vec::new() };
        b.geometry(&wkb, 4549).unwrap();
        assert_eq!(&b.buf[0..4], &25i32.to_be_bytes());
        assert_eq!(&b.buf[4..9], &[1, 1, 0, 0, 0x20]);
        assert_eq!(&b.buf[9..13], &4549i32.to_le_bytes());
        assert_eq!(&b.buf[13..], &wkb[5..]);
    }

    #[test]
    fn values_convert_only_without_loss() {
        let mut b = Binary { buf: Vec::new() };
        assert!(b.value(Kind::Real, &Value::Int(3)).is_ok());
        assert_eq!(b.value(Kind::Int, &Value::Real(3.5)), Err(ValueKind::Decimal));
        assert_eq!(b.value(Kind::Int, &Value::Text("x")), Err(ValueKind::Text));
        b.buf.clear();
        b.value(Kind::Int, &Value::Null).unwrap();
        assert_eq!(b.buf, (-1i32).to_be_bytes());
    }
}
