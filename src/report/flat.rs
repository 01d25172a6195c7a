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
