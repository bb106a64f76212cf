//! The guard that keeps non-finite numbers out of every CSV and JSON output.
//!
//! Scenarios are refused when their numbers could make a sum overflow, so an `inf` or
//! `NaN` about to be written is a bug: [`check`] walks a row or document as serde
//! sees it and reports the first such number, with the field it is in, as an internal
//! error instead of letting the writer print `inf` or JSON's `null`.

use crate::error::Error;
use serde::Serialize;
use serde::ser::{self, Impossible};
use std::fmt;

/// Fails with an internal error naming the field if `value` holds a number that is not
/// finite; `what` names the output (`summary.csv`).
pub fn check(what: &'static str, value: &impl Serialize) -> Result<(), Error> {
    value
        .serialize(Finite { field: "" })
        .map_err(|e| Error::Encode {
            what,
            source: Box::new(e),
        })
}

/// Fails as [`check`] does if the number `v`, written in `field` of `what`, is not
/// finite: for writers that format their rows without serde.
pub fn number(what: &'static str, field: &str, v: f64) -> Result<(), Error> {
    Finite { field }.float(v).map_err(|e| Error::Encode {
        what,
        source: Box::new(e),
    })
}

/// Why a value was refused.
#[derive(Debug)]
struct NonFinite(String);

impl fmt::Display for NonFinite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NonFinite {}

impl ser::Error for NonFinite {
    fn custom<T: fmt::Display>(msg: T) -> NonFinite {
        NonFinite(msg.to_string())
    }
}

/// A serializer that writes nothing and fails on a non-finite float; `field` is the
/// struct field being walked, for the message.
#[derive(Clone, Copy)]
struct Finite<'f> {
    field: &'f str,
}

impl Finite<'_> {
    fn float(self, v: f64) -> Result<(), NonFinite> {
        if v.is_finite() {
            Ok(())
        } else if self.field.is_empty() {
            Err(NonFinite(format!(
                "a non-finite number ({v}) would be written"
            )))
        } else {
            Err(NonFinite(format!(
                "a non-finite number ({v}) would be written in `{}`",
                self.field
            )))
        }
    }
}

macro_rules! accept {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method(self, _: $ty) -> Result<(), NonFinite> { Ok(()) })*
    };
}

impl<'f> ser::Serializer for Finite<'f> {
    type Ok = ();
    type Error = NonFinite;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Entries<'f>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), NonFinite>;

    accept!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_char: char,
        serialize_str: &str, serialize_bytes: &[u8], serialize_unit_struct: &'static str);

    fn serialize_f32(self, v: f32) -> Result<(), NonFinite> {
        self.float(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), NonFinite> {
        self.float(v)
    }
    fn serialize_none(self) -> Result<(), NonFinite> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), NonFinite> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), NonFinite> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), NonFinite> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), NonFinite> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        v: &T,
    ) -> Result<(), NonFinite> {
        v.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, NonFinite> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, NonFinite> {
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, NonFinite> {
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, NonFinite> {
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Entries<'f>, NonFinite> {
        Ok(Entries {
            field: self.field,
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, NonFinite> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NonFinite> {
        Err(NonFinite(
            "outputs hold no enum variants with fields".into(),
        ))
    }
}

impl ser::SerializeSeq for Finite<'_> {
    type Ok = ();
    type Error = NonFinite;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), NonFinite> {
        v.serialize(*self)
    }
    fn end(self) -> Result<(), NonFinite> {
        Ok(())
    }
}

impl ser::SerializeTuple for Finite<'_> {
    type Ok = ();
    type Error = NonFinite;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), NonFinite> {
        v.serialize(*self)
    }
    fn end(self) -> Result<(), NonFinite> {
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Finite<'_> {
    type Ok = ();
    type Error = NonFinite;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), NonFinite> {
        v.serialize(*self)
    }
    fn end(self) -> Result<(), NonFinite> {
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Finite<'_> {
    type Ok = ();
    type Error = NonFinite;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), NonFinite> {
        v.serialize(*self)
    }
    fn end(self) -> Result<(), NonFinite> {
        Ok(())
    }
}

/// The entries of a map being walked. The entries of the outermost map are the
/// fields of a document whose parts are flattened into it (`run.json`): each key
/// then names its value's field, as a struct's field names do.
struct Entries<'f> {
    field: &'f str,
    key: Option<String>,
}

impl ser::SerializeMap for Entries<'_> {
    type Ok = ();
    type Error = NonFinite;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), NonFinite> {
        if self.field.is_empty() {
            self.key = serde_json::to_value(k)
                .ok()
                .and_then(|k| k.as_str().map(str::to_owned));
        }
        k.serialize(Finite { field: self.field })
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), NonFinite> {
        v.serialize(Finite {
            field: self.key.as_deref().unwrap_or(self.field),
        })
    }
    fn end(self) -> Result<(), NonFinite> {
        Ok(())
    }
}

impl ser::SerializeStruct for Finite<'_> {
    type Ok = ();
    type Error = NonFinite;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), NonFinite> {
        v.serialize(Finite { field: key })
    }
    fn end(self) -> Result<(), NonFinite> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row {
        actor: &'static str,
        payoff: Option<f64>,
        levels: Vec<f64>,
    }

    #[test]
    fn refuses_a_non_finite_number_anywhere_and_names_its_field() {
        let row = |payoff, level| Row {
            actor: "usa",
            payoff,
            levels: vec![1.0, level],
        };
        assert!(check("summary.csv", &row(Some(2.5), 3.0)).is_ok());
        assert!(check("summary.csv", &row(None, 3.0)).is_ok());
        let e = check("summary.csv", &row(Some(f64::INFINITY), 3.0)).unwrap_err();
        assert_eq!(
            crate::error::chain(&e),
            "encoding summary.csv: a non-finite number (inf) would be written in `payoff`"
        );
        assert!(!e.is_bad_input());
        let e = check("summary.csv", &row(None, f64::NAN)).unwrap_err();
        assert!(crate::error::chain(&e).contains("(NaN)"), "{e}");
        assert!(check("x", &[1.0, f64::NEG_INFINITY]).is_err());
    }

    #[test]
    fn names_the_field_of_a_flattened_part() {
        #[derive(Serialize)]
        struct Document {
            tool: &'static str,
            #[serde(flatten)]
            body: Row,
        }
        let document = Document {
            tool: "escalate",
            body: Row {
                actor: "usa",
                payoff: Some(f64::NAN),
                levels: vec![],
            },
        };
        let e = check("run.json", &document).unwrap_err();
        assert_eq!(
            crate::error::chain(&e),
            "encoding run.json: a non-finite number (NaN) would be written in `payoff`"
        );
    }
}
