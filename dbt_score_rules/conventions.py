"""Layer conventions of the pinlake dbt project (see STYLE.md and CONTRIBUTING.md).

No ``from __future__ import annotations``: dbt-score reads the rule argument's type.

A model's layer is the folder it lives in (``models/<layer>/...``); the rules read it
from the manifest, so they hold whatever the model's config says. Each rule returns a
violation that tells the analyst what to change, not just what is wrong.
"""

import re
from pathlib import PurePosixPath

from dbt_score import Model, RuleViolation, Source, rule

LAYERS = ("staging", "intermediate", "marts")
"""Model folders under ``models/``, in build order."""

STAGING_NAME = re.compile(r"^stg_(?P<source>[a-z0-9_]+?)__[a-z0-9_]+s$")
"""``stg_<source>__<entity>s``: one staging model per source table, plural entity."""

INTERMEDIATE_NAME = re.compile(r"^int_[a-z0-9_]+$")
MART_NAME = re.compile(r"^(?!stg_|int_)[a-z][a-z0-9_]*$")
"""``fct_``/``dim_`` entities or plain names of the analytical question."""


def layer_of(model: Model) -> str | None:
    """The layer folder of a model (``models/<layer>/...``), or None outside any layer."""
    parts = PurePosixPath(model.original_file_path).parts
    if len(parts) >= 3 and parts[0] == "models" and parts[1] in LAYERS:
        return parts[1]
    return None


@rule
def model_in_layer_folder_and_named_for_it(model: Model) -> RuleViolation | None:
    """Models live in models/staging|intermediate|marts and are named for their layer."""
    layer = layer_of(model)
    if layer is None:
        return RuleViolation(f"Move the model into one of models/{{{','.join(LAYERS)}}}/.")
    if layer == "staging":
        match = STAGING_NAME.match(model.name)
        folder = PurePosixPath(model.original_file_path).parts[2]
        if match is None or match["source"] != folder:
            return RuleViolation(
                f"Staging models are named stg_{folder}__<entity>s (source folder {folder})."
            )
    if layer == "intermediate" and not INTERMEDIATE_NAME.match(model.name):
        return RuleViolation(
            "Intermediate models are named int_<entities>_<verb> (int_posts_joined)."
        )
    if layer == "marts" and not MART_NAME.match(model.name):
        return RuleViolation("Marts are fct_/dim_ entities or named for the question.")
    return None


@rule
def model_has_primary_key_test(model: Model) -> RuleViolation | None:
    """Every model has a tested primary key: one column with unique + not_null, or a
    ``unique_combination`` data test over its key columns."""
    for column in model.columns:
        kinds = {test.type for test in column.tests}
        if {"unique", "not_null"} <= kinds:
            return None
    if any(test.type == "unique_combination" for test in model.tests):
        return None
    return RuleViolation(
        "Test the primary key: `unique` and `not_null` on its column, or a "
        "`unique_combination` data test over its columns."
    )


@rule
def mart_has_enforced_contract(model: Model) -> RuleViolation | None:
    """Marts declare their columns and types as an enforced contract."""
    if layer_of(model) != "marts":
        return None
    if not (model.config.get("contract") or {}).get("enforced"):
        return RuleViolation("Add `config: {contract: {enforced: true}}` and column data_types.")
    return None


@rule
def only_marts_are_public(model: Model) -> RuleViolation | None:
    """Marts are the interface other dbt projects may ref (``access: public``, behind
    their contracts); staging and intermediate models change with the cleaning rules
    and stay this project's own."""
    if layer_of(model) == "marts" and model.access != "public":
        return RuleViolation("Marts are `access: public` (dbt_project.yml sets it).")
    if layer_of(model) in {"staging", "intermediate"} and model.access == "public":
        return RuleViolation("Only marts are public: ref a mart, or leave this one protected.")
    return None


@rule
def staging_reads_only_sources_and_seeds(model: Model) -> RuleViolation | None:
    """Staging models read sources (and seeds), never another model."""
    if layer_of(model) != "staging":
        return None
    models = [node for node in model.depends_on.get("nodes", []) if node.startswith("model.")]
    if models:
        return RuleViolation(f"Staging depends on {', '.join(models)}: read source() only.")
    return None


@rule
def mart_reads_no_source(model: Model) -> RuleViolation | None:
    """Marts read staging/intermediate models, never a source directly."""
    if layer_of(model) != "marts":
        return None
    sources = [node for node in model.depends_on.get("nodes", []) if node.startswith("source.")]
    if sources:
        return RuleViolation(f"Mart reads {', '.join(sources)}: go through a staging model.")
    return None


@rule
def source_has_freshness(source: Source) -> RuleViolation | None:
    """Sources say when they are stale: a loaded_at_field and a warn or error threshold.

    A table whose silence is normal (the dead letters: a day without a refusal is a good
    day) says why in ``meta.freshness_not_expected`` instead.
    """
    if (source.meta or {}).get("freshness_not_expected"):
        return None
    freshness = source.freshness or {}
    thresholds = [
        (freshness.get(level) or {}).get("count") for level in ("warn_after", "error_after")
    ]
    loaded_at = source._raw_values.get("loaded_at_field") or source.config.get("loaded_at_field")
    if not loaded_at or not any(thresholds):
        return RuleViolation("Set loaded_at_field and freshness warn_after/error_after.")
    return None


@rule
def source_is_documented(source: Source) -> RuleViolation | None:
    """Source tables and every listed column have a description."""
    missing = [column.name for column in source.columns if not column.description]
    if not source.description:
        return RuleViolation("Describe the source table.")
    if not source.columns:
        return RuleViolation("List the source table's columns with descriptions.")
    if missing:
        return RuleViolation(f"Describe the columns {', '.join(missing)}.")
    return None
