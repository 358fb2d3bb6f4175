//! Reading: a small serde `Deserializer` over `JsValue` that takes only what the wire types
//! hold (objects, arrays, strings, booleans, whole numbers, null), with an error that keeps
//! no text. The widget never shows why a value did not read, and formatting serde's
//! messages ("invalid type: floating point `1.5`...") would ship float printing and most of
//! `core::fmt` to every shopper.

use core::fmt;
use js_sys::{Array, Object, Reflect};
use serde::de::{self, DeserializeOwned, DeserializeSeed, Visitor};
use wasm_bindgen::{JsCast, JsValue};

/// A JS value read as `T`, or `None` when it is not one.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Option<T> {
    T::deserialize(Js(value)).ok()
}

/// A value that did not read as the type asked for; why is not kept.
#[derive(Debug)]
pub struct Unreadable;

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unreadable value")
    }
}

impl std::error::Error for Unreadable {}

/// Every constructor drops its details, so serde's message formatting is never compiled in.
impl de::Error for Unreadable {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Unreadable
    }
    fn invalid_type(_: de::Unexpected, _: &dyn de::Expected) -> Self {
        Unreadable
    }
    fn invalid_value(_: de::Unexpected, _: &dyn de::Expected) -> Self {
        Unreadable
    }
    fn invalid_length(_: usize, _: &dyn de::Expected) -> Self {
        Unreadable
    }
    fn unknown_variant(_: &str, _: &'static [&'static str]) -> Self {
        Unreadable
    }
    fn unknown_field(_: &str, _: &'static [&'static str]) -> Self {
        Unreadable
    }
    fn missing_field(_: &'static str) -> Self {
        Unreadable
    }
    fn duplicate_field(_: &'static str) -> Self {
        Unreadable
    }
}

/// The largest integer a JS number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

struct Js(JsValue);

impl Js {
    fn is_nothing(&self) -> bool {
        self.0.is_null() || self.0.is_undefined()
    }
}

type Read<T> = Result<T, Unreadable>;

impl<'de> de::Deserializer<'de> for Js {
    type Error = Unreadable;

    /// Only a type that takes anything asks for this; none of the wire types does.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        if self.is_nothing() {
            visitor.visit_unit()
        } else if let Some(b) = self.0.as_bool() {
            visitor.visit_bool(b)
        } else if self.0.as_f64().is_some() {
            self.deserialize_u64(visitor)
        } else if self.0.is_string() {
            self.deserialize_string(visitor)
        } else if Array::is_array(&self.0) {
            self.deserialize_seq(visitor)
        } else {
            self.deserialize_map(visitor)
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        visitor.visit_bool(self.0.as_bool().ok_or(Unreadable)?)
    }

    /// Counts and amounts are whole numbers JS holds exactly; nothing else reads.
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        match self.0.as_f64() {
            Some(n) if (0.0..=MAX_SAFE_INTEGER).contains(&n) && n == n as u64 as f64 => {
                visitor.visit_u64(n as u64)
            }
            _ => Err(Unreadable),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        visitor.visit_string(self.0.as_string().ok_or(Unreadable)?)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        match self.is_nothing() {
            true => visitor.visit_none(),
            false => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        visitor.visit_unit()
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Read<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        let items = self.0.dyn_into::<Array>().map_err(|_| Unreadable)?;
        visitor.visit_seq(Items { items, next: 0 })
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        if !self.0.is_object() || Array::is_array(&self.0) {
            return Err(Unreadable);
        }
        let entries = Object::entries(self.0.unchecked_ref());
        visitor.visit_map(Entries {
            entries,
            next: 0,
            value: None,
        })
    }

    /// A struct's fields are looked up by their wire names and handed to the derived code
    /// by position, so it never compares names (fields it does not know are not read).
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Read<V::Value> {
        if !self.0.is_object() {
            return Err(Unreadable);
        }
        visitor.visit_map(Fields {
            object: self.0,
            fields,
            next: 0,
            value: None,
        })
    }

    /// Enums on the wire are unit variants written as their names, handed to the derived
    /// code by position among `variants`.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Read<V::Value> {
        let name = self.0.as_string().ok_or(Unreadable)?;
        let at = variants.iter().position(|v| *v == name).ok_or(Unreadable)?;
        visitor.visit_enum(Variant(at as u64))
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u128 f32 f64 bytes byte_buf unit_struct tuple tuple_struct
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        self.deserialize_u64(visitor)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        self.deserialize_u64(visitor)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        self.deserialize_u64(visitor)
    }
    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        self.deserialize_string(visitor)
    }
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        self.deserialize_string(visitor)
    }
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        self.deserialize_string(visitor)
    }
}

/// An array's items, in order.
struct Items {
    items: Array,
    next: u32,
}

impl<'de> de::SeqAccess<'de> for Items {
    type Error = Unreadable;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Read<Option<T::Value>> {
        if self.next >= self.items.length() {
            return Ok(None);
        }
        self.next += 1;
        seed.deserialize(Js(self.items.get(self.next - 1)))
            .map(Some)
    }
}

/// An object's own properties, as `Object.entries` lists them.
struct Entries {
    entries: Array,
    next: u32,
    value: Option<JsValue>,
}

impl<'de> de::MapAccess<'de> for Entries {
    type Error = Unreadable;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Read<Option<K::Value>> {
        if self.next >= self.entries.length() {
            return Ok(None);
        }
        let entry: Array = self.entries.get(self.next).unchecked_into();
        self.next += 1;
        self.value = Some(entry.get(1));
        seed.deserialize(Js(entry.get(0))).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Read<V::Value> {
        seed.deserialize(Js(self.value.take().ok_or(Unreadable)?))
    }
}

/// A struct's fields present on a JS object, in the order the derived code lists them.
struct Fields {
    object: JsValue,
    fields: &'static [&'static str],
    next: usize,
    value: Option<JsValue>,
}

impl<'de> de::MapAccess<'de> for Fields {
    type Error = Unreadable;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Read<Option<K::Value>> {
        while let Some(name) = self.fields.get(self.next) {
            self.next += 1;
            let value =
                Reflect::get(&self.object, &JsValue::from_str(name)).map_err(|_| Unreadable)?;
            if !value.is_undefined() {
                self.value = Some(value);
                return seed.deserialize(Position(self.next as u64 - 1)).map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Read<V::Value> {
        seed.deserialize(Js(self.value.take().ok_or(Unreadable)?))
    }
}

/// A field or variant named by its position, as serde's derived identifiers accept.
struct Position(u64);

impl<'de> de::Deserializer<'de> for Position {
    type Error = Unreadable;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Read<V::Value> {
        visitor.visit_u64(self.0)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

/// A unit variant, named by its position.
struct Variant(u64);

impl<'de> de::EnumAccess<'de> for Variant {
    type Error = Unreadable;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Read<(V::Value, Self)> {
        Ok((seed.deserialize(Position(self.0))?, self))
    }
}

impl<'de> de::VariantAccess<'de> for Variant {
    type Error = Unreadable;

    fn unit_variant(self) -> Read<()> {
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _: T) -> Read<T::Value> {
        Err(Unreadable)
    }
    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Read<V::Value> {
        Err(Unreadable)
    }
    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], _: V) -> Read<V::Value> {
        Err(Unreadable)
    }
}
