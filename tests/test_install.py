"""The venv that make builds holds exactly the locked versions, within pyproject's ranges."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .conftest import REPO

LOCKS = (
    REPO / "requirements" / "lock.txt",
    REPO / "requirements" / "fuzz-lock.txt",
    REPO / "requirements" / "installers.txt",
)
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", re.MULTILINE)


def _pins(path: Path) -> dict[str, str]:
    return {canonicalize_name(name): version for name, version in _PIN.findall(path.read_text())}


def test_every_pin_has_hashes() -> None:
    for lock in LOCKS:
        text = lock.read_text()
        for pin in _PIN.finditer(text):
            following = text[pin.end() :].split("\n", 2)[1]
            assert "--hash=sha256:" in following, f"{lock.name}: no hash for {pin.group(0)}"
        assert "--index-url" not in text and "--find-links" not in text  # no machine's own


def test_the_lock_satisfies_the_ranges_of_pyproject() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    wanted += project["optional-dependencies"]["fuzz"]
    pins = _pins(LOCKS[0]) | _pins(LOCKS[1])
    for line in wanted:
        requirement = Requirement(line.split("#")[0].strip())
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is in pyproject.toml but not locked: run make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{name}=={pins[name]} is outside pyproject.toml's {requirement.specifier}"
        )


@pytest.mark.skipif(
    Path(sys.prefix).resolve() != (REPO / ".venv").resolve(),
    reason="only the venv that make installs from the lock is held to it (not make test-latest's)",
)
def test_the_venv_holds_exactly_the_locked_versions() -> None:
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installed = {canonicalize_name(n): v for n, v in _PIN.findall(frozen)}
    main, fuzz = _pins(LOCKS[0]), _pins(LOCKS[1])
    assert {n: v for n, v in installed.items() if n not in fuzz} == main
    assert all(installed.get(n, v) == v for n, v in fuzz.items())  # optional, but locked


def test_the_installers_are_the_locked_pip_and_setuptools() -> None:
    installers = _pins(LOCKS[2])
    assert set(installers) == {"pip", "setuptools"}
    assert installers.items() <= _pins(LOCKS[0]).items()  # the versions of the lock itself
