#!/usr/bin/env python3
"""Writes the fuzz seeds from the kustomize test trees in testdata/krusty.

build_tree/<case>: an empty first piece (the generated part left at its
defaults), then each file of the case as "path\\ntext", NUL-separated, the
file of the directory to build first (see fuzz/src/tree.rs).
yaml_reader/<case>-<file>: single YAML files, plus a few hand-written ones.
Run from the repository root: python3 fuzz/seeds/make_seeds.py
"""
import os
import pathlib

KRUSTY = pathlib.Path("testdata/krusty")
OUT = pathlib.Path("fuzz/seeds")
MAX_FILES = 8  # MAX_RAW_FILES in fuzz/src/tree.rs

BUILD_CASES = [
    "TestAddNamePrefixWithNamespace", "TestBasicVariableRef", "TestComponent_1",
    "TestComponent_2", "TestComponentErrors_1", "TestDataEndsWithQuotes",
    "TestDeploymentAnnotations", "TestGeneratorOverlays", "TestIssue1281_JsonPatchAndImageTag",
    "TestKeepOriginalGVKN", "TestMergeEnvFromViaJsonInline", "TestMultibasesNoConflict",
    "TestNameReferenceAfterJsonPatch", "TestNameUpdateInRoleRef", "TestPatchAddNewServicePort",
    "TestRemoveEmptyDirWithNullFieldInSmp", "TestReplacementsFieldWithPathMultiple",
    "TestRoleBindingAcrossNamespace", "TestSecretGenerator", "TestSmallOverlayJSONPatch",
    "TestSmpDeleteOnResource", "TestTinyOverlay", "TestTransformersNoCreateArrays",
    "TestVariableRefIngressBasic",
]

YAML_CASES = [
    "TestDuplicateKeys", "TestKeepEmptyArray", "TestLongLineBreaks", "TestDataIsSingleQuote",
    "TestListToIndividualResources", "TestIssue4388", "TestNumericCommonLabels",
    "TestPodDisruptionBudgetBasics", "TestBasicIO3812", "TestCustomOpenApiFieldVersion",
]

HAND_WRITTEN = {
    "anchors.yaml": "base: &b {a: 1, b: [x, y]}\nderived:\n  <<: *b\n  c: !!str 3\n",
    "multidoc.yaml": "---\na: 1\n...\n---\n- b\n- {c: d}\n--- |\n  text\n",
    "scalars.yaml": ("ints: [0x1F, 0o17, 017, 1_000, -0, +1]\nfloats: [1.0, 1e3, .inf, -.Inf, .nan, 1234567.5]\n"
                     "bools: [yes, no, on, off, true, False]\nnulls: [~, null, '', Null]\n"
                     "strings: ['1:20', \"\\t\\u00e9\", 2001-12-14, '#', '- x', ': y']\n"),
    "blocks.yaml": "lit: |+\n  keep\n\n fold: >-\n  a\n  b\n\n  c\n",
    "flow.yaml": "{a: [1, {b: c}], ? complex : key, \"q\": 'it''s'}\n",
    "deep.yaml": "a:\n" + "".join("  " * i + "- \n" for i in range(1, 30)) + "  " * 30 + "x\n",
}


def write(path: pathlib.Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def build_seed(case: str) -> bytes:
    fs = KRUSTY / case / "fs"
    target = (KRUSTY / case / "target").read_text().strip()
    files = sorted(p for p in fs.rglob("*") if p.is_file())
    rel = [os.path.relpath(p, fs) for p in files]
    first = [r for r in rel if os.path.dirname(r) == os.path.normpath(target).lstrip(".")
             and os.path.basename(r) in ("kustomization.yaml", "kustomization.yml", "Kustomization")]
    ordered = first + [r for r in rel if r not in first]
    pieces = [b""] + [r.encode() + b"\n" + (fs / r).read_bytes() for r in ordered[:MAX_FILES]]
    return b"\0".join(pieces)


def main() -> None:
    for case in BUILD_CASES:
        write(OUT / "build_tree" / case, build_seed(case))
    for case in YAML_CASES:
        fs = KRUSTY / case / "fs"
        for p in sorted(fs.rglob("*.yaml")):
            write(OUT / "yaml_reader" / f"{case}-{p.name}", p.read_bytes())
        write(OUT / "yaml_reader" / f"{case}-expected.yaml", (KRUSTY / case / "expected.yaml").read_bytes()) \
            if (KRUSTY / case / "expected.yaml").exists() else None
    for name, text in HAND_WRITTEN.items():
        write(OUT / "yaml_reader" / name, text.encode())


if __name__ == "__main__":
    main()
