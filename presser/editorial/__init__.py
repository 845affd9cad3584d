"""The workflow: a release from draft through review, approval and publishing to corrections.

Reading releases as every command does, published ones against what went out
(``reading``); the steps and their rules (``workflow``); edits of a release
file that keep its layout, through the one writer (``release_edit``);
publishing into frozen version folders (``publishing``) and their manifests
and content hashes (``manifest``); where every release stands (``status``);
and linting a file, ``--fix`` included (``linting``).

Imports the layers below (``source``, ``render``, ``lint``); never builds or
the command line.
"""
