//! A row struct's fields as a flat list of (name, value), in declaration order, without the
//! hashing and allocation of a JSON object: the writers' per-row path.

use serde::ser::{self, Impossible, Serialize, SerializeStruct, Serializer};
use serde_json::Value;

/// Why a value cannot be flattened.
#[derive(Debug)]
pub struct FlatError(String);

impl std::fmt::Display for FlatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FlatError {}

impl ser::Error for FlatError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        FlatError(msg.to_string())
    }
}

/// The fields of `row` (a struct of plain values), in order.
pub fn fields<T: Serialize>(row: &T) -> Result<Vec<(&'static str, Value)>, FlatError> {
    row.serialize(Flat)
}

struct Flat;

struct Fields(Vec<(&'static str, Value)>);

impl SerializeStruct for Fields {
    type Ok = Vec<(&'static str, Value)>;
    type Error = FlatError;

    fn serialize_field<V: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), FlatError> {
        let v = value
            .serialize(serde_json::value::Serializer)
            .map_err(|e| FlatError(e.to_string()))?;
        self.0.push((key, v));
        Ok(())
    }

    fn end(self) -> Result<Self::Ok, FlatError> {
        Ok(self.0)
    }
}

fn not_a_struct<T>() -> Result<T, FlatError> {
    Err(FlatError("a row must be a struct".into()))
}

/// The serializer methods for everything but a struct, each refusing it: a row must be a struct.
macro_rules! only_structs {
    () => {
        fn serialize_bool(self, _: bool) -> Result<Self::Ok, FlatError> {
            not_a_struct()
        }
        fn serialize_i8(self, _: i8) -> Result<Self::Ok, FlatError> {
            not_a_struct()
        }
        fn serialize_i16(self, _: i16) -> Result<Self::Ok, FlatError> {
            not_a_struct()
        }
        fn serialize_i32(self, _: i32) -> Result<Self::Ok, FlatError> {
            not_a_struct()
        }
        fn serialize_i64(self, _: i64) -> Result<Self::Ok, FlatError> {
            not_a_struct()
        }
        fn serialize_u8(self, _: u8) -> Result<Self::Ok, FlatError> {
            not_a_struct()
        }
        fn serialize_u16(self, _: u16) -> Result<Self::Ok, FlatError> {
            not_a_struct()
        }
        fn serialize_u32(self, _: u32) -> Result<Self::Ok, FlatError> {
            not_a_struct()
        }
        fn serialize_u64(self, _: u64) -> Result<Self::Ok, FlatError> {
            not_a_struct()
        }
        fn serialize_f32(self, _: f32) -> Result<Self::Ok, FlatError> {
            not_a_struct()
        }
        fn serialize_f64(self, _: f64) -> Result<Self::Ok, FlatError> {
            not_a_struct()
        }
        fn serialize_char(self, _: char) -> Result<Self::Ok, FlatError> {
            not_a_struct()
        }
        fn serialize_str(self, _: &str) -> Result<Self::Ok, FlatError> {
            not_a_struct()
        }
        fn serialize_bytes(self, _: &[u8]) -> Result<Self::Ok, FlatError> {
            not_a_struct()
        }
        fn serialize_none(self) -> Result<Self::Ok, FlatError> {
            not_a_struct()
        }
        fn serialize_some<V: ?Sized + Serialize>(self, _: &V) -> Result<Self::Ok, FlatError> {
            not_a_struct()
        }
        fn serialize_unit(self) -> Result<Self::Ok, FlatError> {
            not_a_struct()
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok, FlatError> {
            not_a_struct()
        }
        fn serialize_unit_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
        ) -> Result<Self::Ok, FlatError> {
            not_a_struct()
        }
        fn serialize_newtype_struct<V: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: &V,
        ) -> Result<Self::Ok, FlatError> {
            not_a_struct()
        }
        fn serialize_newtype_variant<V: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &V,
        ) -> Result<Self::Ok, FlatError> {
            not_a_struct()
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, FlatError> {
            not_a_struct()
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, FlatError> {
            not_a_struct()
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, FlatError> {
            not_a_struct()
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, FlatError> {
            not_a_struct()
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, FlatError> {
            not_a_struct()
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, FlatError> {
            not_a_struct()
        }
    };
}

impl Serializer for Flat {
    type Ok = Vec<(&'static str, Value)>;
    type Error = FlatError;
    type SerializeSeq = Impossible<Self::Ok, FlatError>;
    type SerializeTuple = Impossible<Self::Ok, FlatError>;
    type SerializeTupleStruct = Impossible<Self::Ok, FlatError>;
    type SerializeTupleVariant = Impossible<Self::Ok, FlatError>;
    type SerializeMap = Impossible<Self::Ok, FlatError>;
    type SerializeStruct = Fields;
    type SerializeStructVariant = Impossible<Self::Ok, FlatError>;

    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Fields, FlatError> {
        Ok(Fields(Vec::with_capacity(len)))
    }

    only_structs!();
}

/// One field's value without a JSON value's allocation: what a CSV cell needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// No value (`None`, a unit): an empty cell.
    Null,
    /// A boolean.
    Bool(bool),
    /// An unsigned integer.
    U64(u64),
    /// A signed integer.
    I64(i64),
    /// A float (rounded and formatted by the writer).
    F64(f64),
    /// Text: this range of the row's [`Scalars::text`].
    Str(std::ops::Range<usize>),
}

/// A row's fields as scalars, reused from row to row (no allocation once warm).
#[derive(Debug, Default)]
pub struct Scalars {
    /// (name, value), in declaration order.
    pub fields: Vec<(&'static str, Scalar)>,
    /// The text of the row's [`Scalar::Str`] values, back to back.
    pub text: String,
}

/// Takes a row's fields one at a time, in declaration order: each as a [`Scalar`] whose
/// [`Scalar::Str`] ranges index `text`.
pub trait FieldSink {
    /// One field.
    fn field(&mut self, key: &'static str, value: Scalar, text: &str);
}

impl FieldSink for Vec<(&'static str, Scalar)> {
    fn field(&mut self, key: &'static str, value: Scalar, _: &str) {
        self.push((key, value));
    }
}

/// Hands `row`'s fields (a struct of scalars, options of them, strings and unit variants) to
/// `sink` as they are serialized, their text in `text` (cleared first); an error for anything
/// else (a nested struct, a sequence), possibly after some fields went to the sink.
pub fn each_field<T: Serialize + ?Sized, S: FieldSink>(
    row: &T,
    text: &mut String,
    sink: &mut S,
) -> Result<(), FlatError> {
    text.clear();
    row.serialize(RowScalars { text, sink })
}

impl Scalars {
    /// Reads `row`'s fields (a struct of scalars, options of them, strings and unit
    /// variants); an error for anything else (a nested struct, a sequence), which leaves the
    /// caller to take the JSON-value path.
    pub fn read<T: Serialize + ?Sized>(&mut self, row: &T) -> Result<(), FlatError> {
        self.fields.clear();
        each_field(row, &mut self.text, &mut self.fields)
    }

    /// The text of a [`Scalar::Str`].
    pub fn str(&self, r: &std::ops::Range<usize>) -> &str {
        &self.text[r.clone()]
    }
}

struct RowScalars<'a, S> {
    text: &'a mut String,
    sink: &'a mut S,
}

impl<S: FieldSink> SerializeStruct for RowScalars<'_, S> {
    type Ok = ();
    type Error = FlatError;

    // Always inlined: each field's place in the row's serializer then knows its value's kind
    // (and, in the direct writer, a column that holds its number costs a comparison there).
    #[inline(always)]
    fn serialize_field<V: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), FlatError> {
        let v = value.serialize(OneScalar(self.text))?;
        self.sink.field(key, v, self.text);
        Ok(())
    }

    fn end(self) -> Result<(), FlatError> {
        Ok(())
    }
}

/// Serializes a row (a struct) into its fields' [`Scalar`]s.
impl<'a, S: FieldSink> Serializer for RowScalars<'a, S> {
    type Ok = ();
    type Error = FlatError;
    type SerializeSeq = Impossible<(), FlatError>;
    type SerializeTuple = Impossible<(), FlatError>;
    type SerializeTupleStruct = Impossible<(), FlatError>;
    type SerializeTupleVariant = Impossible<(), FlatError>;
    type SerializeMap = Impossible<(), FlatError>;
    type SerializeStruct = RowScalars<'a, S>;
    type SerializeStructVariant = Impossible<(), FlatError>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, FlatError> {
        Ok(self)
    }

    only_structs!();
}

/// Serializes one field's value into a [`Scalar`] (its text appended to the row's), as
/// serde_json's value serializer would make it: a unit and `None` are null, a unit variant is
/// its name, a newtype struct is what it wraps.
struct OneScalar<'a>(&'a mut String);

fn not_a_scalar<T>() -> Result<T, FlatError> {
    Err(FlatError("not a scalar".into()))
}

impl OneScalar<'_> {
    fn text(self, s: &str) -> Scalar {
        let start = self.0.len();
        self.0.push_str(s);
        Scalar::Str(start..self.0.len())
    }
}

impl Serializer for OneScalar<'_> {
    type Ok = Scalar;
    type Error = FlatError;
    type SerializeSeq = Impossible<Scalar, FlatError>;
    type SerializeTuple = Impossible<Scalar, FlatError>;
    type SerializeTupleStruct = Impossible<Scalar, FlatError>;
    type SerializeTupleVariant = Impossible<Scalar, FlatError>;
    type SerializeMap = Impossible<Scalar, FlatError>;
    type SerializeStruct = Impossible<Scalar, FlatError>;
    type SerializeStructVariant = Impossible<Scalar, FlatError>;

    fn serialize_bool(self, v: bool) -> Result<Scalar, FlatError> {
        Ok(Scalar::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Scalar, FlatError> {
        Ok(Scalar::I64(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<Scalar, FlatError> {
        Ok(Scalar::I64(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<Scalar, FlatError> {
        Ok(Scalar::I64(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result<Scalar, FlatError> {
        // serde_json keeps a non-negative integer as unsigned; both print alike.
        Ok(Scalar::I64(v))
    }
    fn serialize_u8(self, v: u8) -> Result<Scalar, FlatError> {
        Ok(Scalar::U64(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result<Scalar, FlatError> {
        Ok(Scalar::U64(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result<Scalar, FlatError> {
        Ok(Scalar::U64(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result<Scalar, FlatError> {
        Ok(Scalar::U64(v))
    }
    fn serialize_f32(self, _: f32) -> Result<Scalar, FlatError> {
        // serde_json prints an f32 in its own shortest form: left to the JSON-value path.
        not_a_scalar()
    }
    fn serialize_f64(self, v: f64) -> Result<Scalar, FlatError> {
        Ok(if v.is_finite() {
            Scalar::F64(v)
        } else {
            // serde_json makes a NaN or an infinity null.
            Scalar::Null
        })
    }
    fn serialize_char(self, v: char) -> Result<Scalar, FlatError> {
        Ok(self.text(v.encode_utf8(&mut [0; 4])))
    }
    fn serialize_str(self, v: &str) -> Result<Scalar, FlatError> {
        Ok(self.text(v))
    }
    fn collect_str<V: ?Sized + std::fmt::Display>(self, v: &V) -> Result<Scalar, FlatError> {
        // Dates print straight into the row's text, without a String of their own.
        use std::fmt::Write;
        let start = self.0.len();
        write!(self.0, "{v}").map_err(|e| FlatError(e.to_string()))?;
        Ok(Scalar::Str(start..self.0.len()))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Scalar, FlatError> {
        not_a_scalar()
    }
    fn serialize_none(self) -> Result<Scalar, FlatError> {
        Ok(Scalar::Null)
    }
    fn serialize_some<V: ?Sized + Serialize>(self, v: &V) -> Result<Scalar, FlatError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<Scalar, FlatError> {
        Ok(Scalar::Null)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Scalar, FlatError> {
        Ok(Scalar::Null)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Scalar, FlatError> {
        Ok(self.text(variant))
    }
    fn serialize_newtype_struct<V: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &V,
    ) -> Result<Scalar, FlatError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<V: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &V,
    ) -> Result<Scalar, FlatError> {
        not_a_scalar()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, FlatError> {
        not_a_scalar()
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, FlatError> {
        not_a_scalar()
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, FlatError> {
        not_a_scalar()
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, FlatError> {
        not_a_scalar()
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, FlatError> {
        not_a_scalar()
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, FlatError> {
        not_a_scalar()
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, FlatError> {
        not_a_scalar()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize)]
    struct Row {
        date: String,
        #[serde(rename = "margin_usd")]
        margin: f64,
        payback: Option<String>,
        n: u64,
    }

    #[test]
    fn fields_in_order_as_json_would_give_them() {
        let r = Row {
            date: "2026-06-26".into(),
            margin: 1.5,
            payback: None,
            n: 7,
        };
        let flat = fields(&r).unwrap();
        let names: Vec<&str> = flat.iter().map(|f| f.0).collect();
        assert_eq!(names, ["date", "margin_usd", "payback", "n"]);
        let Value::Object(obj) = serde_json::to_value(&r).unwrap() else {
            panic!()
        };
        let values: Vec<Value> = obj.values().cloned().collect();
        assert_eq!(flat.into_iter().map(|f| f.1).collect::<Vec<_>>(), values);
        assert!(fields(&3.0).is_err());
    }
}
