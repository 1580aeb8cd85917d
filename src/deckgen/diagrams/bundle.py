"""The pinned mermaid bundle the renderer loads: where it is found, and how an installed
deckgen gets it.

The renderer loads one self-contained file, mermaid's ``dist/mermaid.min.js``, into
headless Chromium. It is looked for, first found wins:

1. ``DECKGEN_MERMAID_JS``, a path to that file (one that does not exist means "none");
2. ``tools/mermaid/node_modules/mermaid/dist/mermaid.min.js`` under the current folder or
   the checkout deckgen runs from (an editable install), where ``make diagrams`` puts it;
3. the user's data folder (``~/.local/share/deckgen/mermaid/<version>/`` on Linux,
   ``~/Library/Application Support/deckgen/…`` on macOS, ``%LOCALAPPDATA%\\deckgen\\…``
   on Windows), where ``deckgen diagrams install`` puts it: an installed deckgen has no
   checkout.

`install_bundle` fetches mermaid's own npm tarball (from the registry, or a file or URL
given instead), checks it against the sha512 pinned here (the same as
tools/mermaid/package-lock.json's, which a test keeps equal) and unpacks package.json,
LICENSE and dist/mermaid.min.js into a folder of its own, replacing it whole. Nothing of
mermaid runs outside the browser, so no Node.js is needed.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
import sys
from pathlib import Path

from deckgen.diagrams.cache import MERMAID_VERSION

# npm's integrity of mermaid's tarball: tools/mermaid/package-lock.json's, word for word
INTEGRITY = (
    "sha512-4113TdXeLAsMruJ79OpFL5O8+LTFXhQqZ260rF3tgUmiNAtRm4Uume04I+65PRN6yZ69J4f8rVYWW8zRk65UYw=="
)  # fmt: skip
TARBALL_URL = f"https://registry.npmjs.org/mermaid/-/mermaid-{MERMAID_VERSION}.tgz"
FILES = ("package.json", "LICENSE", "dist/mermaid.min.js")  # inside the tarball's package/
BUNDLE_RELPATH = Path("tools/mermaid/node_modules/mermaid/dist/mermaid.min.js")
SOURCE_CHECKOUT = Path(__file__).resolve().parents[3]  # src/deckgen/diagrams/ → the repository
_MAX_TARBALL = 64 * 1024 * 1024
_VERSION_IN_BUNDLE = re.compile(r'\{version:"([^"]+)"\}')


class BundleError(Exception):
    """The bundle could not be fetched, or is not the pinned one: nothing was installed."""


def in_checkout() -> bool:
    """Whether deckgen runs from a source checkout, whose `make diagrams` installs the
    renderer's parts (an editable install); else it is installed (pip, pipx)."""
    return (SOURCE_CHECKOUT / "tools" / "mermaid" / "install.py").is_file()


def bundle_hint() -> str:
    """The command that installs the bundle, as this deckgen is run."""
    return "make diagrams" if in_checkout() else "deckgen diagrams install"


def playwright_hint() -> str:
    """The command that installs the playwright package into deckgen's own environment."""
    if in_checkout():
        return "make diagrams"
    if "pipx" in Path(sys.prefix).parts:
        return "pipx inject deckgen playwright"
    return f"{sys.executable} -m pip install playwright"


def user_bundle_folder() -> Path:
    """Where `deckgen diagrams install` puts the pinned version's files."""
    from platformdirs import user_data_path  # only where a diagram is to be rendered

    return user_data_path("deckgen", appauthor=False) / "mermaid" / MERMAID_VERSION


def locate_bundle(project_root: Path | None = None) -> Path | None:
    """The bundle this machine has, or None. Without a root: the current folder, then the
    checkout deckgen runs from, so a build started elsewhere still finds `make diagrams`'."""
    override = os.environ.get("DECKGEN_MERMAID_JS")
    if override:
        return Path(override) if Path(override).is_file() else None
    roots = [project_root] if project_root else [Path.cwd(), SOURCE_CHECKOUT]
    candidates = [root / BUNDLE_RELPATH for root in roots]
    candidates.append(user_bundle_folder() / "dist" / "mermaid.min.js")
    return next((path for path in candidates if path.is_file()), None)


def bundle_version(bundle: Path) -> str | None:
    """Version of a mermaid bundle: from its package.json, else from the bundle text."""
    package_json = bundle.parent.parent / "package.json"  # mermaid/dist/ → mermaid/
    with contextlib.suppress(OSError, ValueError):
        meta = json.loads(package_json.read_text(encoding="utf-8"))
        if meta.get("name") == "mermaid" and isinstance(meta.get("version"), str):
            return str(meta["version"])
    # A bare mermaid.min.js (DECKGEN_MERMAID_JS) embeds `{version:"x.y.z"}`.
    match = _VERSION_IN_BUNDLE.search(bundle.read_text(encoding="utf-8", errors="replace"))
    return match.group(1) if match else None


def integrity_of(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def install_bundle(source: str = TARBALL_URL, folder: Path | None = None) -> Path:
    """Fetch the tarball at `source` (a URL or a file), check it is the pinned one and unpack
    it into `folder` (default: the user's); returns the bundle's path. Raises BundleError."""
    import shutil
    import tempfile

    data = _fetch(source)
    found = integrity_of(data)
    if found != INTEGRITY:
        raise BundleError(
            f"{source} is not mermaid {MERMAID_VERSION} as deckgen pins it"
            f" (its sha512 is {found}, not {INTEGRITY}): nothing was installed"
        )
    destination = folder or user_bundle_folder()
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".mermaid-", dir=destination.parent))
    try:
        _unpack(data, staging, source)
        shutil.rmtree(destination, ignore_errors=True)
        staging.replace(destination)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return destination / "dist" / "mermaid.min.js"


def _fetch(source: str) -> bytes:
    if "://" not in source:
        try:
            return Path(source).read_bytes()
        except OSError as err:
            raise BundleError(f"cannot read {source}: {err.strerror or err}") from None
    import urllib.request  # with ssl and http: only `deckgen diagrams install` needs them

    try:
        with urllib.request.urlopen(source, timeout=120) as response:
            data: bytes = response.read(_MAX_TARBALL + 1)
    except (OSError, ValueError) as err:
        raise BundleError(f"cannot download {source}: {err}") from None
    if len(data) > _MAX_TARBALL:
        raise BundleError(f"{source} is larger than any mermaid tarball")
    return data


def _unpack(data: bytes, staging: Path, source: str) -> None:
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        for name in FILES:
            try:
                member = archive.extractfile(f"package/{name}")
            except KeyError:
                member = None
            if member is None:
                raise BundleError(f"{source} has no regular file package/{name}")
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(member.read())
