//! The in-memory YAML tree every part of the engine works on.
//!
//! Kustomize's output goes through JSON before it is printed, so comments,
//! anchors and quoting styles never reach the output. What matters is the
//! *kind* of each scalar (string, int, float, bool, null) as go-yaml v3 would
//! resolve it when kustomize reads the file. The raw text is kept so that
//! numbers keep their spelling until they are printed.

use std::fmt;

/// How a scalar was resolved when it was read (go-yaml v3 rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarKind {
    Str,
    /// A plain (unquoted, untagged) timestamp such as `2001-12-14`: a string
    /// while the build works on it, printed the way Go prints the
    /// `time.Time` kustomize decodes it into.
    Timestamp,
    Int,
    Float,
    Bool,
    Null,
}

/// A scalar value: its text and what the text means.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Scalar {
    pub value: String,
    pub kind: ScalarKind,
}

impl Scalar {
    pub fn string(value: impl Into<String>) -> Self {
        Scalar {
            value: value.into(),
            kind: ScalarKind::Str,
        }
    }

    pub fn null() -> Self {
        Scalar {
            value: "null".to_owned(),
            kind: ScalarKind::Null,
        }
    }

    pub fn is_null(&self) -> bool {
        self.kind == ScalarKind::Null
    }
}

/// A mapping that keeps its keys in insertion order.
///
/// Resources rarely have more than a dozen keys per level, so a vector beats a
/// hash map here; the order is kept because `--reorder none` and patches rely
/// on stable iteration while the final printer sorts keys anyway.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Map {
    entries: Vec<(String, Node)>,
}

/// A YAML node: scalar, sequence or mapping.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Map),
}

impl Default for Node {
    fn default() -> Self {
        Node::Scalar(Scalar::null())
    }
}

impl Map {
    pub fn new() -> Self {
        Map::default()
    }

    pub fn with_capacity(n: usize) -> Self {
        Map {
            entries: Vec::with_capacity(n),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.entries
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k == key)
    }

    /// Sets `key` to `value`, replacing an existing value in place (keeping
    /// its position) or appending a new entry.
    pub fn insert(&mut self, key: impl Into<String>, value: Node) -> Option<Node> {
        let key = key.into();
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some((_, slot)) => Some(std::mem::replace(slot, value)),
            None => {
                self.entries.push((key, value));
                None
            }
        }
    }

    /// Appends an entry whose key the caller knows is not there yet (the
    /// reader, which has already checked): no scan of the existing keys.
    pub fn push_unique(&mut self, key: String, value: Node) {
        debug_assert!(!self.contains_key(&key), "duplicate key {key:?}");
        self.entries.push((key, value));
    }

    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let pos = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(pos).1)
    }

    /// Returns the value at `key`, inserting what `default` makes when absent.
    pub fn entry_or_insert_with(&mut self, key: &str, default: impl FnOnce() -> Node) -> &mut Node {
        let pos = match self.entries.iter().position(|(k, _)| k == key) {
            Some(pos) => pos,
            None => {
                self.entries.push((key.to_owned(), default()));
                self.entries.len() - 1
            }
        };
        &mut self.entries[pos].1
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&String, &Node)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&String, &mut Node)> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &Node> {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&str, &mut Node) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }
}

impl IntoIterator for Map {
    type Item = (String, Node);
    type IntoIter = std::vec::IntoIter<(String, Node)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl FromIterator<(String, Node)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Node)>>(iter: I) -> Self {
        let mut map = Map::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl Node {
    pub fn string(value: impl Into<String>) -> Node {
        Node::Scalar(Scalar::string(value))
    }

    pub fn null() -> Node {
        Node::Scalar(Scalar::null())
    }

    pub fn empty_map() -> Node {
        Node::Map(Map::new())
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Node::Scalar(s) if s.is_null())
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match self {
            Node::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a non-null scalar, whatever its kind.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Scalar(s) if !s.is_null() => Some(&s.value),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Node::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_map_mut(&mut self) -> Option<&mut Map> {
        match self {
            Node::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&Vec<Node>> {
        match self {
            Node::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_seq_mut(&mut self) -> Option<&mut Vec<Node>> {
        match self {
            Node::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// Looks up a key when this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?.get(key)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.as_map_mut()?.get_mut(key)
    }

    /// Follows a path of mapping keys.
    pub fn get_path(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    pub fn get_path_mut(&mut self, path: &[&str]) -> Option<&mut Node> {
        path.iter().try_fold(self, |node, key| node.get_mut(key))
    }

    /// The string at a path of mapping keys, if it is a non-null scalar.
    pub fn str_at(&self, path: &[&str]) -> Option<&str> {
        self.get_path(path)?.as_str()
    }

    /// Sets the value at a path of mapping keys, creating (or replacing
    /// non-mapping) intermediate nodes with mappings.
    pub fn set_path(&mut self, path: &[&str], value: Node) {
        let Some((last, parents)) = path.split_last() else {
            *self = value;
            return;
        };
        let mut node = self;
        for key in parents {
            if !matches!(node, Node::Map(_)) {
                *node = Node::empty_map();
            }
            let Node::Map(map) = node else { unreachable!() };
            node = map.entry_or_insert_with(key, Node::empty_map);
        }
        if !matches!(node, Node::Map(_)) {
            *node = Node::empty_map();
        }
        if let Node::Map(map) = node {
            map.insert(*last, value);
        }
    }

    /// Short name of the node's kind, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Node::Scalar(s) => match s.kind {
                ScalarKind::Str | ScalarKind::Timestamp => "string",
                ScalarKind::Int => "integer",
                ScalarKind::Float => "number",
                ScalarKind::Bool => "boolean",
                ScalarKind::Null => "null",
            },
            Node::Seq(_) => "list",
            Node::Map(_) => "map",
        }
    }
}

impl From<Map> for Node {
    fn from(map: Map) -> Self {
        Node::Map(map)
    }
}

impl From<&str> for Node {
    fn from(s: &str) -> Self {
        Node::string(s)
    }
}

impl From<String> for Node {
    fn from(s: String) -> Self {
        Node::string(s)
    }
}

impl fmt::Display for Node {
    /// Prints the node the way kustomize prints a resource.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&super::emit::to_yaml_string(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_keeps_position_of_existing_key() {
        let mut m = Map::new();
        m.insert("a", Node::string("1"));
        m.insert("b", Node::string("2"));
        m.insert("a", Node::string("3"));
        let keys: Vec<_> = m.keys().cloned().collect();
        assert_eq!(keys, ["a", "b"]);
        assert_eq!(m.get("a").and_then(Node::as_str), Some("3"));
    }

    #[test]
    fn set_path_creates_intermediate_maps() {
        let mut n = Node::empty_map();
        n.set_path(&["metadata", "labels", "app"], Node::string("web"));
        assert_eq!(n.str_at(&["metadata", "labels", "app"]), Some("web"));
        n.set_path(&["metadata", "name"], Node::string("x"));
        assert_eq!(n.get("metadata").unwrap().as_map().unwrap().len(), 2);
    }

    #[test]
    fn null_is_not_a_string() {
        assert_eq!(Node::null().as_str(), None);
        assert!(Node::null().is_null());
    }
}
