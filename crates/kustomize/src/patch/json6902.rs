//! RFC 6902 JSON patches, applied the way kustomize's `patchjson6902` filter
//! does: the resource goes to JSON, the operations are applied with
//! `gopkg.in/evanphx/json-patch.v4` semantics, and the JSON comes back through
//! Go's `map[string]interface{}`, so every number is a float64 afterwards
//! (`1.0` becomes `1`, `1234567` becomes `1.234567e+06`).
//!
//! The operations are applied here rather than with the `json-patch` crate
//! because kustomize's library departs from RFC 6902 in ways visible in
//! output: `replace` of a missing object key adds it, negative array indices
//! count from the end, and the error messages are its own.

use serde_json::Value;

use crate::yaml::json::{from_json, to_json};
use crate::yaml::parse::parse_single;
use crate::yaml::{Node, ScalarKind};

use super::PatchError;

/// Parses the text of a JSON 6902 patch as kustomize does: JSON when it
/// starts with `[`, YAML otherwise.
///
/// Kustomize converts YAML patches with a YAML 1.1 reader, under which plain
/// `yes`, `no`, `on`, `off`, `y` and `n` are booleans; this reader keeps them
/// strings.
pub fn parse_json6902_ops(text: &str) -> Result<Node, PatchError> {
    parse_single(text).map_err(|e| PatchError::InvalidJsonPatch(e.to_string()))
}

/// Applies JSON patch operations (a list of `{op, path, from, value}` maps,
/// or null for none) to a resource.
pub fn apply_json6902(resource: &Node, ops: &Node) -> Result<Node, PatchError> {
    let ops = decode_ops(ops)?;
    let mut doc = to_json(resource);
    for op in &ops {
        op.apply(&mut doc)?;
    }
    Ok(from_json(&doc))
}

#[derive(Debug)]
struct Operation {
    kind: String,
    path: Option<String>,
    from: Option<String>,
    /// `None` when the operation has no `value` (added as null).
    value: Option<Value>,
}

fn decode_ops(ops: &Node) -> Result<Vec<Operation>, PatchError> {
    let items = match ops {
        Node::Seq(items) => items,
        n if n.is_null() => return Ok(Vec::new()),
        other => {
            return Err(PatchError::InvalidJsonPatch(format!(
                "json: cannot unmarshal {} into Go value of type jsonpatch.Patch",
                json_type_name(other)
            )))
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let Some(map) = item.as_map() else {
            if item.is_null() {
                out.push(Operation {
                    kind: String::new(),
                    path: None,
                    from: None,
                    value: None,
                });
                continue;
            }
            return Err(PatchError::InvalidJsonPatch(format!(
                "json: cannot unmarshal {} into Go value of type jsonpatch.Operation",
                json_type_name(item)
            )));
        };
        let text = |key: &str| -> Option<String> {
            map.get(key).and_then(|v| match v {
                Node::Scalar(s) if !s.is_null() => Some(s.value.clone()),
                _ => None,
            })
        };
        out.push(Operation {
            kind: text("op").unwrap_or_default(),
            path: text("path"),
            from: text("from"),
            value: map.get("value").map(to_json),
        });
    }
    Ok(out)
}

fn json_type_name(node: &Node) -> &'static str {
    match node {
        Node::Map(_) => "object",
        Node::Seq(_) => "array",
        Node::Scalar(s) => match s.kind {
            ScalarKind::Str | ScalarKind::Timestamp => "string",
            ScalarKind::Int | ScalarKind::Float => "number",
            ScalarKind::Bool => "bool",
            ScalarKind::Null => "null",
        },
    }
}

fn missing(msg: String) -> PatchError {
    PatchError::JsonPatchFailed(format!("{msg}: missing value"))
}

fn invalid_index(idx: i64) -> PatchError {
    PatchError::JsonPatchFailed(format!(
        "Unable to access invalid index: {idx}: invalid index referenced"
    ))
}

fn wrap(context: String, err: PatchError) -> PatchError {
    PatchError::JsonPatchFailed(format!("{context}: {err}"))
}

fn decode_key(key: &str) -> String {
    key.replace("~1", "/").replace("~0", "~")
}

/// Go's `strconv.Atoi` on an array index.
fn atoi(key: &str) -> Result<i64, PatchError> {
    let digits = key.strip_prefix(['+', '-']).unwrap_or(key);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PatchError::JsonPatchFailed(format!(
            "strconv.Atoi: parsing {key:?}: invalid syntax"
        )));
    }
    key.parse::<i64>().map_err(|_| {
        PatchError::JsonPatchFailed(format!("strconv.Atoi: parsing {key:?}: value out of range"))
    })
}

/// Resolves a (possibly negative) index for reading or replacing.
fn index_within(key: &str, len: usize) -> Result<usize, PatchError> {
    let mut idx = atoi(key)?;
    let len = len as i64;
    if idx < 0 {
        if idx < -len {
            return Err(invalid_index(idx));
        }
        idx += len;
    }
    if idx >= len {
        return Err(invalid_index(idx));
    }
    Ok(idx as usize)
}

/// evanphx's `findObject`: the container holding the last path segment.
fn find_parent<'a>(doc: &'a mut Value, path: &str) -> Option<(&'a mut Value, String)> {
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() < 2 {
        return None;
    }
    let mut cur = doc;
    for part in &parts[1..parts.len() - 1] {
        let key = decode_key(part);
        cur = match cur {
            Value::Object(m) => m.get_mut(&key)?,
            Value::Array(a) => {
                let idx = index_within(&key, a.len()).ok()?;
                a.get_mut(idx)?
            }
            _ => return None,
        };
        if !matches!(cur, Value::Object(_) | Value::Array(_)) {
            return None;
        }
    }
    if !matches!(cur, Value::Object(_) | Value::Array(_)) {
        return None;
    }
    Some((cur, decode_key(parts[parts.len() - 1])))
}

fn container_get<'a>(con: &'a Value, key: &str) -> Result<Option<&'a Value>, PatchError> {
    match con {
        Value::Object(m) => Ok(m.get(key)),
        Value::Array(a) => Ok(Some(&a[index_within(key, a.len())?])),
        _ => Ok(None),
    }
}

fn container_add(con: &mut Value, key: &str, value: Value) -> Result<(), PatchError> {
    match con {
        Value::Object(m) => {
            m.insert(key.to_owned(), value);
            Ok(())
        }
        Value::Array(a) => {
            if key == "-" {
                a.push(value);
                return Ok(());
            }
            let mut idx = atoi(key)?;
            let len = a.len() as i64;
            if idx > len {
                return Err(invalid_index(idx));
            }
            if idx < 0 {
                if idx < -len {
                    return Err(invalid_index(idx));
                }
                idx += len;
            }
            a.insert(idx as usize, value);
            Ok(())
        }
        _ => Ok(()),
    }
}

fn container_set(con: &mut Value, key: &str, value: Value) -> Result<(), PatchError> {
    match con {
        Value::Object(m) => {
            m.insert(key.to_owned(), value);
            Ok(())
        }
        Value::Array(a) => {
            let idx = index_within(key, a.len())?;
            a[idx] = value;
            Ok(())
        }
        _ => Ok(()),
    }
}

fn container_remove(con: &mut Value, key: &str) -> Result<Value, PatchError> {
    match con {
        Value::Object(m) => m
            .shift_remove(key)
            .ok_or_else(|| missing(format!("Unable to remove nonexistent key: {key}"))),
        Value::Array(a) => {
            let idx = index_within(key, a.len())?;
            Ok(a.remove(idx))
        }
        _ => Err(missing(format!("Unable to remove nonexistent key: {key}"))),
    }
}

impl Operation {
    fn path(&self) -> Result<&str, PatchError> {
        self.path
            .as_deref()
            .ok_or_else(|| missing("operation missing path field".into()))
    }

    fn source_path(&self) -> Result<&str, PatchError> {
        self.from
            .as_deref()
            .ok_or_else(|| missing("operation missing from field".into()))
    }

    fn value(&self) -> Value {
        self.value.clone().unwrap_or(Value::Null)
    }

    fn apply(&self, doc: &mut Value) -> Result<(), PatchError> {
        match self.kind.as_str() {
            "add" => {
                let path = self.path()?;
                if path.is_empty() {
                    *doc = self.value();
                    return Ok(());
                }
                let (con, key) = find_parent(doc, path).ok_or_else(|| {
                    missing(format!(
                        "add operation does not apply: doc is missing path: {path:?}"
                    ))
                })?;
                container_add(con, &key, self.value())
                    .map_err(|e| wrap(format!("error in add for path: '{path}'"), e))
            }
            "remove" => {
                let path = self.path()?;
                let (con, key) = find_parent(doc, path).ok_or_else(|| {
                    missing(format!(
                        "remove operation does not apply: doc is missing path: {path:?}"
                    ))
                })?;
                container_remove(con, &key)
                    .map(drop)
                    .map_err(|e| wrap(format!("error in remove for path: '{path}'"), e))
            }
            "replace" => {
                let path = self.path()?;
                if path.is_empty() {
                    *doc = self.value();
                    return Ok(());
                }
                let (con, key) = find_parent(doc, path).ok_or_else(|| {
                    missing(format!(
                        "replace operation does not apply: doc is missing path: {path}"
                    ))
                })?;
                if container_get(con, &key).is_err() {
                    return Err(missing(format!(
                        "replace operation does not apply: doc is missing key: {path}"
                    )));
                }
                container_set(con, &key, self.value())
                    .map_err(|e| wrap(format!("error in remove for path: '{path}'"), e))
            }
            "move" => {
                let from = self.source_path()?;
                let (con, key) = find_parent(doc, from).ok_or_else(|| {
                    missing(format!(
                        "move operation does not apply: doc is missing from path: {from}"
                    ))
                })?;
                container_get(con, &key)
                    .map_err(|e| wrap(format!("error in move for path: '{key}'"), e))?;
                let val = container_remove(con, &key)
                    .map_err(|e| wrap(format!("error in move for path: '{key}'"), e))?;
                let path = self.path()?;
                let (con, key) = find_parent(doc, path).ok_or_else(|| {
                    missing(format!(
                        "move operation does not apply: doc is missing destination path: {path}"
                    ))
                })?;
                container_add(con, &key, val)
                    .map_err(|e| wrap(format!("error in move for path: '{key}'"), e))
            }
            "copy" => {
                let from = self.source_path()?;
                let (con, key) = find_parent(doc, from).ok_or_else(|| {
                    missing(format!(
                        "copy operation does not apply: doc is missing from path: {from}"
                    ))
                })?;
                let val = container_get(con, &key)
                    .map_err(|e| wrap(format!("error in copy for from: '{from}'"), e))?
                    .cloned()
                    .ok_or_else(|| {
                        wrap(
                            format!("error in copy for from: '{from}'"),
                            missing(format!("Unable to copy nonexistent key: {key}")),
                        )
                    })?;
                let path = self.path()?;
                let (con, key) = find_parent(doc, path).ok_or_else(|| {
                    missing(format!(
                        "copy operation does not apply: doc is missing destination path: {path}"
                    ))
                })?;
                container_add(con, &key, val)
                    .map_err(|e| wrap(format!("error in copy for path: '{path}'"), e))
            }
            "test" => {
                let path = self.path()?;
                let failed = || {
                    PatchError::JsonPatchFailed(format!("testing value {path} failed: test failed"))
                };
                if path.is_empty() {
                    return if self.value.as_ref() == Some(doc) {
                        Ok(())
                    } else {
                        Err(failed())
                    };
                }
                let (con, key) = find_parent(doc, path).ok_or_else(|| {
                    missing(format!(
                        "test operation does not apply: is missing path: {path}"
                    ))
                })?;
                let val = container_get(con, &key)
                    .map_err(|e| wrap(format!("error in test for path: '{path}'"), e))?;
                match (val, &self.value) {
                    (None, None) => Ok(()),
                    (None, Some(_)) | (Some(_), None) => Err(failed()),
                    (Some(v), Some(want)) if json_equal(v, want) => Ok(()),
                    _ => Err(failed()),
                }
            }
            other => Err(PatchError::JsonPatchFailed(format!(
                "Unexpected kind: {other}"
            ))),
        }
    }
}

fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Node {
        parse_single(text).unwrap()
    }

    fn apply(resource: &str, ops: &str) -> Result<Node, PatchError> {
        apply_json6902(&yaml(resource), &parse_json6902_ops(ops).unwrap())
    }

    const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \"3\"\nspec:\n  l: [1, \"2\", true]\n";

    #[test]
    fn add_replace_remove() {
        let out = apply(
            CM,
            r#"[{"op": "add", "path": "/data/b", "value": "x"},
                {"op": "replace", "path": "/data/a", "value": 4},
                {"op": "remove", "path": "/spec/l/1"},
                {"op": "add", "path": "/spec/l/-", "value": {"k": 1.0}}]"#,
        )
        .unwrap();
        assert_eq!(out.str_at(&["data", "b"]), Some("x"));
        let a = out.get_path(&["data", "a"]).unwrap().as_scalar().unwrap();
        assert_eq!((a.value.as_str(), a.kind), ("4", ScalarKind::Int));
        let l = out.get_path(&["spec", "l"]).unwrap().as_seq().unwrap();
        assert_eq!(l.len(), 3);
        assert_eq!(l[1].as_scalar().unwrap().kind, ScalarKind::Bool);
        let k = l[2].get("k").unwrap().as_scalar().unwrap();
        assert_eq!((k.value.as_str(), k.kind), ("1", ScalarKind::Int));
    }

    #[test]
    fn numbers_go_through_float64() {
        let out = apply(
            "a: 1.0\nb: 1234567\nc: 0x1F\nd: \"0x1F\"\ne: 0.00001\n",
            "- op: add\n  path: /z\n  value: 1\n",
        )
        .unwrap();
        let s = |k: &str| out.get(k).unwrap().as_scalar().unwrap().clone();
        assert_eq!(s("a").value, "1");
        assert_eq!(s("b").value, "1.234567e+06");
        assert_eq!(s("b").kind, ScalarKind::Float);
        assert_eq!(s("c").value, "31");
        assert_eq!(
            (s("d").value.as_str(), s("d").kind),
            ("0x1F", ScalarKind::Str)
        );
        assert_eq!(s("e").value, "1e-05");
    }

    #[test]
    fn replace_of_missing_key_adds_it() {
        let out = apply(CM, "- op: replace\n  path: /data/zzz\n  value: q\n").unwrap();
        assert_eq!(out.str_at(&["data", "zzz"]), Some("q"));
    }

    #[test]
    fn negative_index_counts_from_end() {
        let out = apply(CM, "- op: replace\n  path: /spec/l/-1\n  value: last\n").unwrap();
        let l = out.get_path(&["spec", "l"]).unwrap().as_seq().unwrap();
        assert_eq!(l[2].as_str(), Some("last"));
        let out = apply(CM, "- op: add\n  path: /spec/l/-1\n  value: ins\n").unwrap();
        let l = out.get_path(&["spec", "l"]).unwrap().as_seq().unwrap();
        assert_eq!(l[2].as_str(), Some("ins"));
        assert_eq!(l.len(), 4);
    }

    #[test]
    fn move_copy_test() {
        let out = apply(
            CM,
            "- op: test\n  path: /data/a\n  value: \"3\"\n- op: copy\n  from: /data/a\n  path: /data/c\n- op: move\n  from: /data/a\n  path: /spec/a\n",
        )
        .unwrap();
        assert_eq!(out.str_at(&["data", "c"]), Some("3"));
        assert_eq!(out.str_at(&["spec", "a"]), Some("3"));
        assert!(out.get_path(&["data", "a"]).is_none());
    }

    #[test]
    fn kustomize_error_messages() {
        let err = |ops: &str| apply(CM, ops).unwrap_err().to_string();
        assert_eq!(
            err("- op: remove\n  path: /data/zzz\n"),
            "error in remove for path: '/data/zzz': Unable to remove nonexistent key: zzz: missing value"
        );
        assert_eq!(
            err("- op: add\n  path: /nope/zzz\n  value: 1\n"),
            "add operation does not apply: doc is missing path: \"/nope/zzz\": missing value"
        );
        assert_eq!(
            err("- op: test\n  path: /data/a\n  value: \"4\"\n"),
            "testing value /data/a failed: test failed"
        );
        assert_eq!(
            err("- op: frob\n  path: /data/a\n"),
            "Unexpected kind: frob"
        );
        assert_eq!(
            err("- op: replace\n  path: /spec/l/7\n  value: 1\n"),
            "replace operation does not apply: doc is missing key: /spec/l/7: missing value"
        );
    }

    #[test]
    fn empty_patch_still_normalizes() {
        let out = apply("a: 1.0\n", "").unwrap();
        assert_eq!(out.get("a").unwrap().as_str(), Some("1"));
    }
}
