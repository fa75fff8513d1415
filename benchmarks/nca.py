"""Time network-config-analyzer's (nca) full connectivity map of a cluster file.

    .venv/bin/python benchmarks/nca.py CLUSTER.yaml [--format txt_no_fw_rules]

nca runs from .venv-nca (scripts/setup-nca-venv makes it) as a subprocess, as a
user would run it: the wall time includes its start-up and its YAML parsing.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

NCA = Path(__file__).resolve().parents[1] / ".venv-nca" / "bin" / "nca"


class NcaError(RuntimeError):
    pass


def connectivity_seconds(path: str | Path, output_format: str = "txt_no_fw_rules",
                         timeout: float = 900) -> float:
    """Wall time of `nca --connectivity -r PATH -o FORMAT`, checked to have printed a map."""
    if not NCA.exists():
        raise NcaError(f"{NCA} is missing: run scripts/setup-nca-venv first")
    command = [str(NCA), "--connectivity", "-r", str(path), "-o", output_format]
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - start
    if proc.returncode != 0 or (" => " not in proc.stdout and "src" not in proc.stdout):
        raise NcaError(f"nca failed (exit status {proc.returncode}):\n{proc.stderr[-2000:]}")
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cluster", type=Path)
    parser.add_argument("--format", default="txt_no_fw_rules",
                        help="nca's output format: txt_no_fw_rules (one line per pair) "
                             "or txt (firewall rules)")
    args = parser.parse_args(argv)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        seconds = connectivity_seconds(args.cluster, args.format)
    except (NcaError, subprocess.TimeoutExpired) as exc:
        print(exc, file=sys.stderr)
        return 1
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    # CPU time too: on a shared machine the wall time depends on the neighbours.
    print(f"nca --connectivity -o {args.format} {args.cluster}: {seconds:.1f} s wall, {cpu:.1f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
