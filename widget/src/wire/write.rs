//! Writing: a small serde `Serializer` straight to JSON text, for request bodies and the
//! host page's event details. It writes only what the wire types the widget sends hold
//! (structs, maps for `flatten`, strings, booleans, whole numbers, unit variants, null);
//! anything else is an error. JS never sees a number above 2^53: amounts are bounded.

use core::fmt;
use serde::ser::{self, Impossible, Serialize};

/// `value` as JSON text, or `None` when it holds something the writer does not take.
pub fn to_json<T: Serialize>(value: &T) -> Option<String> {
    let mut json = Json(String::new());
    value.serialize(&mut json).ok()?;
    Some(json.0)
}

/// A value the writer does not take; why is not kept.
#[derive(Debug)]
pub struct Unwritable;

impl fmt::Display for Unwritable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unwritable value")
    }
}

impl std::error::Error for Unwritable {}

impl ser::Error for Unwritable {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Unwritable
    }
}

struct Json(String);

impl Json {
    /// A JSON string: quotes, backslashes and control characters escaped.
    fn string(&mut self, text: &str) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.0.push('"');
        for c in text.chars() {
            match c {
                '"' => self.0.push_str("\\\""),
                '\\' => self.0.push_str("\\\\"),
                c if u32::from(c) < 0x20 => {
                    let b = u32::from(c) as usize;
                    self.0.push_str("\\u00");
                    self.0.push(char::from(HEX[b >> 4]));
                    self.0.push(char::from(HEX[b & 15]));
                }
                c => self.0.push(c),
            }
        }
        self.0.push('"');
    }

    /// Before each member of an object: a comma unless it is the first.
    fn member(&mut self) {
        if !self.0.ends_with('{') {
            self.0.push(',');
        }
    }
}

type Wrote = Result<(), Unwritable>;
type No = Impossible<(), Unwritable>;

impl ser::Serializer for &mut Json {
    type Ok = ();
    type Error = Unwritable;
    type SerializeSeq = No;
    type SerializeTuple = No;
    type SerializeTupleStruct = No;
    type SerializeTupleVariant = No;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = No;

    fn serialize_bool(self, v: bool) -> Wrote {
        self.0.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Wrote {
        self.0.push_str(&v.to_string());
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Wrote {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Wrote {
        self.serialize_u64(v.into())
    }
    fn serialize_u8(self, v: u8) -> Wrote {
        self.serialize_u64(v.into())
    }
    fn serialize_str(self, v: &str) -> Wrote {
        self.string(v);
        Ok(())
    }
    fn serialize_none(self) -> Wrote {
        self.0.push_str("null");
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Wrote {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Wrote {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Wrote {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, v: &T) -> Wrote {
        v.serialize(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Unwritable> {
        self.0.push('{');
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Unwritable> {
        self.serialize_map(None)
    }

    fn serialize_i8(self, _: i8) -> Wrote {
        Err(Unwritable)
    }
    fn serialize_i16(self, _: i16) -> Wrote {
        Err(Unwritable)
    }
    fn serialize_i32(self, _: i32) -> Wrote {
        Err(Unwritable)
    }
    fn serialize_i64(self, _: i64) -> Wrote {
        Err(Unwritable)
    }
    fn serialize_f32(self, _: f32) -> Wrote {
        Err(Unwritable)
    }
    fn serialize_f64(self, _: f64) -> Wrote {
        Err(Unwritable)
    }
    fn serialize_char(self, _: char) -> Wrote {
        Err(Unwritable)
    }
    fn serialize_bytes(self, _: &[u8]) -> Wrote {
        Err(Unwritable)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Wrote {
        Err(Unwritable)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Wrote {
        Err(Unwritable)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<No, Unwritable> {
        Err(Unwritable)
    }
    fn serialize_tuple(self, _: usize) -> Result<No, Unwritable> {
        Err(Unwritable)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<No, Unwritable> {
        Err(Unwritable)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<No, Unwritable> {
        Err(Unwritable)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<No, Unwritable> {
        Err(Unwritable)
    }
}

/// An object's members; `flatten` writes a struct through this as a map.
impl ser::SerializeMap for &mut Json {
    type Ok = ();
    type Error = Unwritable;

    /// Keys are strings (the names of fields and tags).
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Wrote {
        self.member();
        key.serialize(&mut **self)?;
        self.0.push(':');
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Wrote {
        value.serialize(&mut **self)
    }
    fn end(self) -> Wrote {
        self.0.push('}');
        Ok(())
    }
}

impl ser::SerializeStruct for &mut Json {
    type Ok = ();
    type Error = Unwritable;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Wrote {
        self.member();
        self.string(key);
        self.0.push(':');
        value.serialize(&mut **self)
    }
    fn end(self) -> Wrote {
        self.0.push('}');
        Ok(())
    }
}
