"""pinlake's dbt-score rules: the project conventions dbt-score's built-in rules do not cover.

dbt-score loads the ``dbt_score_rules`` namespace from the working directory by default,
so ``dbt-score lint`` run from the repository root picks these up with no configuration.
"""
