"""Check what a fresh Debian machine needs outside Python: Python >= 3.11, venv, and WeasyPrint's libraries.

Installs the missing Debian packages when run as root with apt-get available; otherwise prints the exact
command and exits 1. Uses only the standard library: it runs before the virtual environment exists.

    python3 tools/check_system.py            # what `make` needs
    python3 tools/check_system.py --office   # LibreOffice, for the slide-drawing test (CI runs this)
    python3 tools/check_system.py --java     # a Java runtime, for --engine spark and its tests (CI runs this)
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


# Optional: LibreOffice draws the decks for the test that no text leaves its box (tests/test_libreoffice.py),
# and for looking at slides as pictures. About 300 MB installed, so `make` does not ask for it; CI does
# (.ci/run), and the test skips with this command as its reason where it is missing.
OFFICE_PACKAGES = ["libreoffice-impress"]


def office(install: bool) -> int:
    """Install LibreOffice Impress when asked, as root with apt-get, if soffice is missing; return 0 either way
    (the test that needs it skips without it), after saying what happened."""
    if shutil.which("soffice") or shutil.which("libreoffice"):
        return 0
    command = ["apt-get", "install", "-y", "--no-install-recommends", *OFFICE_PACKAGES]
    if install and os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing LibreOffice for the slide-drawing test: " + " ".join(OFFICE_PACKAGES), flush=True)
        subprocess.run(["apt-get", "update", "-q"], check=False)
        if subprocess.run(command, check=False).returncode == 0 and shutil.which("soffice"):
            return 0
    print("LibreOffice is not installed: tests/test_libreoffice.py will be skipped. Install it with:  sudo "
          + " ".join(command), file=sys.stderr)
    return 0


# Optional: Spark (`--engine spark`, the 'spark' extra) runs in a Java virtual machine. `make` does not ask for
# it (the default engine needs no Java); CI does (.ci/run), so that tests/test_spark.py runs instead of skipping.
JAVA_PACKAGES = ["openjdk-17-jre-headless"]


def java_found() -> bool:
    """Return whether a `java` program is found through JAVA_HOME or on the PATH, as Spark looks for it."""
    home = os.environ.get("JAVA_HOME")
    return os.path.isfile(os.path.join(home, "bin", "java")) if home else shutil.which("java") is not None


def java(install: bool) -> int:
    """Install a Java runtime when asked, as root with apt-get, if java is missing; return 0 either way (the
    Spark tests skip without it), after saying what happened."""
    if java_found():
        return 0
    command = ["apt-get", "install", "-y", "--no-install-recommends", *JAVA_PACKAGES]
    if install and os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing a Java runtime for --engine spark and its tests: " + " ".join(JAVA_PACKAGES), flush=True)
        subprocess.run(["apt-get", "update", "-q"], check=False)
        if subprocess.run(command, check=False).returncode == 0 and java_found():
            return 0
    print("Java is not installed: tests/test_spark.py will be skipped and --engine spark cannot run. Install it "
          "with:  sudo " + " ".join(command), file=sys.stderr)
    return 0


def main() -> int:
    """Return 0 when everything is there (or was installed), 1 with instructions otherwise."""
    if "--office" in sys.argv[1:] or "--java" in sys.argv[1:]:
        codes = [office(install=True)] if "--office" in sys.argv[1:] else []
        codes += [java(install=True)] if "--java" in sys.argv[1:] else []
        return max(codes)
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
