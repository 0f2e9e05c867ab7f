//! Canonical JSON: object keys sorted by byte order, no whitespace, serde_json's number and string forms.
//! Used for everything that is hashed (manifest, change sets), so equal content gives equal bytes.
//!
//! Written straight from `Serialize` into the output (no `serde_json::Value` in between, which cost a map and an
//! allocation per key on a 200,000-file manifest): each object's `"key":value` pairs are written as they come,
//! with their byte ranges noted; when the keys did not come in order, the object's bytes are put back in order
//! (a duplicate key keeps its last value, as a JSON object would). Scalars are written by serde_json itself.

use std::borrow::Cow;

use serde::ser::{self, Serialize};

type Error = serde_json::Error;

pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut ctx = Ctx {
        out: Vec::with_capacity(1024),
        pairs: Vec::new(),
        scratch: Vec::new(),
        order: Vec::new(),
    };
    // Serializing plain data cannot fail (no non-string map keys in our types).
    value
        .serialize(Canon { c: &mut ctx })
        .expect("value serializes to canonical JSON");
    ctx.out
}

/// Output and the scratch space shared by every nested object (no allocation per object).
struct Ctx {
    out: Vec<u8>,
    /// (key, start, end) of each `"key":value` written by the open objects, innermost last.
    pairs: Vec<(Cow<'static, str>, usize, usize)>,
    /// An object's bytes while they are put in key order.
    scratch: Vec<u8>,
    /// (start, end) of the pairs an object keeps, in key order.
    order: Vec<(usize, usize)>,
}

struct Canon<'a> {
    c: &'a mut Ctx,
}

fn scalar<T: Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) -> Result<(), Error> {
    serde_json::to_writer(out, v)
}

/// A JSON string as serde_json writes it; the common case (nothing to escape) without its machinery.
fn string(out: &mut Vec<u8>, s: &str) -> Result<(), Error> {
    // Without short-circuit, so the check runs over whole words.
    let plain = !s.bytes().fold(false, |esc, b| {
        esc | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if plain {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        Ok(())
    } else {
        scalar(out, s)
    }
}

/// An object being written: `{` is out, then its pairs, comma-separated, as they come.
struct Obj<'a> {
    c: &'a mut Ctx,
    /// Where the first pair starts in `out`.
    start: usize,
    /// Where this object's pairs start in `c.pairs`.
    base: usize,
    key: Option<String>,
    /// For an enum variant written as `{"Variant":{...}}`: close the outer object too.
    wrapped: bool,
}

impl<'a> Obj<'a> {
    fn new(c: &'a mut Ctx, wrapped: bool) -> Obj<'a> {
        c.out.push(b'{');
        Obj {
            start: c.out.len(),
            base: c.pairs.len(),
            c,
            key: None,
            wrapped,
        }
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: Cow<'static, str>, v: &T) -> Result<(), Error> {
        if self.c.pairs.len() > self.base {
            self.c.out.push(b',');
        }
        let begin = self.c.out.len();
        string(&mut self.c.out, key.as_ref())?;
        self.c.out.push(b':');
        v.serialize(Canon { c: &mut *self.c })?;
        let end = self.c.out.len();
        self.c.pairs.push((key, begin, end));
        Ok(())
    }

    fn finish(self) -> Result<(), Error> {
        let Ctx {
            out,
            pairs,
            scratch,
            order,
        } = &mut *self.c;
        let mine = &mut pairs[self.base..];
        if !mine.windows(2).all(|w| w[0].0 < w[1].0) {
            // Stable: among equal keys the last one written wins, so keep the last of each run.
            mine.sort_by(|a, b| a.0.cmp(&b.0));
            order.clear();
            for (i, (k, s, e)) in mine.iter().enumerate() {
                if mine.get(i + 1).is_none_or(|n| n.0 != *k) {
                    order.push((*s, *e));
                }
            }
            // The largest pair (a manifest's file list) moves once inside `out`; the others go through
            // `scratch`, so reordering never holds a second copy of a big object.
            let big = (0..order.len())
                .max_by_key(|&i| order[i].1 - order[i].0)
                .unwrap_or(0);
            scratch.clear();
            for (i, &(s, e)) in order.iter().enumerate() {
                if i != big {
                    scratch.extend_from_slice(&out[s..e]);
                }
            }
            let mut pos = self.start;
            let mut big_at = pos;
            for (i, &(s, e)) in order.iter().enumerate() {
                pos += usize::from(i > 0);
                if i == big {
                    big_at = pos;
                }
                pos += e - s;
            }
            let end = pos;
            let (bs, be) = order[big];
            out.copy_within(bs..be, big_at);
            let (mut pos, mut from) = (self.start, 0);
            for (i, &(s, e)) in order.iter().enumerate() {
                if i > 0 {
                    out[pos] = b',';
                    pos += 1;
                }
                let len = e - s;
                if i != big {
                    out[pos..pos + len].copy_from_slice(&scratch[from..from + len]);
                    from += len;
                }
                pos += len;
            }
            out.truncate(end);
        }
        pairs.truncate(self.base);
        out.push(b'}');
        if self.wrapped {
            out.push(b'}');
        }
        Ok(())
    }
}

struct Arr<'a> {
    c: &'a mut Ctx,
    first: bool,
    wrapped: bool,
}

impl<'a> Arr<'a> {
    fn new(c: &'a mut Ctx, wrapped: bool) -> Arr<'a> {
        c.out.push(b'[');
        Arr {
            c,
            first: true,
            wrapped,
        }
    }
    fn item<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        if !self.first {
            self.c.out.push(b',');
        }
        self.first = false;
        v.serialize(Canon { c: &mut *self.c })
    }
    fn finish(self) -> Result<(), Error> {
        self.c.out.push(b']');
        if self.wrapped {
            self.c.out.push(b'}');
        }
        Ok(())
    }
}

/// `{"variant":` before an enum variant's content.
fn open_variant(out: &mut Vec<u8>, variant: &str) -> Result<(), Error> {
    out.push(b'{');
    string(out, variant)?;
    out.push(b':');
    Ok(())
}

impl<'a> ser::Serializer for Canon<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Arr<'a>;
    type SerializeTuple = Arr<'a>;
    type SerializeTupleStruct = Arr<'a>;
    type SerializeTupleVariant = Arr<'a>;
    type SerializeMap = Obj<'a>;
    type SerializeStruct = Obj<'a>;
    type SerializeStructVariant = Obj<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        scalar(&mut self.c.out, &v)
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        scalar(&mut self.c.out, &v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        scalar(&mut self.c.out, &v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        scalar(&mut self.c.out, &v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        scalar(&mut self.c.out, &v)
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        scalar(&mut self.c.out, &v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        scalar(&mut self.c.out, &v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        scalar(&mut self.c.out, &v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        scalar(&mut self.c.out, &v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        scalar(&mut self.c.out, &v)
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        scalar(&mut self.c.out, &v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        // As `serde_json::Value` holds it: widened to f64.
        scalar(&mut self.c.out, &(v as f64))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        scalar(&mut self.c.out, &v)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        scalar(&mut self.c.out, &v)
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        string(&mut self.c.out, v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        scalar(&mut self.c.out, v)
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.c.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        string(&mut self.c.out, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        open_variant(&mut self.c.out, variant)?;
        v.serialize(Canon { c: &mut *self.c })?;
        self.c.out.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Arr<'a>, Error> {
        Ok(Arr::new(self.c, false))
    }
    fn serialize_tuple(self, _: usize) -> Result<Arr<'a>, Error> {
        Ok(Arr::new(self.c, false))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Arr<'a>, Error> {
        Ok(Arr::new(self.c, false))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Arr<'a>, Error> {
        open_variant(&mut self.c.out, variant)?;
        Ok(Arr::new(self.c, true))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Obj<'a>, Error> {
        Ok(Obj::new(self.c, false))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Obj<'a>, Error> {
        Ok(Obj::new(self.c, false))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Obj<'a>, Error> {
        open_variant(&mut self.c.out, variant)?;
        Ok(Obj::new(self.c, true))
    }
}

impl ser::SerializeSeq for Arr<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.item(v)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeTuple for Arr<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.item(v)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for Arr<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.item(v)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for Arr<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.item(v)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeMap for Obj<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(KeySer)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| <Error as ser::Error>::custom("map value without a key"))?;
        self.field(Cow::Owned(key), v)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeStruct for Obj<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.field(Cow::Borrowed(key), v)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for Obj<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.field(Cow::Borrowed(key), v)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

/// Map keys as `serde_json::Value` takes them: strings, and numbers, booleans and unit variants as their text.
struct KeySer;

fn key_error() -> Error {
    <Error as ser::Error>::custom("key must be a string")
}

impl ser::Serializer for KeySer {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = ser::Impossible<String, Error>;
    type SerializeTuple = ser::Impossible<String, Error>;
    type SerializeTupleStruct = ser::Impossible<String, Error>;
    type SerializeTupleVariant = ser::Impossible<String, Error>;
    type SerializeMap = ser::Impossible<String, Error>;
    type SerializeStruct = ser::Impossible<String, Error>;
    type SerializeStructVariant = ser::Impossible<String, Error>;

    fn serialize_bool(self, v: bool) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, _: f32) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_f64(self, _: f64) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_char(self, v: char) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, Error> {
        Ok(variant.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<String, Error> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_error())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_error())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_error())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::BTreeMap;

    /// The former implementation (through `serde_json::Value`), kept as the oracle.
    fn via_value<T: Serialize>(value: &T) -> Vec<u8> {
        fn write(v: &Value, out: &mut Vec<u8>) {
            match v {
                Value::Object(map) => {
                    let mut keys: Vec<&String> = map.keys().collect();
                    keys.sort();
                    out.push(b'{');
                    for (i, k) in keys.iter().enumerate() {
                        if i > 0 {
                            out.push(b',');
                        }
                        out.extend(serde_json::to_vec(k).unwrap());
                        out.push(b':');
                        write(&map[*k], out);
                    }
                    out.push(b'}');
                }
                Value::Array(items) => {
                    out.push(b'[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push(b',');
                        }
                        write(item, out);
                    }
                    out.push(b']');
                }
                other => out.extend(serde_json::to_vec(other).unwrap()),
            }
        }
        let mut out = Vec::new();
        write(&serde_json::to_value(value).unwrap(), &mut out);
        out
    }

    #[test]
    fn keys_are_sorted_at_every_level() {
        let v: Value =
            serde_json::from_str(r#"{"b":1,"a":{"z":[{"y":1,"x":2}],"c":"é"}}"#).unwrap();
        assert_eq!(
            String::from_utf8(to_vec(&v)).unwrap(),
            r#"{"a":{"c":"é","z":[{"x":2,"y":1}]},"b":1}"#
        );
    }

    #[derive(serde::Serialize)]
    enum E {
        Unit,
        New(u8),
        Tup(u8, String),
        Rec { z: bool, a: Option<u8> },
    }

    #[derive(serde::Serialize)]
    struct S {
        zeta: Vec<E>,
        alpha: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        m: BTreeMap<u32, i64>,
        n: (i8, f64, char),
        bytes: serde_bytes_like::Bytes,
        #[serde(flatten)]
        rest: BTreeMap<String, Value>,
    }

    mod serde_bytes_like {
        pub struct Bytes(pub Vec<u8>);
        impl serde::Serialize for Bytes {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(&self.0)
            }
        }
    }

    #[test]
    fn same_bytes_as_through_value() {
        let s = S {
            zeta: vec![
                E::Unit,
                E::New(7),
                E::Tup(1, "t\"\\\n\u{1}".into()),
                E::Rec { z: true, a: None },
            ],
            alpha: None,
            skipped: None,
            m: [(10, -1), (2, 5)].into(),
            n: (-3, 1.5, 'x'),
            bytes: serde_bytes_like::Bytes(vec![0, 255]),
            rest: [
                (
                    "b".to_string(),
                    serde_json::json!({"y": [1, {"k": null}], "x": "é"}),
                ),
                ("alpha0".to_string(), Value::Bool(false)),
            ]
            .into(),
        };
        assert_eq!(
            String::from_utf8(to_vec(&s)).unwrap(),
            String::from_utf8(via_value(&s)).unwrap()
        );
        for text in [
            r#"{"b":1,"a":{"z":[{"y":1,"x":2}],"c":"é"},"":[],"é":{},"E":1e300,"n":-0.5}"#,
            r#"[{"a":{"b":{"c":{"d":[{"f":1,"e":2}]}}}}]"#,
            r#""plain""#,
        ] {
            let v: Value = serde_json::from_str(text).unwrap();
            assert_eq!(to_vec(&v), via_value(&v), "{text}");
        }
    }

    #[test]
    fn duplicate_keys_keep_the_last_value() {
        struct Dup;
        impl Serialize for Dup {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("b", &1)?;
                m.serialize_entry("a", &2)?;
                m.serialize_entry("b", &3)?;
                m.end()
            }
        }
        assert_eq!(to_vec(&Dup), br#"{"a":2,"b":3}"#);
        assert_eq!(to_vec(&Dup), via_value(&Dup));
    }
}
