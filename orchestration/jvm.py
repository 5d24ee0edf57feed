"""Pinned JVM artifacts, resolved from Maven Central into an ignored cache.

Each folder under ``jvm/`` holds a ``pom.xml`` that pins one set of artifacts:
``spark`` (Delta Lake and the Spark-Kafka connector, handed to every Spark session
through ``spark.jars``) and ``kafka`` (the broker that ``pinlake stack up`` runs).
``make setup`` calls :func:`resolve_all`; sessions only ever read the cache, so no
Spark session downloads anything when it starts.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from orchestration.settings import REPO_ROOT, get_settings

POM_ROOT = REPO_ROOT / "jvm"
ARTIFACT_SETS: tuple[str, ...] = ("spark", "kafka")
_STAMP = ".resolved-from"
_VERSION_SUFFIX = re.compile(r"-\d[\w.]*(-\d+)?$")


class JvmArtifactsMissing(RuntimeError):
    """The cache has not been filled: ``make setup`` (or ``pinlake setup-jvm``) fills it."""


_POM_NAMESPACE = "{http://maven.apache.org/POM/4.0.0}"


def pinned_versions() -> dict[str, str]:
    """The versions the poms pin, by property name without ``.version``: ``spark``,
    ``delta``, ``kafka``, ... (each pom's ``<properties>``; Scala's binary version left out)."""
    versions: dict[str, str] = {}
    for name in ARTIFACT_SETS:
        root = ET.parse(POM_ROOT / name / "pom.xml").getroot()
        for prop in root.iterfind(f"{_POM_NAMESPACE}properties/*"):
            key = prop.tag.removeprefix(_POM_NAMESPACE)
            if key.endswith(".version") and not key.startswith("scala.") and prop.text:
                versions[key.removesuffix(".version")] = prop.text.strip()
    return versions


def _pom_digest(name: str) -> str:
    return hashlib.sha256((POM_ROOT / name / "pom.xml").read_bytes()).hexdigest()


def cache_dir(name: str) -> Path:
    return get_settings().jvm_cache / name


def _artifact_id(jar: Path) -> str:
    return _VERSION_SUFFIX.sub("", jar.stem)


def _drop_jars_spark_ships(folder: Path) -> None:
    """Remove libraries pyspark already ships, so Spark never sees two versions of one."""
    import pyspark

    shipped = {_artifact_id(jar) for jar in (Path(pyspark.__file__).parent / "jars").glob("*.jar")}
    for jar in folder.glob("*.jar"):
        if _artifact_id(jar) in shipped:
            jar.unlink()


def resolve(name: str, *, force: bool = False) -> Path:
    """Copy one pinned artifact set into the cache; a no-op when the pom has not changed."""
    target = cache_dir(name)
    stamp = target / _STAMP
    digest = _pom_digest(name)
    if not force and stamp.exists() and stamp.read_text() == digest:
        return target
    if shutil.which("mvn") is None:
        raise JvmArtifactsMissing("Maven (`mvn`) is needed once to resolve the JVM artifacts.")
    staging = target.with_name(f"{name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    subprocess.run(
        [
            "mvn",
            "--batch-mode",
            "--quiet",
            "-Dstyle.color=never",
            "--file",
            str(POM_ROOT / name / "pom.xml"),
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={staging}",
        ],
        check=True,
    )
    if name == "spark":
        _drop_jars_spark_ships(staging)
    (staging / _STAMP).write_text(digest)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def resolve_all(*, force: bool = False) -> None:
    for name in ARTIFACT_SETS:
        resolve(name, force=force)


def jars(name: str) -> list[Path]:
    """The cached jars of one artifact set; raises when ``make setup`` has not run."""
    target = cache_dir(name)
    stamp = target / _STAMP
    if not stamp.exists():
        raise JvmArtifactsMissing(
            f"JVM artifacts '{name}' are not in {target}: run `make setup` first."
        )
    if stamp.read_text() != _pom_digest(name):
        raise JvmArtifactsMissing(
            f"jvm/{name}/pom.xml changed since the artifacts were resolved: run `make setup`."
        )
    return sorted(target.glob("*.jar"))
