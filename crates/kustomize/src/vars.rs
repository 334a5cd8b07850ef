//! Kustomize's (deprecated) `vars:`: values read from one resource's field
//! and substituted for `$(NAME)` in fields of other resources.
//!
//! The lifecycle follows kustomize's `ResAccumulator`:
//! 1. after each kustomization's transformers ran, [`merge_vars`] tags the
//!    resource each var refers to (by original id) and adds the vars to the
//!    set (`var 'X' already encountered` on a repeated name);
//! 2. when accumulators of bases combine, [`VarSet::merge_set`] does the same
//!    name check;
//! 3. at the very end of the top-level build, [`resolve_vars`] reads each
//!    var's value from the resource tagged with its name and expands
//!    `$(NAME)` in the fields listed by the `varReference` field specs.
//!
//! Kustomize only logs the vars that were never used; [`resolve_vars_reporting_unused`]
//! returns their names so a caller can do the same.

use std::collections::{BTreeMap, HashMap};

use crate::error::{Error, Result};
use crate::fieldspec::FieldSpec;
use crate::kustomization::Var;
use crate::resource::{Gvk, ResId, ResMap};
use crate::yaml::parse::{go_parse_float, resolve_plain};
use crate::yaml::{Node, Scalar, ScalarKind};

const DEFAULT_FIELD_PATH: &str = "metadata.name";

/// Vars by name; no name appears twice.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VarSet {
    vars: BTreeMap<String, Var>,
}

impl VarSet {
    pub fn new() -> Self {
        VarSet::default()
    }

    pub fn len(&self) -> usize {
        self.vars.len()
    }

    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }

    pub fn get(&self, name: &str) -> Option<&Var> {
        self.vars.get(name)
    }

    /// The vars sorted by name (kustomize's `VarSet.AsSlice`).
    pub fn iter(&self) -> impl Iterator<Item = &Var> {
        self.vars.values()
    }

    /// Adds a var, defaulting its field path and splitting its
    /// `apiVersion`; a name already present is an error.
    pub fn merge(&mut self, var: &Var) -> Result<()> {
        if self.vars.contains_key(&var.name) {
            return Err(Error::msg(format!(
                "var '{}' already encountered",
                var.name
            )));
        }
        self.vars.insert(var.name.clone(), defaulted(var));
        Ok(())
    }

    pub fn merge_slice(&mut self, vars: &[Var]) -> Result<()> {
        vars.iter().try_for_each(|v| self.merge(v))
    }

    /// Absorbs the vars of another accumulator (a base or component).
    pub fn merge_set(&mut self, other: &VarSet) -> Result<()> {
        other.iter().try_for_each(|v| self.merge(v))
    }
}

/// The var with `fieldref.fieldPath` defaulted and `objref.apiVersion`
/// split into group and version (kustomize's `Var.Defaulting`).
fn defaulted(var: &Var) -> Var {
    let mut v = var.clone();
    if v.fieldref.field_path.is_empty() {
        v.fieldref.field_path = DEFAULT_FIELD_PATH.to_owned();
    }
    let gvk = objref_gvk(&v);
    v.objref.group = gvk.group;
    v.objref.version = gvk.version;
    v
}

/// Kustomize's `Target.GVK`: `apiVersion`, when set, overrides group and
/// version (`v1` sets only the version).
fn objref_gvk(var: &Var) -> Gvk {
    let t = &var.objref;
    let mut gvk = Gvk::new(&t.group, &t.version, &t.kind);
    if !t.api_version.is_empty() {
        let parts: Vec<&str> = t.api_version.split('/').collect();
        match parts.as_slice() {
            [version] => gvk.version = (*version).to_owned(),
            [group, version] => {
                gvk.group = (*group).to_owned();
                gvk.version = (*version).to_owned();
            }
            _ => {}
        }
    }
    gvk
}

/// How Go prints a var with `%v`: the objref prints as its kind, version
/// and group only (its embedded `Gvk.String` wins), e.g.
/// `{POD Pod.v1.[noGrp] {metadata.name}}`.
pub fn go_var_string(var: &Var) -> String {
    format!(
        "{{{} {} {{{}}}}}",
        var.name,
        go_gvk_string(&objref_gvk_raw(var)),
        var.fieldref.field_path
    )
}

/// The objref's group/version/kind as stored (before defaulting).
fn objref_gvk_raw(var: &Var) -> Gvk {
    Gvk::new(&var.objref.group, &var.objref.version, &var.objref.kind)
}

fn go_gvk_string(gvk: &Gvk) -> String {
    let or = |s: &str, p: &'static str| {
        if s.is_empty() {
            p.to_owned()
        } else {
            s.to_owned()
        }
    };
    format!(
        "{}.{}.{}",
        or(&gvk.kind, "[noKind]"),
        or(&gvk.version, "[noVer]"),
        or(&gvk.group, "[noGrp]")
    )
}

/// Kustomize's `ResAccumulator.MergeVars` (with the `merging vars [...]`
/// prefix `KustTarget` adds): tags the one resource each var refers to and
/// adds the vars to `set`.
///
/// A var without a namespace matches by group/version/kind and name in any
/// namespace; with a namespace (or for a cluster-scoped kind) the
/// namespace must match too. Only original ids are compared.
pub fn merge_vars(resources: &mut ResMap, set: &mut VarSet, incoming: &[Var]) -> Result<()> {
    merge_vars_unwrapped(resources, set, incoming).map_err(|e| {
        let listed: Vec<String> = incoming.iter().map(go_var_string).collect();
        e.context(format!("merging vars [{}]", listed.join(" ")))
    })
}

fn merge_vars_unwrapped(resources: &mut ResMap, set: &mut VarSet, incoming: &[Var]) -> Result<()> {
    for var in incoming {
        let gvk = objref_gvk(var);
        let target = ResId::new(gvk.clone(), &var.objref.name, &var.objref.namespace);
        let match_namespace = !target.namespace.is_empty() || gvk.is_cluster_scoped();
        let matched: Vec<usize> = resources
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                let original = r.original_id();
                if match_namespace {
                    original.same_as(&target)
                } else {
                    original.gvk == target.gvk && original.name == target.name
                }
            })
            .map(|(i, _)| i)
            .collect();
        match matched.as_slice() {
            [] => {}
            [only] => resources.resources[*only]
                .ref_var_names
                .push(var.name.clone()),
            many => {
                let mut shown = var.clone();
                shown.objref.group = gvk.group.clone();
                shown.objref.version = gvk.version.clone();
                return Err(Error::msg(format!(
                    "found {} resId matches for var {} (unable to disambiguate)",
                    many.len(),
                    go_var_string(&shown)
                )));
            }
        }
    }
    set.merge_slice(incoming)
}

/// Replaces `$(VAR)` references in the `var_reference` fields of every
/// resource with the vars' values.
pub fn resolve_vars(
    resources: &mut ResMap,
    vars: &VarSet,
    var_reference: &[FieldSpec],
) -> Result<()> {
    resolve_vars_reporting_unused(resources, vars, var_reference).map(|_| ())
}

/// [`resolve_vars`], returning the names of vars that were never
/// substituted (kustomize logs "well-defined vars that were never
/// replaced: ..." for them; it is not an error).
pub fn resolve_vars_reporting_unused(
    resources: &mut ResMap,
    vars: &VarSet,
    var_reference: &[FieldSpec],
) -> Result<Vec<String>> {
    let values = var_values(resources, vars)?;
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let mut expander = Expander {
        values: &values,
        counts: HashMap::new(),
    };
    let mut outcome = Ok(());
    'resources: for resource in resources.iter_mut() {
        for spec in var_reference {
            if !spec_applies(spec, &resource.node) {
                continue;
            }
            let path = crate::fieldspec::split_path(&spec.path);
            if let Err(e) = walk(&mut resource.node, &path, &mut expander) {
                outcome = Err(Error::msg(format!(
                    "considering field '{}' of object {}: {e}",
                    spec.path,
                    resource.id()
                )));
                break 'resources;
            }
        }
    }
    let unused = values
        .keys()
        .filter(|name| !expander.counts.contains_key(*name))
        .cloned()
        .collect();
    outcome.map(|()| unused)
}

/// A var's value, typed as kustomize reads it (`GetFieldValue`).
#[derive(Clone, Debug, PartialEq)]
enum VarValue {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A map or list: kustomize cannot substitute it and leaves `$(VAR)`.
    Structured,
}

impl VarValue {
    /// Go's `fmt.Sprintf("%v", value)`.
    fn go_format(&self) -> String {
        match self {
            VarValue::Str(s) => s.clone(),
            VarValue::Int(i) => i.to_string(),
            VarValue::Float(f) => go_format_float_g(*f),
            VarValue::Bool(b) => b.to_string(),
            VarValue::Structured => String::new(),
        }
    }

    /// The node a field that is exactly `$(VAR)` becomes.
    fn to_scalar(&self) -> Scalar {
        match self {
            VarValue::Str(s) => Scalar::string(s.clone()),
            VarValue::Int(i) => Scalar {
                value: i.to_string(),
                kind: ScalarKind::Int,
            },
            VarValue::Float(f) => Scalar {
                value: go_format_float_f(*f),
                kind: ScalarKind::Float,
            },
            VarValue::Bool(b) => Scalar {
                value: b.to_string(),
                kind: ScalarKind::Bool,
            },
            VarValue::Structured => Scalar::string(""),
        }
    }
}

/// Reads every var's value from the resource tagged with its name.
fn var_values(resources: &ResMap, vars: &VarSet) -> Result<BTreeMap<String, VarValue>> {
    let mut values = BTreeMap::new();
    for var in vars.iter() {
        let Some(resource) = resources
            .iter()
            .find(|r| r.ref_var_names.iter().any(|n| n == &var.name))
        else {
            return Err(Error::msg(format!(
                "var '{}' cannot be mapped to a field in the set of known resources",
                go_var_string(var)
            )));
        };
        let value = field_value(&resource.node, &var.fieldref.field_path).ok_or_else(|| {
            Error::msg(format!(
                "field specified in var '{}' not found in corresponding resource",
                go_var_string(var)
            ))
        })?;
        values.insert(var.name.clone(), value);
    }
    Ok(values)
}

/// Kustomize's `RNode.GetFieldValue`: a dotted path where `name[3]` means
/// element 3 of list `name`, `[k=v]` selects a list element and a number
/// indexes a list.
fn field_value(node: &Node, path: &str) -> Option<VarValue> {
    let mut parts = Vec::new();
    for part in crate::plugins::replacements::smarter_path_split(path) {
        match split_slice_index(&part) {
            Some((name, index)) => {
                if !name.is_empty() {
                    parts.push(name.to_owned());
                }
                parts.push(index.to_owned());
            }
            None => parts.push(part),
        }
    }
    let found = crate::plugins::replacements::lookup(node, &parts).ok()??;
    Some(match found {
        Node::Map(_) | Node::Seq(_) => VarValue::Structured,
        Node::Scalar(s) => match s.kind {
            ScalarKind::Int => VarValue::Int(go_atoi(&s.value)?),
            ScalarKind::Float => VarValue::Float(go_parse_float(&s.value.replace('_', ""))?),
            ScalarKind::Bool => VarValue::Bool(go_parse_bool(&s.value)?),
            ScalarKind::Str | ScalarKind::Timestamp | ScalarKind::Null => {
                VarValue::Str(s.value.clone())
            }
        },
    })
}

/// `name[12]` -> (`name`, `12`).
fn split_slice_index(part: &str) -> Option<(&str, &str)> {
    let inner = part.strip_suffix(']')?;
    let open = inner.rfind('[')?;
    let digits = &inner[open + 1..];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((&inner[..open], digits))
}

/// Go's `strconv.Atoi`: decimal only, optional sign.
fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Go's `strconv.ParseBool`.
fn go_parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// Go's `strconv.FormatFloat(f, 'f', -1, 64)`.
fn go_format_float_f(f: f64) -> String {
    if f.is_finite() && f == f.trunc() && f.abs() < 1e21 {
        format!("{f:.0}")
    } else {
        format!("{f}")
    }
}

/// Go's `%v` for a float64 (`%g` with the shortest representation).
fn go_format_float_g(f: f64) -> String {
    if f == 0.0 {
        return "0".to_owned();
    }
    let exp = f.abs().log10().floor() as i32;
    if (-4..21).contains(&exp) {
        let shortest = format!("{f}");
        // `%g` switches to an exponent at 1e+06 when the digits would
        // need trailing zeros to reach the decimal point.
        let digits = shortest
            .trim_start_matches('-')
            .replace('.', "")
            .trim_matches('0')
            .len();
        if exp >= 6 && exp as usize >= digits.max(1) {
            return go_exponent(f);
        }
        shortest
    } else {
        go_exponent(f)
    }
}

/// `1e+06`, `1.5e-07`: Rust's `{:e}` with Go's sign and two-digit exponent.
fn go_exponent(f: f64) -> String {
    let s = format!("{f:e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let (sign, digits) = match exp.strip_prefix('-') {
        Some(d) => ('-', d),
        None => ('+', exp),
    };
    format!("{mantissa}e{sign}{digits:0>2}")
}

/// Whether a field spec's group/version/kind selects the object.
fn spec_applies(spec: &FieldSpec, node: &Node) -> bool {
    let kind = node.str_at(&["kind"]).unwrap_or("");
    let api_version = node.str_at(&["apiVersion"]).unwrap_or("");
    let (group, version) = match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    };
    (spec.kind.is_empty() || spec.kind == kind)
        && (spec.group.is_empty() || spec.group == group)
        && (spec.version.is_empty() || spec.version == version)
}

/// Visits the field at `path`, descending into every element of the lists
/// met on the way (field-spec paths do not name list positions).
fn walk(
    node: &mut Node,
    path: &[String],
    expander: &mut Expander<'_>,
) -> std::result::Result<(), String> {
    let Some((first, rest)) = path.split_first() else {
        return expander.expand_field(node);
    };
    match node {
        Node::Scalar(s) if s.is_null() => Ok(()),
        Node::Seq(items) => {
            for item in items.iter_mut() {
                walk(item, path, expander)
                    .map_err(|e| format!("visit traversal on path: [{}]: {e}", path.join(" ")))?;
            }
            Ok(())
        }
        Node::Map(map) => {
            let name = first.strip_suffix("[]").unwrap_or(first);
            if name.is_empty() {
                return Err("cannot set or create an empty field name".to_owned());
            }
            match map.get_mut(name) {
                Some(field) => walk(field, rest, expander),
                None => Ok(()),
            }
        }
        Node::Scalar(_) => Err("expected sequence or mapping node".to_owned()),
    }
}

/// Expands `$(VAR)` with known values, counting which vars were used.
struct Expander<'a> {
    values: &'a BTreeMap<String, VarValue>,
    counts: HashMap<String, usize>,
}

impl Expander<'_> {
    /// Kustomize's `refvar.Filter.set`: strings are expanded; in a map each
    /// string value is; in a list every item must be a string.
    fn expand_field(&mut self, node: &mut Node) -> std::result::Result<(), String> {
        match node {
            Node::Scalar(s) if s.is_null() => Ok(()),
            Node::Scalar(s) => {
                if s.kind == ScalarKind::Str {
                    *s = self.expand(&s.value);
                }
                Ok(())
            }
            Node::Map(map) => {
                for (_, value) in map.iter_mut() {
                    if let Node::Scalar(s) = value {
                        if s.kind == ScalarKind::Str {
                            *s = self.expand(&s.value);
                        }
                    }
                }
                Ok(())
            }
            Node::Seq(items) => {
                for item in items.iter_mut() {
                    match item {
                        Node::Scalar(s) if s.kind == ScalarKind::Str => *s = self.expand(&s.value),
                        _ => return Err("invalid value type expect a string".to_owned()),
                    }
                }
                Ok(())
            }
        }
    }

    /// The value of `$(NAME)`, or the reference itself when it cannot be
    /// substituted.
    fn lookup(&mut self, name: &str) -> Option<VarValue> {
        match self.values.get(name) {
            Some(VarValue::Structured) | None => None,
            Some(value) => {
                *self.counts.entry(name.to_owned()).or_default() += 1;
                Some(value.clone())
            }
        }
    }

    /// Kustomize's `DoReplacements`: `$(NAME)` is replaced, `$$` is an
    /// escaped `$`, anything else is kept. A string that is exactly one
    /// reference takes the value's type.
    fn expand(&mut self, input: &str) -> Scalar {
        if let Some(name) = input.strip_prefix("$(").and_then(|r| r.strip_suffix(')')) {
            if !name.contains(')') {
                return match self.lookup(name) {
                    Some(value) => value.to_scalar(),
                    None => Scalar::string(input),
                };
            }
        }
        let bytes = input.as_bytes();
        let mut out = String::with_capacity(input.len());
        let mut checkpoint = 0;
        let mut cursor = 0;
        while cursor < bytes.len() {
            if bytes[cursor] == b'$' && cursor + 1 < bytes.len() {
                out.push_str(&input[checkpoint..cursor]);
                let rest = &input[cursor + 1..];
                let advance = match bytes[cursor + 1] {
                    b'$' => {
                        out.push('$');
                        1
                    }
                    b'(' => match rest.find(')') {
                        Some(close) => {
                            let name = &rest[1..close];
                            match self.lookup(name) {
                                Some(value) => out.push_str(&value.go_format()),
                                None => {
                                    out.push_str("$(");
                                    out.push_str(name);
                                    out.push(')');
                                }
                            }
                            close + 1
                        }
                        None => {
                            out.push_str("$(");
                            1
                        }
                    },
                    _ => {
                        // Not a reference: keep the `$` and let the next
                        // character be copied as ordinary text.
                        out.push('$');
                        0
                    }
                };
                cursor += advance;
                checkpoint = cursor + 1;
            }
            cursor += 1;
        }
        out.push_str(&input[checkpoint.min(input.len())..]);
        let _ = resolve_plain; // strings stay strings; see `to_scalar` for typed values
        Scalar::string(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Resource;
    use crate::yaml::parse::{parse_documents, parse_single};

    fn resmap(yaml: &str) -> ResMap {
        let mut m = ResMap::new();
        for doc in parse_documents(yaml).unwrap() {
            m.resources.push(Resource::new(doc));
        }
        m
    }

    fn vars(yaml: &str) -> Vec<Var> {
        let node = parse_single(yaml).unwrap();
        serde_json::from_value(crate::kustomization::node_to_config_json(&node)).unwrap()
    }

    fn spec(kind: &str, path: &str) -> FieldSpec {
        FieldSpec {
            kind: kind.to_owned(),
            path: path.to_owned(),
            ..FieldSpec::default()
        }
    }

    const SERVICE_AND_POD: &str = "\
apiVersion: v1
kind: Service
metadata: {name: svc}
spec:
  ports: [{port: 80, protocol: TCP}]
  b: true
  f: 1.50
  s: '007'
  m: {a: b}
---
apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations: {a: $(V1), b: x$(V1), c: $(VB), d: $(VF), e: $(VS), f: $(VM), g: 5, h: x$(VF)}
spec:
  containers:
  - name: c
    image: $(V1)
    command: ['$(V1)', 'a$(V1)b', '$$(V1)', '$(NOPE)', '$(V1', '$', '$x$(V1)', '', '$(VS)', '$(SVC)']
";

    const VARS: &str = "\
- {name: V1, objref: {kind: Service, name: svc, apiVersion: v1}, fieldref: {fieldPath: 'spec.ports[0].port'}}
- {name: VB, objref: {kind: Service, name: svc, apiVersion: v1}, fieldref: {fieldPath: spec.b}}
- {name: VF, objref: {kind: Service, name: svc, apiVersion: v1}, fieldref: {fieldPath: spec.f}}
- {name: VS, objref: {kind: Service, name: svc, apiVersion: v1}, fieldref: {fieldPath: spec.s}}
- {name: VM, objref: {kind: Service, name: svc, apiVersion: v1}, fieldref: {fieldPath: spec.m}}
- {name: SVC, objref: {kind: Service, name: svc, apiVersion: v1}}
- {name: UNUSED, objref: {kind: Service, name: svc, apiVersion: v1}}
";

    fn scalar(node: &Node, path: &[&str]) -> Scalar {
        node.get_path(path).unwrap().as_scalar().unwrap().clone()
    }

    #[test]
    fn expands_references_like_kustomize() {
        let mut m = resmap(SERVICE_AND_POD);
        let mut set = VarSet::new();
        merge_vars(&mut m, &mut set, &vars(VARS)).unwrap();
        let refs = [
            spec("Pod", "metadata/annotations"),
            spec("", "spec/containers/command"),
        ];
        let unused = resolve_vars_reporting_unused(&mut m, &set, &refs).unwrap();
        assert_eq!(unused, ["UNUSED", "VM"]);

        let pod = &m.resources[1].node;
        let ann = |k: &str| scalar(pod, &["metadata", "annotations", k]);
        assert_eq!(
            ann("a"),
            Scalar {
                value: "80".into(),
                kind: ScalarKind::Int
            }
        );
        assert_eq!(ann("b"), Scalar::string("x80"));
        assert_eq!(
            ann("c"),
            Scalar {
                value: "true".into(),
                kind: ScalarKind::Bool
            }
        );
        assert_eq!(
            ann("d"),
            Scalar {
                value: "1.5".into(),
                kind: ScalarKind::Float
            }
        );
        assert_eq!(ann("e"), Scalar::string("007"));
        assert_eq!(ann("f"), Scalar::string("$(VM)"));
        assert_eq!(ann("g").kind, ScalarKind::Int);
        assert_eq!(ann("h"), Scalar::string("x1.5"));
    }

    #[test]
    fn list_items_expand_and_escape() {
        let mut m = resmap(SERVICE_AND_POD);
        let mut set = VarSet::new();
        merge_vars(&mut m, &mut set, &vars(VARS)).unwrap();
        resolve_vars(&mut m, &set, &[spec("", "spec/containers/command")]).unwrap();
        let command = m.resources[1]
            .node
            .get_path(&["spec", "containers"])
            .unwrap()
            .as_seq()
            .unwrap()[0]
            .get("command")
            .unwrap()
            .as_seq()
            .unwrap()
            .iter()
            .map(|n| n.as_scalar().unwrap().clone())
            .collect::<Vec<_>>();
        let texts: Vec<&str> = command.iter().map(|s| s.value.as_str()).collect();
        assert_eq!(
            texts,
            ["80", "a80b", "$(V1)", "$(NOPE)", "$(V1", "$", "$x80", "", "007", "svc"]
        );
        assert_eq!(command[0].kind, ScalarKind::Int);
        assert_eq!(command[8].kind, ScalarKind::Str);
        // Fields outside the varReference table are left alone.
        let image = m.resources[1]
            .node
            .get_path(&["spec", "containers"])
            .unwrap()
            .as_seq()
            .unwrap()[0]
            .str_at(&["image"])
            .map(str::to_owned);
        assert_eq!(image.as_deref(), Some("$(V1)"));
    }

    #[test]
    fn non_string_list_item_is_an_error() {
        let mut m = resmap(
            "apiVersion: v1\nkind: Service\nmetadata: {name: svc}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - command: [a, 5]\n",
        );
        let mut set = VarSet::new();
        merge_vars(
            &mut m,
            &mut set,
            &vars("- {name: V, objref: {kind: Service, name: svc, apiVersion: v1}}"),
        )
        .unwrap();
        let err = resolve_vars(&mut m, &set, &[spec("", "spec/containers/command")])
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "considering field 'spec/containers/command' of object Pod.v1.[noGrp]/p.[noNs]: visit traversal on path: [command]: invalid value type expect a string"
        );
    }

    #[test]
    fn repeated_var_name_is_an_error() {
        let mut set = VarSet::new();
        let v = vars("- {name: POD_NAME, objref: {kind: Pod, name: x, apiVersion: v1}}");
        set.merge_slice(&v).unwrap();
        let mut other = VarSet::new();
        other.merge_slice(&v).unwrap();
        let err = set.merge_set(&other).unwrap_err().to_string();
        assert_eq!(err, "var 'POD_NAME' already encountered");
    }

    #[test]
    fn ambiguous_objref_is_an_error() {
        let mut m = resmap(
            "apiVersion: v1\nkind: Service\nmetadata: {name: es, namespace: dev}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: es, namespace: test}\n",
        );
        let v = vars("- {name: V, objref: {kind: Service, name: es, apiVersion: v1}, fieldref: {fieldPath: metadata.name}}");
        let err = merge_vars(&mut m, &mut VarSet::new(), &v)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "merging vars [{V Service.[noVer].[noGrp] {metadata.name}}]: found 2 resId matches for var {V Service.v1.[noGrp] {metadata.name}} (unable to disambiguate)"
        );
        let v =
            vars("- {name: V, objref: {kind: Service, name: es, namespace: test, apiVersion: v1}}");
        let mut set = VarSet::new();
        merge_vars(&mut m, &mut set, &v).unwrap();
        assert_eq!(m.resources[1].ref_var_names, ["V"]);
        assert!(m.resources[0].ref_var_names.is_empty());
    }

    #[test]
    fn objref_matches_original_name() {
        let mut m =
            resmap("apiVersion: v1\nkind: Pod\nmetadata: {name: server}\nspec: {x: $(POD)}\n");
        m.resources[0].remember_current_id();
        m.resources[0].set_name("base-server");
        let mut set = VarSet::new();
        merge_vars(
            &mut m,
            &mut set,
            &vars("- {name: POD, objref: {kind: Pod, name: server, apiVersion: v1}}"),
        )
        .unwrap();
        resolve_vars(&mut m, &set, &[spec("Pod", "spec/x")]).unwrap();
        assert_eq!(
            m.resources[0].node.str_at(&["spec", "x"]),
            Some("base-server")
        );
    }

    #[test]
    fn missing_field_and_untagged_var_errors() {
        let mut m = resmap("apiVersion: v1\nkind: Service\nmetadata: {name: svc}\n");
        let mut set = VarSet::new();
        merge_vars(&mut m, &mut set, &vars("- {name: V1, objref: {kind: Service, name: svc, apiVersion: v1}, fieldref: {fieldPath: spec.nope}}")).unwrap();
        let err = resolve_vars(&mut m, &set, &[]).unwrap_err().to_string();
        assert_eq!(err, "field specified in var '{V1 Service.v1.[noGrp] {spec.nope}}' not found in corresponding resource");

        let mut set = VarSet::new();
        merge_vars(
            &mut m,
            &mut set,
            &vars("- {name: V2, objref: {kind: Service, name: other, apiVersion: v1}}"),
        )
        .unwrap();
        let err = resolve_vars(&mut m, &set, &[]).unwrap_err().to_string();
        assert_eq!(err, "var '{V2 Service.v1.[noGrp] {metadata.name}}' cannot be mapped to a field in the set of known resources");
    }

    #[test]
    fn go_float_formats() {
        assert_eq!(go_format_float_g(1.5), "1.5");
        assert_eq!(go_format_float_g(1e6), "1e+06");
        assert_eq!(go_format_float_g(123456.0), "123456");
        assert_eq!(go_format_float_g(0.00001), "1e-05");
        assert_eq!(go_format_float_f(1e6), "1000000");
        assert_eq!(go_format_float_f(2.25), "2.25");
    }
}
