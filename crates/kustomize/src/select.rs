//! Resource selection: the `target:` of patches (and other selectors) and
//! Kubernetes label-selector expressions.
//!
//! Kustomize (`resWrangler.Select` with `types.SelectorRegex`) treats every
//! non-empty field of a selector — group, version, kind, name, namespace — as
//! a Go regular expression anchored at both ends. Name and namespace are
//! tried against the resource's original identity (before prefixes,
//! suffixes and namespace changes) and then its current one; the kind is
//! matched against the current one. `labelSelector` and `annotationSelector`
//! use the Kubernetes label-selector syntax.

use regex::Regex;

use crate::error::{Error, Result};
use crate::kustomization::Selector;
use crate::resource::{ResId, ResMap, Resource};
use crate::yaml::Map;

/// What kustomize calls the namespace of cluster-scoped objects when
/// comparing effective namespaces.
const NOT_A_NAMESPACE: &str = "_non_namespaceable_";

/// Whether `resource` is selected by `selector`.
pub fn matches(selector: &Selector, resource: &Resource) -> Result<bool> {
    CompiledSelector::new(selector)?.matches(resource)
}

/// Indexes (in order) of the resources selected by `selector`.
pub fn select(selector: &Selector, resources: &ResMap) -> Result<Vec<usize>> {
    let compiled = CompiledSelector::new(selector)?;
    let mut selected = Vec::new();
    for (index, resource) in resources.iter().enumerate() {
        if compiled.matches(resource)? {
            selected.push(index);
        }
    }
    Ok(selected)
}

/// A selector with its regular expressions and label selectors parsed once.
pub struct CompiledSelector {
    group: Option<Regex>,
    version: Option<Regex>,
    kind: Option<Regex>,
    name: Option<Regex>,
    namespace: Option<Regex>,
    labels: LabelSelector,
    annotations: LabelSelector,
}

impl CompiledSelector {
    pub fn new(selector: &Selector) -> Result<Self> {
        let regex = |field: &str, pattern: &str| -> Result<Option<Regex>> {
            anchored_regex(pattern).map_err(|e| {
                Error::msg(format!(
                    "invalid {field} regular expression in selector {}: {e}",
                    describe(selector)
                ))
            })
        };
        Ok(CompiledSelector {
            group: regex("group", &selector.group)?,
            version: regex("version", &selector.version)?,
            kind: regex("kind", &selector.kind)?,
            name: regex("name", &selector.name)?,
            namespace: regex("namespace", &selector.namespace)?,
            labels: LabelSelector::parse(&selector.label_selector)?,
            annotations: LabelSelector::parse(&selector.annotation_selector)?,
        })
    }

    pub fn matches(&self, resource: &Resource) -> Result<bool> {
        let current = resource.id();
        let original = resource.original_id();
        let gvk = &current.gvk;
        let selected = self.namespace_matches(&original, &current)
            && self.name_matches(&original, &current)
            && optional_match(&self.group, &gvk.group)
            && optional_match(&self.version, &gvk.version)
            && optional_match(&self.kind, &gvk.kind)
            && self.labels.matches(resource.labels())
            && self.annotations.matches(resource.annotations());
        Ok(selected)
    }

    fn namespace_matches(&self, original: &ResId, current: &ResId) -> bool {
        match &self.namespace {
            None => true,
            Some(re) => {
                re.is_match(go_effective_namespace(original))
                    || re.is_match(go_effective_namespace(current))
            }
        }
    }

    fn name_matches(&self, original: &ResId, current: &ResId) -> bool {
        match &self.name {
            None => true,
            Some(re) => re.is_match(&original.name) || re.is_match(&current.name),
        }
    }
}

fn optional_match(re: &Option<Regex>, text: &str) -> bool {
    re.as_ref().is_none_or(|re| re.is_match(text))
}

/// Kustomize's `ResId.EffectiveNamespace`: cluster-scoped kinds have a
/// placeholder, an empty namespace means `default`.
fn go_effective_namespace(id: &ResId) -> &str {
    if id.gvk.is_cluster_scoped() {
        NOT_A_NAMESPACE
    } else if id.namespace.is_empty() {
        "default"
    } else {
        &id.namespace
    }
}

/// `^(?:pattern)$`, or nothing for an empty pattern (a wildcard).
fn anchored_regex(pattern: &str) -> std::result::Result<Option<Regex>, regex::Error> {
    if pattern.is_empty() {
        return Ok(None);
    }
    Regex::new(&format!("^(?:{pattern})$")).map(Some)
}

/// The selector as kustomize prints it (`Selector.String`):
/// `Kind.version.group/name.namespace:a=<annotations>:l=<labels>`.
pub fn describe(selector: &Selector) -> String {
    let or = |s: &str, placeholder: &'static str| {
        if s.is_empty() {
            placeholder.to_owned()
        } else {
            s.to_owned()
        }
    };
    format!(
        "{}.{}.{}/{}.{}:a={}:l={}",
        or(&selector.kind, "[noKind]"),
        or(&selector.version, "[noVer]"),
        or(&selector.group, "[noGrp]"),
        or(&selector.name, "[noName]"),
        or(&selector.namespace, "[noNs]"),
        selector.annotation_selector,
        selector.label_selector
    )
}

/// Whether `labels` (a resource's labels or annotations) satisfy a
/// label-selector expression; an empty expression selects everything.
pub fn matches_label_selector(expression: &str, labels: Option<&Map>) -> Result<bool> {
    Ok(LabelSelector::parse(expression)?.matches(labels))
}

/// A parsed Kubernetes label selector: requirements joined by "and".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSelector {
    requirements: Vec<Requirement>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Requirement {
    key: String,
    op: Operator,
    values: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Operator {
    In,
    NotIn,
    Equals,
    NotEquals,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

impl LabelSelector {
    /// Parses the expression with the Kubernetes grammar
    /// (`a=b,c!=d,e in (x,y),f notin (z),g,!h,i>1,j<2`), with its error
    /// messages.
    pub fn parse(expression: &str) -> Result<LabelSelector> {
        let tokens = lex(expression);
        let mut parser = Parser { tokens, pos: 0 };
        let mut requirements = parser.parse().map_err(Error::msg)?;
        requirements.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(LabelSelector { requirements })
    }

    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    pub fn matches(&self, labels: Option<&Map>) -> bool {
        let lookup = |key: &str| labels.and_then(|m| m.get(key)).map(label_text);
        self.requirements.iter().all(|r| r.matches(lookup(&r.key)))
    }
}

/// A label's value as text (labels are strings; numbers and booleans read
/// from YAML keep their spelling).
fn label_text(node: &crate::yaml::Node) -> String {
    match node {
        crate::yaml::Node::Scalar(s) if s.is_null() => String::new(),
        crate::yaml::Node::Scalar(s) => s.value.clone(),
        _ => String::new(),
    }
}

impl Requirement {
    fn matches(&self, value: Option<String>) -> bool {
        let has = |v: &str| self.values.iter().any(|x| x == v);
        match self.op {
            Operator::In | Operator::Equals => value.is_some_and(|v| has(&v)),
            Operator::NotIn | Operator::NotEquals => value.is_none_or(|v| !has(&v)),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let (Some(actual), Some(wanted)) = (
                    value.and_then(|v| v.parse::<i64>().ok()),
                    self.values.first().and_then(|v| v.parse::<i64>().ok()),
                ) else {
                    return false;
                };
                if self.op == Operator::GreaterThan {
                    actual > wanted
                } else {
                    actual < wanted
                }
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    End,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
    Error,
}

fn keyword(text: &str) -> Option<Token> {
    Some(match text {
        ")" => Token::ClosedPar,
        "," => Token::Comma,
        "!" => Token::DoesNotExist,
        "==" => Token::DoubleEquals,
        "=" => Token::Equals,
        ">" => Token::GreaterThan,
        "in" => Token::In,
        "<" => Token::LessThan,
        "!=" => Token::NotEquals,
        "notin" => Token::NotIn,
        "(" => Token::OpenPar,
        _ => return None,
    })
}

fn is_special(b: u8) -> bool {
    matches!(b, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Splits the expression into tokens the way apimachinery's lexer does.
fn lex(s: &str) -> Vec<(Token, String)> {
    let bytes = s.as_bytes();
    let mut pos = 0;
    let mut out = Vec::new();
    loop {
        while pos < bytes.len() && is_space(bytes[pos]) {
            pos += 1;
        }
        if pos >= bytes.len() {
            out.push((Token::End, String::new()));
            return out;
        }
        if is_special(bytes[pos]) {
            // Longest run of special characters that still forms an operator.
            let start = pos;
            let mut best: Option<(Token, usize)> = None;
            while pos < bytes.len() && is_special(bytes[pos]) {
                let candidate = &s[start..=pos];
                match keyword(candidate) {
                    Some(tok) => best = Some((tok, pos + 1)),
                    None if best.is_some() => break,
                    None => {}
                }
                pos += 1;
            }
            match best {
                Some((tok, end)) => {
                    pos = end;
                    out.push((tok, s[start..end].to_owned()));
                }
                None => out.push((
                    Token::Error,
                    format!("error expected: keyword found '{}'", &s[start..pos]),
                )),
            }
        } else {
            let start = pos;
            while pos < bytes.len() && !is_special(bytes[pos]) && !is_space(bytes[pos]) {
                pos += 1;
            }
            let text = &s[start..pos];
            let tok = keyword(text).unwrap_or(Token::Identifier);
            out.push((tok, text.to_owned()));
        }
    }
}

struct Parser {
    tokens: Vec<(Token, String)>,
    pos: usize,
}

/// Whether `in`/`notin` are keywords (after a key) or plain values.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    KeyAndOperator,
    Values,
}

impl Parser {
    fn token(&self, at: usize, ctx: Context) -> (Token, String) {
        let (tok, lit) = self.tokens[at.min(self.tokens.len() - 1)].clone();
        let tok = match tok {
            Token::In | Token::NotIn if ctx == Context::Values => Token::Identifier,
            other => other,
        };
        (tok, lit)
    }

    fn lookahead(&self, ctx: Context) -> (Token, String) {
        self.token(self.pos, ctx)
    }

    fn consume(&mut self, ctx: Context) -> (Token, String) {
        let t = self.token(self.pos, ctx);
        self.pos += 1;
        t
    }

    fn parse(&mut self) -> std::result::Result<Vec<Requirement>, String> {
        let mut requirements = Vec::new();
        loop {
            let (tok, lit) = self.lookahead(Context::Values);
            match tok {
                Token::Identifier | Token::DoesNotExist => {
                    let r = self
                        .parse_requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    requirements.push(r);
                    let (t, l) = self.consume(Context::Values);
                    match t {
                        Token::End => return Ok(requirements),
                        Token::Comma => {
                            let (t2, l2) = self.lookahead(Context::Values);
                            if t2 != Token::Identifier && t2 != Token::DoesNotExist {
                                return Err(format!(
                                    "found '{l2}', expected: identifier after ','"
                                ));
                            }
                        }
                        _ => return Err(format!("found '{l}', expected: ',' or 'end of string'")),
                    }
                }
                Token::End => return Ok(requirements),
                _ => {
                    return Err(format!(
                        "found '{lit}', expected: !, identifier, or 'end of string'"
                    ))
                }
            }
        }
    }

    fn parse_requirement(&mut self) -> std::result::Result<Requirement, String> {
        let (key, inferred) = self.parse_key_and_infer_operator()?;
        if let Some(op) = inferred {
            return new_requirement(key, op, Vec::new());
        }
        let op = self.parse_operator()?;
        let values = match op {
            Operator::In | Operator::NotIn => self.parse_values()?,
            _ => self.parse_exact_value()?,
        };
        new_requirement(key, op, values)
    }

    fn parse_key_and_infer_operator(
        &mut self,
    ) -> std::result::Result<(String, Option<Operator>), String> {
        let (mut tok, mut lit) = self.consume(Context::Values);
        let mut negated = false;
        if tok == Token::DoesNotExist {
            negated = true;
            (tok, lit) = self.consume(Context::Values);
        }
        if tok != Token::Identifier {
            return Err(format!("found '{lit}', expected: identifier"));
        }
        validate_label_key(&lit)?;
        let (next, _) = self.lookahead(Context::Values);
        let op = if negated {
            Some(Operator::DoesNotExist)
        } else if next == Token::End || next == Token::Comma {
            Some(Operator::Exists)
        } else {
            None
        };
        Ok((lit, op))
    }

    fn parse_operator(&mut self) -> std::result::Result<Operator, String> {
        let (tok, lit) = self.consume(Context::KeyAndOperator);
        Ok(match tok {
            Token::In => Operator::In,
            Token::Equals | Token::DoubleEquals => Operator::Equals,
            Token::GreaterThan => Operator::GreaterThan,
            Token::LessThan => Operator::LessThan,
            Token::NotIn => Operator::NotIn,
            Token::NotEquals => Operator::NotEquals,
            _ => {
                return Err(format!(
                    "found '{lit}', expected: '=', '!=', '==', 'in', notin'"
                ))
            }
        })
    }

    fn parse_values(&mut self) -> std::result::Result<Vec<String>, String> {
        let (tok, lit) = self.consume(Context::Values);
        if tok != Token::OpenPar {
            return Err(format!("found '{lit}' expected: '('"));
        }
        let (tok, lit) = self.lookahead(Context::Values);
        match tok {
            Token::Identifier | Token::Comma => {
                let values = self.parse_identifiers_list()?;
                let (closing, _) = self.consume(Context::Values);
                if closing != Token::ClosedPar {
                    return Err(format!("found '{lit}', expected: ')'"));
                }
                Ok(values)
            }
            Token::ClosedPar => {
                self.consume(Context::Values);
                Ok(vec![String::new()])
            }
            _ => Err(format!("found '{lit}', expected: ',', ')' or identifier")),
        }
    }

    fn parse_identifiers_list(&mut self) -> std::result::Result<Vec<String>, String> {
        let mut set: Vec<String> = Vec::new();
        let insert = |set: &mut Vec<String>, v: &str| {
            if !set.iter().any(|x| x == v) {
                set.push(v.to_owned());
            }
        };
        loop {
            let (tok, lit) = self.consume(Context::Values);
            match tok {
                Token::Identifier => {
                    insert(&mut set, &lit);
                    let (t2, l2) = self.lookahead(Context::Values);
                    match t2 {
                        Token::Comma => continue,
                        Token::ClosedPar => break,
                        _ => return Err(format!("found '{l2}', expected: ',' or ')'")),
                    }
                }
                Token::Comma => {
                    if set.is_empty() {
                        insert(&mut set, "");
                    }
                    let (t2, _) = self.lookahead(Context::Values);
                    if t2 == Token::ClosedPar {
                        insert(&mut set, "");
                        break;
                    }
                    if t2 == Token::Comma {
                        self.consume(Context::Values);
                        insert(&mut set, "");
                    }
                }
                _ => return Err(format!("found '{lit}', expected: ',', or identifier")),
            }
        }
        set.sort();
        Ok(set)
    }

    fn parse_exact_value(&mut self) -> std::result::Result<Vec<String>, String> {
        let (tok, _) = self.lookahead(Context::Values);
        if tok == Token::End || tok == Token::Comma {
            return Ok(vec![String::new()]);
        }
        let (tok, lit) = self.consume(Context::Values);
        if tok == Token::Identifier {
            Ok(vec![lit])
        } else {
            Err(format!("found '{lit}', expected: identifier"))
        }
    }
}

fn new_requirement(
    key: String,
    op: Operator,
    values: Vec<String>,
) -> std::result::Result<Requirement, String> {
    validate_label_key(&key)?;
    match op {
        Operator::In | Operator::NotIn if values.is_empty() => {
            return Err("for 'in', 'notin' operators, values set can't be empty".to_owned())
        }
        Operator::Equals | Operator::NotEquals if values.len() != 1 => {
            return Err("exact-match compatibility requires one single value".to_owned())
        }
        Operator::GreaterThan | Operator::LessThan => {
            if values.len() != 1 {
                return Err("for 'Gt', 'Lt' operators, exactly one value is required".to_owned());
            }
            if values.iter().any(|v| v.parse::<i64>().is_err()) {
                return Err("for 'Gt', 'Lt' operators, the value must be an integer".to_owned());
            }
        }
        _ => {}
    }
    for value in &values {
        validate_label_value(&key, value)?;
    }
    Ok(Requirement { key, op, values })
}

const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const QUALIFIED_NAME_ERR: &str =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_ERR: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1123_SUBDOMAIN_ERR: &str = "a DNS-1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    let examples: Vec<String> = examples.iter().map(|e| format!("'{e}', ")).collect();
    format!(
        "{msg} (e.g. {}regex used for validation is '{fmt}')",
        examples.join("or ")
    )
}

/// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`
fn is_qualified_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

fn is_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|label| {
            let b = label.as_bytes();
            !b.is_empty()
                && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
                && (b[b.len() - 1].is_ascii_lowercase() || b[b.len() - 1].is_ascii_digit())
                && b.iter()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        })
}

/// apimachinery's `IsQualifiedName`, wrapped as `validateLabelKey` words it.
fn validate_label_key(key: &str) -> std::result::Result<(), String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = key.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_owned());
            } else {
                if prefix.len() > 253 {
                    errs.push("prefix part must be no more than 253 characters".to_owned());
                }
                if !is_dns1123_subdomain(prefix) {
                    errs.push(format!(
                        "prefix part {}",
                        regex_error(
                            DNS1123_SUBDOMAIN_ERR,
                            DNS1123_SUBDOMAIN_FMT,
                            &["example.com"]
                        )
                    ));
                }
            }
            *name
        }
        _ => {
            errs.push(format!(
                "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, &["MyName", "my.name", "123-abc"])
            ));
            return Err(format!("invalid label key \"{key}\": {}", errs.join("; ")));
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_owned());
    } else if name.len() > 63 {
        errs.push("name part must be no more than 63 characters".to_owned());
    }
    if !is_qualified_name_part(name) {
        errs.push(format!(
            "name part {}",
            regex_error(
                QUALIFIED_NAME_ERR,
                QUALIFIED_NAME_FMT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(format!("invalid label key \"{key}\": {}", errs.join("; ")))
    }
}

/// apimachinery's `IsValidLabelValue`, wrapped as `validateLabelValue` words it.
fn validate_label_value(key: &str, value: &str) -> std::result::Result<(), String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push("must be no more than 63 characters".to_owned());
    }
    if !value.is_empty() && !is_qualified_name_part(value) {
        errs.push(regex_error(
            LABEL_VALUE_ERR,
            &format!("({QUALIFIED_NAME_FMT})?"),
            &["MyValue", "my_value", "12345"],
        ));
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "invalid label value: \"{value}\": at key: \"{key}\": {}",
            errs.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Gvk;
    use crate::yaml::parse::parse_single;

    fn res(yaml: &str) -> Resource {
        Resource::new(parse_single(yaml).unwrap())
    }

    fn sel(yaml: &str) -> Selector {
        let node = parse_single(yaml).unwrap();
        serde_json::from_value(crate::kustomization::node_to_config_json(&node)).unwrap()
    }

    fn labels(yaml: &str) -> Map {
        parse_single(yaml).unwrap().as_map().unwrap().clone()
    }

    fn sample() -> ResMap {
        let mut m = ResMap::new();
        m.resources.push(res(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {app: web, tier: front}\n",
        ));
        m.resources.push(res(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web-svc\n  namespace: prod\n  annotations: {team: a}\n",
        ));
        m.resources.push(res(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n",
        ));
        m
    }

    #[test]
    fn kind_and_name_are_anchored_regexes() {
        let m = sample();
        assert_eq!(select(&sel("kind: Deployment"), &m).unwrap(), [0]);
        assert_eq!(select(&sel("name: web"), &m).unwrap(), [0]);
        assert_eq!(select(&sel("name: web.*"), &m).unwrap(), [0, 1]);
        assert_eq!(
            select(&sel("kind: Deploy"), &m).unwrap(),
            Vec::<usize>::new()
        );
        assert_eq!(
            select(&sel("kind: Deployment|Service"), &m).unwrap(),
            [0, 1]
        );
        assert_eq!(select(&sel("group: apps"), &m).unwrap(), [0]);
        assert_eq!(select(&sel("version: v1"), &m).unwrap(), [0, 1, 2]);
    }

    #[test]
    fn namespace_uses_effective_namespace() {
        let m = sample();
        assert_eq!(select(&sel("namespace: default"), &m).unwrap(), [0]);
        assert_eq!(select(&sel("namespace: prod"), &m).unwrap(), [1]);
        // Cluster-scoped objects have no namespace to match.
        assert_eq!(select(&sel("namespace: .*"), &m).unwrap(), [0, 1, 2]);
        assert_eq!(select(&sel("namespace: '[a-z]+'"), &m).unwrap(), [0, 1]);
        assert_eq!(
            select(&sel("{kind: Namespace, namespace: default}"), &m).unwrap(),
            Vec::<usize>::new()
        );
    }

    #[test]
    fn original_name_also_matches() {
        let mut m = sample();
        m.resources[0].remember_current_id();
        m.resources[0].set_name("p-web");
        assert_eq!(select(&sel("name: web"), &m).unwrap(), [0]);
        assert_eq!(select(&sel("name: p-web"), &m).unwrap(), [0]);
    }

    #[test]
    fn label_and_annotation_selectors() {
        let m = sample();
        assert_eq!(select(&sel("labelSelector: app=web"), &m).unwrap(), [0]);
        assert_eq!(
            select(&sel("labelSelector: 'app in (x, web),tier'"), &m).unwrap(),
            [0]
        );
        assert_eq!(select(&sel("labelSelector: '!app'"), &m).unwrap(), [1, 2]);
        assert_eq!(select(&sel("labelSelector: app!=web"), &m).unwrap(), [1, 2]);
        assert_eq!(
            select(&sel("annotationSelector: team==a"), &m).unwrap(),
            [1]
        );
    }

    #[test]
    fn bad_regex_names_the_selector() {
        let err = select(&sel("name: 'web('"), &sample())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("[noKind].[noVer].[noGrp]/web(.[noNs]"),
            "{err}"
        );
    }

    #[test]
    fn label_selector_grammar() {
        let l = labels("{a: x, b: y, n: '5'}");
        let m = |e: &str| matches_label_selector(e, Some(&l)).unwrap();
        assert!(m(""));
        assert!(m("a=x"));
        assert!(m("a==x"));
        assert!(!m("a!=x"));
        assert!(m("c!=x"));
        assert!(m("a in (x,z)"));
        assert!(!m("a notin (x)"));
        assert!(m("c notin (x)"));
        assert!(m("a,b"));
        assert!(m("!c"));
        assert!(!m("!a"));
        assert!(m("n>4,n<6"));
        assert!(m("a=x, b=y"));
        assert!(!m("a=x,b=z"));
        assert!(m("b in (in, y)"));
        assert!(!matches_label_selector("a", None).unwrap());
        assert!(matches_label_selector("!a", None).unwrap());
    }

    #[test]
    fn label_selector_errors_read_like_kubernetes() {
        let err = |e: &str| LabelSelector::parse(e).unwrap_err().to_string();
        assert_eq!(err("a=b,"), "found '', expected: identifier after ','");
        assert_eq!(
            err("a in x"),
            "unable to parse requirement: found 'x' expected: '('"
        );
        assert_eq!(
            err("=b"),
            "found '=', expected: !, identifier, or 'end of string'"
        );
        assert!(err("a=b c").starts_with("found 'c', expected: ',' or 'end of string'"));
        assert!(err("-a=b").starts_with(
            "unable to parse requirement: invalid label key \"-a\": name part must consist of"
        ));
        assert!(err("a=b%").contains("invalid label value: \"b%\": at key: \"a\""));
    }

    #[test]
    fn effective_namespace_for_cluster_kinds() {
        let id = ResId::new(Gvk::new("", "v1", "Namespace"), "x", "");
        assert_eq!(go_effective_namespace(&id), NOT_A_NAMESPACE);
    }
}
