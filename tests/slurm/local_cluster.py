"""A real single-node SLURM cluster on localhost, for tests: munged, slurmctld and slurmd, all in one directory.

Everything the daemons write (configuration, MUNGE key and socket, state, spool, logs, pid files) lives under
the directory given; the ports are free ones picked at start, so a system SLURM or another test cluster on the
same machine is not disturbed. Clients (sbatch, squeue, ...) find this cluster through SLURM_CONF, which
``env()`` sets. ``stop()`` cancels what is still queued or running and ends the three daemons, always.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from string import Template

HERE = Path(__file__).resolve().parent
DAEMONS = ("munged", "slurmctld", "slurmd")
CLIENTS = ("sbatch", "squeue", "sinfo", "scontrol", "scancel", "srun")
# The daemons live in sbin, which a non-login shell's PATH may lack.
SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])


def which(cmd: str) -> str | None:
    return shutil.which(cmd, path=SEARCH_PATH)


def missing_requirements() -> str | None:
    """Why a local cluster cannot be started here (no root, commands missing), or None if it can."""
    if os.geteuid() != 0:
        return "needs root (slurmd runs the jobs; munged and slurmctld run as root in this test cluster)"
    missing = [cmd for cmd in (*DAEMONS, *CLIENTS, "munge") if which(cmd) is None]
    if missing:
        return (
            f"SLURM/MUNGE commands missing: {', '.join(missing)}; as root, run `bash setup/ensure_slurm.sh` "
            "(apt-get install slurm-wlm munge)"
        )
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def node_hardware() -> tuple[str, int]:
    """This machine as slurmd sees it: ("CPUs=.. Boards=.. SocketsPerBoard=.. ...", RealMemory in MB)."""
    out = subprocess.run([which("slurmd"), "-C"], capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("NodeName="))
    fields = dict(item.split("=", 1) for item in line.split())
    keys = ("CPUs", "Boards", "SocketsPerBoard", "CoresPerSocket", "ThreadsPerCore")
    return " ".join(f"{k}={fields[k]}" for k in keys if k in fields), int(fields["RealMemory"])


class LocalSlurm:
    """munged + slurmctld + slurmd on this host, configured and run from ``root``."""

    partition = "debug"

    def __init__(self, root: Path):
        self.root = Path(root)
        self.conf = self.root / "slurm.conf"
        self.munge_dir = self.root / "munge"
        self.munge_socket = self.munge_dir / "munge.socket"
        self.node = subprocess.run(["hostname", "-s"], capture_output=True, text=True).stdout.strip() or "localhost"
        self.pidfiles = {
            "munged": self.munge_dir / "munged.pid",
            "slurmctld": self.root / "slurmctld.pid",
            "slurmd": self.root / "slurmd.pid",
        }
        self.pids: dict[str, int] = {}

    def env(self) -> dict[str, str]:
        """The environment in which SLURM's clients (and snakemake's executor) talk to this cluster."""
        path = f"{self.root / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
        env = dict(os.environ, SLURM_CONF=str(self.conf), PATH=path)
        for var in [v for v in env if v.startswith(("SLURM_", "SBATCH_", "SRUN_")) and v != "SLURM_CONF"]:
            del env[var]  # a test run inside a SLURM job must not inherit that job's settings
        return env

    def run(self, *cmd: str, check: bool = True, timeout: float = 30) -> subprocess.CompletedProcess:
        return subprocess.run(cmd, env=self.env(), capture_output=True, text=True, check=check, timeout=timeout)

    def write_config(self) -> None:
        for sub in ("state", "spool", "log"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        # MUNGE insists on a private key (0400, owned by its user), and on a socket whose every parent directory
        # all may enter but only its owner may write to.
        self.root.chmod(0o755)
        self.munge_dir.mkdir(exist_ok=True)
        self.munge_dir.chmod(0o755)
        key = self.munge_dir / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        hardware, memory_mb = node_hardware()
        text = Template((HERE / "slurm.conf.in").read_text()).substitute(
            dir=self.root,
            node=self.node,
            ctld_port=free_port(),
            slurmd_port=free_port(),
            munge_socket=self.munge_socket,
            hardware=hardware,
            memory_mb=max(memory_mb * 9 // 10, 1000),  # below the measured memory, so slurmd never drains
            partition=self.partition,
        )
        self.conf.write_text(text)
        (self.root / "plugstack.conf").write_text("")  # no SPANK plugins (not the system's)
        # Inside a job, snakemake-executor-plugin-slurm-jobstep starts the rule with `srun` after removing every
        # SLURM_* variable but the job's identity, SLURM_CONF included. A real cluster's srun then reads
        # /etc/slurm/slurm.conf; this one's configuration is elsewhere, so the jobs find an `srun` first on their
        # PATH (exported by sbatch) that names it again.
        srun = self.root / "bin" / "srun"
        srun.parent.mkdir(exist_ok=True)
        srun.write_text(f'#!/bin/sh\nSLURM_CONF="{self.conf}" exec {which("srun")} "$@"\n')
        srun.chmod(0o755)

    def start(self, timeout: float = 60) -> None:
        """Write the configuration, start the three daemons and wait until the node is idle."""
        self.write_config()
        m = self.munge_dir
        self._daemon(
            "munged",
            which("munged"),
            f"--key-file={m / 'munge.key'}",
            f"--socket={self.munge_socket}",
            f"--pid-file={self.pidfiles['munged']}",
            f"--log-file={m / 'munged.log'}",
            f"--seed-file={m / 'munged.seed'}",
        )
        self._daemon("slurmctld", which("slurmctld"), "-f", str(self.conf))
        self._daemon("slurmd", which("slurmd"), "-f", str(self.conf), "-N", self.node)
        deadline = time.monotonic() + timeout
        state = ""
        while time.monotonic() < deadline:
            proc = self.run("sinfo", "--noheader", "--Node", "--format=%T", check=False)
            state = proc.stdout.strip()
            if state == "idle":
                return
            time.sleep(0.5)
        raise RuntimeError(f"the test node is not idle after {timeout:.0f} s (sinfo: {state!r})\n{self.logs()}")

    def _daemon(self, name: str, *cmd: str) -> None:
        """Start a daemon (it forks into the background) and note its pid from its pid file."""
        proc = subprocess.run(cmd, env=self.env(), capture_output=True, text=True, timeout=30)
        if proc.returncode != 0:
            raise RuntimeError(f"{name} did not start ({' '.join(cmd)}):\n{proc.stdout}{proc.stderr}\n{self.logs()}")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            text = self.pidfiles[name].read_text().strip() if self.pidfiles[name].exists() else ""
            if text.isdigit() and alive(int(text)):
                self.pids[name] = int(text)
                return
            time.sleep(0.1)
        raise RuntimeError(f"{name} started but wrote no live pid to {self.pidfiles[name]}\n{self.logs()}")

    def jobs(self) -> list[dict[str, str]]:
        """Every job slurmctld still knows (finished ones for MinJobAge): id, state, name, comment, node."""
        fmt = "%i|%T|%j|%k|%N"
        out = self.run("squeue", "--noheader", "--states=all", f"--format={fmt}").stdout
        keys = ("id", "state", "name", "comment", "node")
        return [dict(zip(keys, line.split("|"), strict=True)) for line in out.splitlines() if line.strip()]

    def logs(self, tail: int = 30) -> str:
        parts = []
        for log in (self.munge_dir / "munged.log", self.root / "log/slurmctld.log", self.root / "log/slurmd.log"):
            if log.exists():
                lines = log.read_text(errors="replace").splitlines()[-tail:]
                parts.append(f"--- {log} (last {len(lines)} lines)\n" + "\n".join(lines))
        return "\n".join(parts)

    def stop(self) -> list[str]:
        """Cancel the jobs, end the daemons (politely, then by signal); returns the names of those that were killed."""
        if "slurmctld" in self.pids:
            self.run("scancel", "--full", f"--partition={self.partition}", check=False)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and any(j["state"] in ACTIVE for j in self._jobs_or_empty()):
                time.sleep(0.5)
            self.run("scontrol", "shutdown", check=False)  # ends slurmctld and slurmd
        if "munged" in self.pids:
            subprocess.run(
                [which("munged"), "--stop", f"--socket={self.munge_socket}"], capture_output=True, timeout=30
            )
        killed = []
        for name in ("slurmd", "slurmctld", "munged"):
            pid = self.pids.pop(name, None)
            if pid is not None and not wait_gone(pid, 15):
                killed.append(name)
                for sig in (signal.SIGTERM, signal.SIGKILL):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, sig)
                    if wait_gone(pid, 5):
                        break
        return killed

    def _jobs_or_empty(self) -> list[dict[str, str]]:
        try:
            return self.jobs()
        except (subprocess.SubprocessError, ValueError):
            return []


ACTIVE = {"PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING"}


def alive(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return re.sub(r"^.*\) ", "", stat).split()[0] != "Z"


def wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.2)
    return not alive(pid)
