//! `images:` and the `ImageTagTransformer` plugin (kustomize's
//! `api/filters/imagetag`).
//!
//! Kustomize runs two passes per image entry: a legacy one that visits every
//! `image` of every sequence under a `containers` or `initContainers` key
//! anywhere in the object (except in CustomResourceDefinitions), then the
//! `images` field specs (which never create fields); neither touches a
//! CustomResourceDefinition. Both passes update the
//! same fields of ordinary workloads, so a `tagSuffix` lands twice there,
//! exactly as in kustomize.

use regex::Regex;

use crate::error::{Error, Result};
use crate::fieldspec::{
    apply_field_specs, field_specs_in, set_scalar, wrong_node_kind, FieldSpec, TransformerConfig,
};
use crate::kustomization::Image;
use crate::plugins::{PluginContext, Transformer};
use crate::resource::ResMap;
use crate::yaml::{Node, Scalar};

/// The changes one `images:` entry asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageTag {
    pub name: String,
    pub new_name: String,
    pub new_tag: String,
    pub digest: String,
    pub tag_suffix: String,
}

impl From<&Image> for ImageTag {
    fn from(image: &Image) -> Self {
        ImageTag {
            name: image.name.clone(),
            new_name: image.new_name.clone(),
            new_tag: image.new_tag.clone(),
            digest: image.digest.clone(),
            tag_suffix: image.tag_suffix.clone(),
        }
    }
}

/// Rewrites matching image references.
#[derive(Clone, Debug)]
pub struct ImageTagTransformer {
    pub image: ImageTag,
    pub field_specs: Vec<FieldSpec>,
    /// `^<name>(:tag)?(@sha256:digest)?$`; the name is a regular expression
    /// in kustomize too.
    matcher: Regex,
}

impl ImageTagTransformer {
    /// The transformer for one `images:` entry with the `images` specs.
    pub fn new(image: &Image, config: &TransformerConfig) -> Result<Self> {
        Self::build(ImageTag::from(image), config.images.clone())
    }

    /// Reads `imageTag` (`name`, `newName`, `newTag`, `digest`,
    /// `tagSuffix`) and `fieldSpecs`.
    pub fn from_config(config: &Node) -> Result<Self> {
        let tag = config.get("imageTag").cloned().unwrap_or_default();
        let field = |key: &str| {
            crate::fieldspec::config_string(&tag, &[key]).map_err(|e| e.context("imageTag"))
        };
        let image = ImageTag {
            name: field("name")?,
            new_name: field("newName")?,
            new_tag: field("newTag")?,
            digest: field("digest")?,
            tag_suffix: field("tagSuffix")?,
        };
        Self::build(
            image,
            field_specs_in(config, "fieldSpecs")?.unwrap_or_default(),
        )
    }

    fn build(image: ImageTag, field_specs: Vec<FieldSpec>) -> Result<Self> {
        let pattern = format!(
            "^{}(:[a-zA-Z0-9_.{{}}-]*)?(@sha256:[a-zA-Z0-9_.{{}}-]*)?$",
            image.name
        );
        let matcher = Regex::new(&pattern).map_err(|e| {
            Error::msg(format!(
                "images: name '{}' is not a valid pattern: {e}",
                image.name
            ))
        })?;
        Ok(ImageTagTransformer {
            image,
            field_specs,
            matcher,
        })
    }

    fn matches(&self, value: &str) -> bool {
        self.matcher.is_match(value)
    }

    /// Rewrites one image field (kustomize's `imageTagUpdater`).
    fn update(&self, node: &mut Node) -> Result<()> {
        let value = match node {
            Node::Scalar(s) if s.is_null() => return Ok(()),
            Node::Scalar(s) => s.value.clone(),
            other => return Err(wrong_node_kind("ScalarNode", other)),
        };
        if !self.matches(&value) {
            return Ok(());
        }
        let (name, tag, digest) = split_image(&value);
        let new = &self.image;
        let mut name = if new.new_name.is_empty() {
            name.to_owned()
        } else {
            new.new_name.clone()
        };
        // A new tag or digest replaces both the old tag and digest; a tag
        // suffix extends the old tag and drops the digest.
        let (tag, digest) = match (new.new_tag.as_str(), new.digest.as_str()) {
            ("", "") if !new.tag_suffix.is_empty() => {
                (format!("{tag}{}", new.tag_suffix), String::new())
            }
            ("", "") => (tag.to_owned(), digest.to_owned()),
            (t, "") => (t.to_owned(), String::new()),
            ("", d) => (String::new(), d.to_owned()),
            (t, d) => (t.to_owned(), d.to_owned()),
        };
        if !tag.is_empty() {
            name.push(':');
            name.push_str(&tag);
        }
        if !digest.is_empty() {
            name.push('@');
            name.push_str(&digest);
        }
        set_scalar(node, Scalar::string(name))
    }

    /// The legacy pass: `image` of each element of any `containers` or
    /// `initContainers` sequence, at any depth.
    fn legacy(&self, node: &mut Node) -> Result<()> {
        match node {
            Node::Map(map) => {
                for (key, value) in map.iter_mut() {
                    self.legacy(value)?;
                    if key == "containers" || key == "initContainers" {
                        self.update_containers(value)?;
                    }
                }
                Ok(())
            }
            Node::Seq(items) => items.iter_mut().try_for_each(|item| self.legacy(item)),
            Node::Scalar(_) => Ok(()),
        }
    }

    fn update_containers(&self, containers: &mut Node) -> Result<()> {
        let Node::Seq(items) = containers else {
            return Ok(());
        };
        for item in items.iter_mut() {
            match item {
                Node::Map(map) => {
                    if let Some(image) = map.get_mut("image") {
                        self.update(image)?;
                    }
                }
                Node::Scalar(s) if s.is_null() => {}
                other => return Err(wrong_node_kind("MappingNode", other)),
            }
        }
        Ok(())
    }
}

impl PartialEq for ImageTagTransformer {
    fn eq(&self, other: &Self) -> bool {
        self.image == other.image && self.field_specs == other.field_specs
    }
}

impl Transformer for ImageTagTransformer {
    fn transform(&self, resources: &mut ResMap, _ctx: &PluginContext<'_, '_>) -> Result<()> {
        // Both passes leave CustomResourceDefinitions alone (kustomize
        // issue 890), whatever the field specs say.
        let not_crd = |r: &&mut crate::resource::Resource| r.kind() != "CustomResourceDefinition";
        for resource in resources.iter_mut().filter(not_crd) {
            self.legacy(&mut resource.node)?;
        }
        for resource in resources.iter_mut().filter(not_crd) {
            apply_field_specs(&mut resource.node, &self.field_specs, None, &mut |n| {
                self.update(n)
            })?;
        }
        Ok(())
    }
}

/// Splits an image reference into name, tag and digest (kustomize's
/// `image.Split`): a registry host's port (`host:5000/app`) is not a tag.
pub fn split_image(image: &str) -> (&str, &str, &str) {
    // Look for separators after the first slash, so `host:port/` is skipped.
    let offset = match image.find('/') {
        Some(i) if i > 0 => i,
        _ => 0,
    };
    let search = &image[offset..];
    let at = search.find('@');
    let colon = search.find(':');
    match (colon, at) {
        (None, None) => (image, "", ""),
        (c, Some(d)) if c.is_none_or(|c| d < c) => {
            let d = d + offset;
            (&image[..d], "", &image[d + 1..])
        }
        (Some(c), Some(d)) => {
            let (c, d) = (c + offset, d + offset);
            (&image[..c], &image[c + 1..d], &image[d + 1..])
        }
        (Some(c), None) => {
            let c = c + offset;
            (&image[..c], &image[c + 1..], "")
        }
        (None, Some(_)) => unreachable!("handled by the digest-only arm"),
    }
}

/// Whether a node is a plain string scalar (used by tests).
#[cfg(test)]
fn is_str(node: &Node) -> bool {
    matches!(node, Node::Scalar(s) if s.kind == crate::yaml::ScalarKind::Str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Resource;
    use crate::yaml::parse::{parse_documents, parse_single};

    fn run(t: &dyn Transformer, m: &mut ResMap) -> Result<()> {
        crate::fieldspec::test_support::run_transformer(t, m, &TransformerConfig::default())
    }

    fn image(text: &str) -> Image {
        let node = parse_single(text).unwrap();
        serde_json::from_value(crate::kustomization::node_to_config_json(&node)).unwrap()
    }

    fn deployment(images: &[&str]) -> ResMap {
        let mut text = String::from(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n",
        );
        for (i, img) in images.iter().enumerate() {
            text.push_str(&format!("      - name: c{i}\n        image: {img}\n"));
        }
        ResMap {
            resources: parse_documents(&text)
                .unwrap()
                .into_iter()
                .map(Resource::new)
                .collect(),
        }
    }

    fn images_of(m: &ResMap) -> Vec<String> {
        let containers = m.resources[0]
            .node
            .get_path(&["spec", "template", "spec", "containers"])
            .unwrap();
        containers
            .as_seq()
            .unwrap()
            .iter()
            .map(|c| c.str_at(&["image"]).unwrap().to_owned())
            .collect()
    }

    fn apply(entry: &str, images: &[&str]) -> Vec<String> {
        let config = TransformerConfig::default_config();
        let t = ImageTagTransformer::new(&image(entry), &config).unwrap();
        let mut m = deployment(images);
        run(&t, &mut m).unwrap();
        images_of(&m)
    }

    #[test]
    fn splits_names_tags_and_digests() {
        assert_eq!(split_image("nginx"), ("nginx", "", ""));
        assert_eq!(split_image("nginx:1.2"), ("nginx", "1.2", ""));
        assert_eq!(split_image("nginx@sha256:abc"), ("nginx", "", "sha256:abc"));
        assert_eq!(
            split_image("nginx:1@sha256:abc"),
            ("nginx", "1", "sha256:abc")
        );
        assert_eq!(split_image("host:5000/app"), ("host:5000/app", "", ""));
        assert_eq!(split_image("host:5000/app:v1"), ("host:5000/app", "v1", ""));
        assert_eq!(
            split_image("host:5000/a/b@sha256:x"),
            ("host:5000/a/b", "", "sha256:x")
        );
    }

    #[test]
    fn new_tag_digest_and_name() {
        assert_eq!(
            apply(
                "name: nginx\nnewTag: '2'\n",
                &["nginx:1.2", "nginx", "nginxx:1"]
            ),
            ["nginx:2", "nginx:2", "nginxx:1"]
        );
        assert_eq!(
            apply("name: redis\ndigest: sha256:abc\n", &["redis:1@sha256:zzz"]),
            ["redis@sha256:abc"]
        );
        assert_eq!(
            apply(
                "name: a/b\nnewName: c/d\n",
                &["a/b@sha256:123", "docker.io/a/b:1", "a/b:3"]
            ),
            ["c/d@sha256:123", "docker.io/a/b:1", "c/d:3"]
        );
        assert_eq!(
            apply("name: a\nnewTag: t\ndigest: sha256:d\n", &["a:x"]),
            ["a:t@sha256:d"]
        );
    }

    #[test]
    fn tag_suffix_applies_once_per_pass_like_kustomize() {
        // kubectl kustomize v5.5 gives exactly these (both passes append).
        assert_eq!(
            apply("name: nginx\ntagSuffix: -foo\n", &["nginx:1.2", "nginx"]),
            ["nginx:1.2-foo-foo", "nginx:-foo-foo"]
        );
        assert_eq!(
            apply("name: redis\ntagSuffix: -x\n", &["redis:1@sha256:zzz"]),
            ["redis:1-x-x"]
        );
        // The renamed image no longer matches in the second pass.
        assert_eq!(
            apply("name: nginx\nnewName: foo\ntagSuffix: -y\n", &["nginx:1"]),
            ["foo:1-y"]
        );
        // A new tag wins over the suffix.
        assert_eq!(
            apply(
                "name: nginx\nnewTag: '2'\ntagSuffix: -foo\n",
                &["nginx:1.2"]
            ),
            ["nginx:2"]
        );
    }

    #[test]
    fn legacy_pass_reaches_nested_containers_but_not_crds() {
        let config = TransformerConfig::default_config();
        let t = ImageTagTransformer::new(&image("name: a/b\nnewName: c/d\n"), &config).unwrap();
        let mut m = ResMap {
            resources: parse_documents(
                "apiVersion: x/v1\nkind: Custom\nmetadata:\n  name: c\nspec:\n  other:\n    containers:\n    - image: a/b\n    x:\n      initContainers:\n      - image: a/b\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: crd\nspec:\n  containers:\n  - image: a/b\n",
            )
            .unwrap()
            .into_iter()
            .map(Resource::new)
            .collect(),
        };
        run(&t, &mut m).unwrap();
        let c = &m.resources[0].node;
        let first = c
            .get_path(&["spec", "other", "containers"])
            .unwrap()
            .as_seq()
            .unwrap()[0]
            .get("image")
            .unwrap();
        assert!(is_str(first));
        assert_eq!(first.as_str(), Some("c/d"));
        let init = &c
            .get_path(&["spec", "other", "x", "initContainers"])
            .unwrap()
            .as_seq()
            .unwrap()[0];
        assert_eq!(init.str_at(&["image"]), Some("c/d"));
        let crd = &m.resources[1]
            .node
            .get_path(&["spec", "containers"])
            .unwrap()
            .as_seq()
            .unwrap()[0];
        assert_eq!(crd.str_at(&["image"]), Some("a/b"));
    }

    #[test]
    fn custom_field_specs_from_plugin_config() {
        // krusty TestTransfomersImageKnativeConfig-like: an image field of a
        // custom kind reached through configured specs.
        let config = parse_single(
            "apiVersion: builtin\nkind: ImageTagTransformer\nmetadata:\n  name: x\nimageTag:\n  name: knative\n  newTag: v2\nfieldSpecs:\n- path: spec/runLatest/configuration/revisionTemplate/spec/container/image\n  kind: Service\n",
        )
        .unwrap();
        let t = ImageTagTransformer::from_config(&config).unwrap();
        let mut m = ResMap {
            resources: vec![Resource::new(
                parse_single(
                    "apiVersion: serving.knative.dev/v1alpha1\nkind: Service\nmetadata:\n  name: s\nspec:\n  runLatest:\n    configuration:\n      revisionTemplate:\n        spec:\n          container:\n            image: knative:v1\n",
                )
                .unwrap(),
            )],
        };
        run(&t, &mut m).unwrap();
        assert_eq!(
            m.resources[0].node.str_at(&[
                "spec",
                "runLatest",
                "configuration",
                "revisionTemplate",
                "spec",
                "container",
                "image"
            ]),
            Some("knative:v2")
        );
    }

    #[test]
    fn image_that_is_not_a_scalar_is_an_error() {
        let config = TransformerConfig::default_config();
        let t = ImageTagTransformer::new(&image("name: a\nnewTag: b\n"), &config).unwrap();
        let mut m = deployment(&["{x: y}"]);
        let err = run(&t, &mut m).unwrap_err().to_string();
        assert!(
            err.starts_with("wrong node kind: expected ScalarNode but got MappingNode"),
            "{err}"
        );
    }
}
