//! Reading one key of a JSON object without building the object: a token
//! lookup visits the keys, keeps the value it needs and skips the others
//! (still checking that the whole text is valid JSON, as Python's
//! `json.load` does).

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

/// The value under `key` in the JSON object `text`: the last one when the
/// key repeats (Python keeps the last), `None` when absent. Text that is
/// JSON but not an object gives an error of category `Data`.
pub fn value_of(text: &[u8], key: &str) -> serde_json::Result<Option<Value>> {
    let mut de = serde_json::Deserializer::from_slice(text);
    let value = de.deserialize_map(Lookup(key))?;
    de.end()?;
    Ok(value)
}

struct Lookup<'k>(&'k str);

impl<'de> Visitor<'de> for Lookup<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Value>, A::Error> {
        let mut found = None;
        while let Some(wanted) = map.next_key_seed(KeyIs(self.0))? {
            if wanted {
                found = Some(map.next_value::<Value>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// Whether a key equals the wanted one, compared without keeping it.
struct KeyIs<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_key_among_others() {
        let text = br#"{"a": {"token": "no"}, "token": "yes", "z": [1, 2e5, "x"]}"#;
        assert_eq!(value_of(text, "token").unwrap(), Some(Value::from("yes")));
        assert_eq!(value_of(text, "missing").unwrap(), None);
        assert_eq!(
            value_of(br#"{"k\u00e9y": 1}"#, "k\u{e9}y").unwrap(),
            Some(Value::from(1))
        );
    }

    #[test]
    fn the_last_duplicate_wins_as_in_python() {
        assert_eq!(
            value_of(br#"{"t": "a", "t": "b"}"#, "t").unwrap(),
            Some(Value::from("b"))
        );
    }

    #[test]
    fn not_an_object_and_invalid_json_are_told_apart() {
        assert!(value_of(b"[1]", "t").unwrap_err().is_data());
        assert!(value_of(b"\"t\"", "t").unwrap_err().is_data());
        assert!(value_of(b"{not json", "t").unwrap_err().is_syntax());
        assert!(
            value_of(b"{\"t\": 1} trailing", "t")
                .unwrap_err()
                .is_syntax()
        );
        assert!(value_of(b"", "t").unwrap_err().is_eof());
    }
}
