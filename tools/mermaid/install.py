"""`make diagrams`: install the one file of mermaid that deckgen's renderer loads, as
package-lock.json pins it.

The renderer loads node_modules/mermaid/dist/mermaid.min.js, a self-contained browser
bundle, into headless Chromium; no mermaid code ever runs in Node. `npm ci` would install
mermaid's 115 dependencies as well, and mermaid 12.3.0, @mermaid-js/parser 2.0.1,
chevrotain 13.2.0 and commander 15.1.0 declare `"engines": {"node": ">=22"}`, for running
them in Node, which npm warns about on Debian bookworm's Node 18 and on Node 20. So this
fetches mermaid's own tarball with `npm pack` (any npm from Node 18 on), checks it against
the lock's sha512 integrity, and unpacks package.json, LICENSE and dist/mermaid.min.js
where `npm ci --prefix tools/mermaid` would have put them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DESTINATION = HERE / "node_modules" / "mermaid"
FILES = ("package.json", "LICENSE", "dist/mermaid.min.js")  # inside the tarball's package/


def pinned(lock_path: Path) -> tuple[str, str]:
    """mermaid's version and sha512 integrity, as package-lock.json pins them."""
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    entry = lock["packages"]["node_modules/mermaid"]
    return entry["version"], entry["integrity"]


def integrity_of(tarball: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()


def unpack_verified(tarball: Path, integrity: str, destination: Path) -> None:
    """Put FILES of `tarball` in `destination`, replacing it whole, if the tarball is the
    pinned one; else raise ValueError and leave `destination` as it was."""
    found = integrity_of(tarball)
    if found != integrity:
        raise ValueError(f"{tarball.name} is {found}, package-lock.json pins {integrity}")
    staging = Path(tempfile.mkdtemp(prefix=".mermaid-", dir=destination.parent))
    try:
        with tarfile.open(tarball) as archive:
            for name in FILES:
                member = archive.extractfile(f"package/{name}")
                if member is None:
                    raise ValueError(f"{tarball.name} has no regular file package/{name}")
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(member.read())
        shutil.rmtree(destination, ignore_errors=True)
        staging.replace(destination)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def main() -> int:
    npm = shutil.which("npm")
    if npm is None:
        print("make diagrams needs npm: sudo apt-get install npm", file=sys.stderr)
        return 1
    version, integrity = pinned(HERE / "package-lock.json")
    DESTINATION.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mermaid-pack-") as folder:
        command = [npm, "pack", f"mermaid@{version}", "--pack-destination", folder, "--silent"]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        try:
            unpack_verified(Path(folder) / f"mermaid-{version}.tgz", integrity, DESTINATION)
        except ValueError as problem:
            print(f"make diagrams: {problem}", file=sys.stderr)
            return 1
    bundle = os.path.relpath(DESTINATION / "dist" / "mermaid.min.js")
    print(f"Installed mermaid {version}: {bundle}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
