"""Which deckgen a new project's workflows install: by default, the one running `deckgen init`.

pip records where it installed a distribution from (PEP 610: direct_url.json beside its
metadata), and that says how CI can install the same one:

- from a git repository (`pipx install "git+URL"`): that URL at the very commit installed,
  so CI builds with exactly the deckgen the author builds with;
- from a wheel file, a folder (a checkout) or an index: deckgen's repository (the
  distribution's `Source` URL) as it is when CI runs. Not pinned, and `deckgen init` says
  so; never `deckgen==VERSION`, since the `deckgen` on PyPI is another project.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.metadata import Distribution, PackageNotFoundError, distribution

DISTRIBUTION = "deckgen"
# Used only where no metadata names it (a source tree never installed); pyproject.toml's
# [project.urls] Source is the one place it is set, and a test keeps the two equal.
REPOSITORY = "https://github.com/deckgen/deckgen"


@dataclass(frozen=True)
class Source:
    requirement: str  # for `pip install`: `deckgen @ git+URL@COMMIT` …
    pinned: bool  # whether it names one version of deckgen, not whatever is newest


def running_source() -> Source:
    """How CI installs the deckgen that runs now (see the module's docstring)."""
    try:
        dist = distribution(DISTRIBUTION)
    except PackageNotFoundError:
        return Source(f"{DISTRIBUTION} @ git+{REPOSITORY}", pinned=False)
    direct = _direct_url(dist) or {}
    url, vcs = direct.get("url"), direct.get("vcs_info")
    if isinstance(url, str) and isinstance(vcs, dict) and vcs.get("vcs") == "git":
        commit = vcs.get("commit_id")
        if not url.startswith("file:") and isinstance(commit, str):
            return Source(f"{DISTRIBUTION} @ git+{url}@{commit}", pinned=True)
    return Source(f"{DISTRIBUTION} @ git+{repository(dist)}", pinned=False)


def repository(dist: Distribution | None = None) -> str:
    """deckgen's repository, as its metadata names it (`Project-URL: Source, …`)."""
    if dist is None:
        try:
            dist = distribution(DISTRIBUTION)
        except PackageNotFoundError:
            return REPOSITORY
    entries: list[str] = dist.metadata.get_all("Project-URL") or []
    for entry in entries:
        label, _, url = str(entry).partition(",")
        if label.strip().lower() == "source" and url.strip():
            return url.strip()
    return REPOSITORY


def _direct_url(dist: Distribution) -> dict[str, object] | None:
    text = dist.read_text("direct_url.json")
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
