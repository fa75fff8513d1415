"""Engine benchmark: a generated 1,000-pod, 300-policy cluster, timed three ways.

(a) 20,000 probes through `manage.py netpol check` as a whole process, as a table
    and with --json (an explanation each), best and median of --repeat runs; and the
    table through django-admin, Django's start-up included;
(b) the full grouped matrix in-process (load, compile, matrix);
(c) network-config-analyzer's full connectivity map of the same cluster, and the ratio.
"""

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from trainer.limits import limits
from trainer.netpol.build import load_cluster
from trainer.netpol.evaluation import Analyzer
from trainer.netpol.matrix import build_matrix


class Command(BaseCommand):
    help = __doc__.splitlines()[0]
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--pods", type=int, default=1000)
        parser.add_argument("--policies", type=int, default=300)
        parser.add_argument("--probes", type=int, default=20000)
        parser.add_argument("--repeat", type=int, default=5, help="runs of (a) and (b)")
        parser.add_argument("--skip-nca", action="store_true", help="leave out (c), nca's ~40 s run")

    def handle(self, *args, **opts):
        from benchmarks import generate, nca  # the benchmark's data and nca runner live beside the tests

        out = self.stdout.write
        with tempfile.TemporaryDirectory(prefix="netpol-bench-") as tmp:
            cluster_path, probes_path = generate.write(
                Path(tmp), opts["seed"], opts["pods"], opts["policies"], opts["probes"])
            text = cluster_path.read_bytes()
            cluster = load_cluster([(text, str(cluster_path))], limits().cli)
            out(f"cluster: {len(cluster.pods)} pods, {len(cluster.policies)} policies, "
                f"{len(cluster.namespaces)} namespaces, {len(text) / 1e6:.2f} MB of YAML "
                f"(seed {opts['seed']})")

            # (a) the whole command as a user runs it, and the same through Django's runner
            check = ["netpol", "check", "-f", str(cluster_path), "--probes", str(probes_path)]
            manage_py = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *check]
            a_best, a_median, rows = self._time(manage_py, opts["repeat"])
            out(f"(a) manage.py netpol check, {rows} probes, whole process: best {a_best:.3f} s, "
                f"median {a_median:.3f} s over {opts['repeat']} runs (target < 1 s)")
            j_best, j_median, _ = self._time(manage_py + ["--json"], opts["repeat"])
            out(f"    the same with --json, an explanation per probe: best {j_best:.3f} s, "
                f"median {j_median:.3f} s (target < 0.5 s)")
            django = [sys.executable, "-m", "django", "netpol", "--settings", "trainer.settings", *check[1:]]
            d_best, d_median, _ = self._time(django, opts["repeat"])
            out(f"    the same through django-admin (Django's start-up included): best {d_best:.3f} s, "
                f"median {d_median:.3f} s")

            # (b) the full grouped matrix, in-process
            loads, compiles, matrices = [], [], []
            for _ in range(opts["repeat"]):
                t0 = time.perf_counter()
                cluster = load_cluster([(text, str(cluster_path))], limits().cli)
                t1 = time.perf_counter()
                analyzer = Analyzer(cluster)
                t2 = time.perf_counter()
                matrix = build_matrix(analyzer)
                t3 = time.perf_counter()
                loads.append(t1 - t0)
                compiles.append(t2 - t1)
                matrices.append(t3 - t2)
            total = [a + b + c for a, b, c in zip(loads, compiles, matrices, strict=True)]
            out(f"(b) full matrix: {len(matrix.groups)} groups x {len(matrix.groups)} x "
                f"{len(matrix.ports)} ports, {matrix.count_allowed()} allowed group cells; "
                f"median load {statistics.median(loads):.3f} s + compile {statistics.median(compiles):.3f} s "
                f"+ matrix {statistics.median(matrices):.3f} s = {statistics.median(total):.3f} s "
                f"(target < 1 s)")

            # (c) nca on the same file
            if opts["skip_nca"]:
                return
            try:
                nca_seconds = nca.connectivity_seconds(cluster_path)
            except (nca.NcaError, subprocess.TimeoutExpired) as exc:
                self.stderr.write(f"(c) nca failed: {exc}")
                sys.exit(1)
            out(f"(c) nca --connectivity (full map): {nca_seconds:.1f} s; "
                f"manage.py netpol check is {nca_seconds / a_median:.0f}x faster (median; target >= 40x), "
                f"with --json {nca_seconds / j_median:.0f}x, "
                f"through django-admin {nca_seconds / d_median:.0f}x, "
                f"the full matrix {nca_seconds / statistics.median(total):.0f}x")

    def _time(self, command, repeat):
        """Best and median wall time of a command, and its output's row count. The output goes
        to a file, as `> out.json` would send it: read back through a pipe and decoded, the
        15 MB of --json would time this process as well as the command."""
        runs = []
        with tempfile.TemporaryFile() as output:
            for _ in range(repeat):
                output.seek(0)
                output.truncate()
                start = time.perf_counter()
                proc = subprocess.run(command, stdout=output, stderr=subprocess.PIPE, text=True,
                                      cwd=settings.BASE_DIR)
                runs.append(time.perf_counter() - start)
                if proc.returncode != 0:
                    self.stderr.write(proc.stderr)
                    sys.exit(1)
            output.seek(0)
            rows = sum(1 for _ in output) - 1  # less the header
        return min(runs), statistics.median(runs), rows
