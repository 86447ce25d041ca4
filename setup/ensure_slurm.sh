#!/usr/bin/env bash
# Install Debian's SLURM (slurm-wlm) and MUNGE when they are missing, for tests/test_slurm.py, which starts a
# single-node SLURM cluster on localhost. Optional: without root or apt-get this does nothing and exits 0, and
# the test then skips itself, saying why. It never starts a daemon (the test starts its own, in a temp dir).
set -uo pipefail
PATH="$PATH:/usr/sbin:/sbin" # the daemons live there; a non-login shell may lack them
PKGS="slurm-wlm munge"
have_all() {
  for cmd in munged slurmctld slurmd sbatch squeue sinfo scontrol srun; do
    command -v "$cmd" >/dev/null || return 1
  done
}
if have_all; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "SLURM/MUNGE not installed and no root with apt-get here: tests/test_slurm.py will be skipped." >&2
  echo "To run it, as root: apt-get install -y $PKGS" >&2
  exit 0
fi
echo "Installing SLURM and MUNGE from the distribution for the SLURM test: $PKGS"
# Debian's maintainer scripts try to start the services; where no init system runs (containers, CI) that fails
# harmlessly or is refused by policy-rc.d. The test starts its own daemons anyway.
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PKGS >/dev/null; }; then
  echo "apt-get install $PKGS failed: tests/test_slurm.py will be skipped." >&2
  exit 0
fi
have_all || echo "Installed $PKGS, but a SLURM command is still missing: tests/test_slurm.py will be skipped." >&2
exit 0
