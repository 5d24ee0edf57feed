"""``make setup`` copies ``profiles.yml.example`` to ``profiles.yml`` and never overwrites
a profile the user edited: the Makefile's own rule, run by the real ``make`` on a copy."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from orchestration.settings import REPO_ROOT


def make_profile(folder: Path) -> str:
    done = subprocess.run(
        ["make", "--no-print-directory", "-s", "profiles.yml"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def change_example(folder: Path, line: str) -> None:
    """Append to the example and make it newer than the profile, as a `git pull` would."""
    profile = folder / "profiles.yml"
    earlier = profile.stat().st_mtime - 60
    os.utime(profile, (earlier, earlier))
    example = folder / "profiles.yml.example"
    example.write_text(example.read_text() + line)


def test_a_profile_as_copied_follows_the_example_and_an_edited_one_is_kept(
    tmp_path: Path,
) -> None:
    for name in ("Makefile", "profiles.yml.example"):
        shutil.copy(REPO_ROOT / name, tmp_path / name)
    profile = tmp_path / "profiles.yml"

    assert make_profile(tmp_path) == "profiles.yml: copied from profiles.yml.example"
    assert make_profile(tmp_path) == ""  # up to date: nothing to do

    change_example(tmp_path, "# a new target\n")
    assert make_profile(tmp_path) == "profiles.yml: copied from profiles.yml.example"
    assert profile.read_text().endswith("# a new target\n")

    profile.write_text(profile.read_text() + "# my own target\n")
    change_example(tmp_path, "# another target\n")
    assert make_profile(tmp_path).startswith(
        "note: profiles.yml.example changed; your profiles.yml has edits of its own"
    )
    assert profile.read_text().endswith("# a new target\n# my own target\n")
    assert make_profile(tmp_path) == ""  # said once, not at every `make setup`
