"""Run network-config-analyzer (nca) from .venv-nca as a subprocess.

nca pins its own dependencies (PyYAML 6.0.2 among them), so it lives in a
virtualenv of its own, made by scripts/setup-nca-venv, and is never imported.
Many scenarios go through one nca process: a scheme file lists one network
config and one connectivity-map query per scenario, which saves nca's start-up
(about half a second) per scenario.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import yaml

from .nca_output import ConnectivityMap

REPO = Path(__file__).resolve().parents[2]
NCA = REPO / ".venv-nca" / "bin" / "nca"


class NcaError(RuntimeError):
    """nca failed, or refused its input."""


class NcaMissing(NcaError):
    pass


def nca_command() -> Path:
    if not NCA.exists():
        raise NcaMissing(f"{NCA} is missing: run scripts/setup-nca-venv first")
    return NCA


def connectivity_maps(texts: dict[str, str], timeout: float = 600) -> dict[str, ConnectivityMap]:
    """{name: multi-document YAML} -> {name: nca's connectivity map of it}, in one nca process."""
    nca = nca_command()
    with tempfile.TemporaryDirectory(prefix="nca-") as tmp:
        work = Path(tmp)
        configs, queries = [], []
        for name, text in texts.items():
            (work / f"{name}.yaml").write_text(text)
            configs.append({"name": name, "resourceList": [f"{name}.yaml"]})
            queries.append({
                "name": name,
                "connectivityMap": [name],
                "outputConfiguration": {"outputFormat": "txt_no_fw_rules",
                                        "outputEndpoints": "pods",
                                        "outputPath": f"{name}.txt"},
            })
        scheme = work / "scheme.yaml"
        scheme.write_text(yaml.safe_dump({"networkConfigList": configs, "queries": queries}))
        proc = subprocess.run([str(nca), "--scheme", str(scheme)], cwd=work,
                              capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:  # one refused config fails the whole batch
            raise NcaError(f"nca failed (exit status {proc.returncode}):\n"
                           f"{_tail(proc.stderr)}\n{_tail(proc.stdout)}")
        maps = {}
        for name in texts:
            out = work / f"{name}.txt"
            if not out.exists():
                raise NcaError(f"nca wrote no connectivity map for {name}:\n{_tail(proc.stderr)}")
            maps[name] = ConnectivityMap.parse(out.read_text())
        return maps


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.splitlines()[-lines:])
