"""Atomic writes: a reader or a crash sees the old file or the new one, never half."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from presser.errors import WriteError
from presser.writing import TEMP_PREFIX, write_atomic


def test_writes_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out" / "a.txt"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["a.txt"]


def test_a_failed_write_keeps_the_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.txt"
    write_atomic(target, b"good")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(WriteError, match="No space left on device"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"good"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_an_unwritable_folder_is_a_clean_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(WriteError, match="cannot write"):
        write_atomic(blocker / "a.txt", b"x")
