"""Vendor YASGUI into the package: ``@zazuko/yasgui`` from the npm registry, by npm, into ``serve/static/vendor/yasgui/``.

Run by ``make setup`` (and so by ``make test`` and ``make wheel``). The files are not
committed: they are fetched with npm at a pinned version and their licence (MIT) is checked.
Without npm the query page keeps its plain form, and this says how to get YASGUI.
Exit status: 0 when the files are in place (or npm is missing), 1 when fetching them failed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@zazuko/yasgui"
VERSION = "4.6.2"
LICENCE = "MIT"
ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "dtkg" / "serve" / "static" / "vendor" / "yasgui"
FILES = {"package/build/yasgui.min.js": "yasgui.min.js", "package/build/yasgui.min.css": "yasgui.min.css"}
STAMP = "VERSION"


def installed() -> bool:
    """Whether the pinned version is already in place."""
    stamp = TARGET / STAMP
    return stamp.is_file() and stamp.read_text().strip() == VERSION and all((TARGET / f).is_file() for f in FILES.values())


def fetch(work: Path) -> Path:
    """The package tarball, packed by npm from the registry."""
    done = subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", str(work), "--silent", "--no-fund", "--no-audit"],
        capture_output=True, text=True, check=False, timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"npm pack {PACKAGE}@{VERSION} failed: {done.stderr.strip() or done.stdout.strip()}")
    tarballs = sorted(work.glob("*.tgz"))
    if not tarballs:
        raise RuntimeError(f"npm pack {PACKAGE}@{VERSION} wrote no tarball")
    return tarballs[0]


def unpack(tarball: Path, into: Path) -> None:
    """The built files, checked for the pinned version and licence, written into ``into``."""
    with tarfile.open(tarball) as archive:
        manifest = json.load(archive.extractfile("package/package.json"))  # type: ignore[arg-type]
        if manifest.get("version") != VERSION or manifest.get("license") != LICENCE:
            raise RuntimeError(f"expected {PACKAGE} {VERSION} under {LICENCE}, got {manifest.get('version')} "
                               f"under {manifest.get('license')}")
        for member, name in FILES.items():
            data = archive.extractfile(member).read()  # type: ignore[union-attr]
            text = data.decode("utf-8")
            # drop the source-map comment: the map is not shipped, and browsers would ask for it
            lines = [line for line in text.splitlines() if not line.lstrip().startswith(("//# sourceMappingURL", "/*# sourceMappingURL"))]
            (into / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    (into / STAMP).write_text(VERSION + "\n")
    shutil.copy(TARGET.parent / "yasgui.LICENSE.txt", into / "LICENSE.txt")


def main() -> int:
    if installed():
        return 0
    if shutil.which("npm") is None:
        print(f"vendor: npm not found, so {PACKAGE} is not vendored and the query page keeps its plain form "
              "(fix: install npm, e.g. `apt-get install npm`, then `make vendor`)", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="dtkg-vendor-") as tmp:
        work = Path(tmp)
        try:
            tarball = fetch(work)
            staged = work / "yasgui"
            staged.mkdir()
            unpack(tarball, staged)
        except (RuntimeError, OSError, KeyError, tarfile.TarError, subprocess.TimeoutExpired) as exc:
            print(f"vendor: {exc} (fix: check that the npm registry is reachable, then `make vendor`)", file=sys.stderr)
            return 1
        if TARGET.exists():
            shutil.rmtree(TARGET)
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staged), str(TARGET))
    print(f"vendor: {PACKAGE} {VERSION} → {TARGET.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
