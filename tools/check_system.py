"""Check what a fresh Debian machine needs outside Python: Python >= 3.11, venv, and WeasyPrint's libraries.

Installs the missing Debian packages when run as root with apt-get available; otherwise prints the exact
command and exits 1. Uses only the standard library: it runs before the virtual environment exists.
"""

from __future__ import annotations

import ctypes.util
import importlib.util
import os
import shutil
import subprocess
import sys

# shared library (as ctypes finds it) -> Debian package providing it
LIBRARIES = {
    "pango-1.0": "libpango-1.0-0",
    "pangoft2-1.0": "libpangoft2-1.0-0",
    "harfbuzz": "libharfbuzz0b",
    # without it WeasyPrint embeds whole fonts and warns that future versions will require it
    "harfbuzz-subset": "libharfbuzz-subset0",
    "fontconfig": "fontconfig",
}


def missing_packages() -> list[str]:
    """Return the Debian packages whose libraries cannot be found."""
    missing = [pkg for lib, pkg in LIBRARIES.items() if ctypes.util.find_library(lib) is None]
    if importlib.util.find_spec("ensurepip") is None:
        missing.append(f"python{sys.version_info.major}.{sys.version_info.minor}-venv")
    return missing


def main() -> int:
    """Return 0 when everything is there (or was installed), 1 with instructions otherwise."""
    if sys.version_info < (3, 11):
        print(f"reportgen needs Python 3.11 or newer; this is {sys.version.split()[0]}.", file=sys.stderr)
        print("Install it (sudo apt-get install python3.11 python3.11-venv) and run: make PYTHON=python3.11", file=sys.stderr)
        return 1
    missing = missing_packages()
    if not missing:
        return 0
    command = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing system packages: " + " ".join(missing), flush=True)
        subprocess.run(["apt-get", "update", "-q"], check=False)
        if subprocess.run(command, check=False).returncode == 0 and not missing_packages():
            return 0
    print("reportgen needs these system packages: " + " ".join(missing), file=sys.stderr)
    print("Install them with:  sudo " + " ".join(command), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
