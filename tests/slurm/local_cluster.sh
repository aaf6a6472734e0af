#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, from Debian's packages (munge, slurmctld, slurmd,
# slurm-client; `scripts/bootstrap.sh slurm` installs them), with every file under one folder:
#
#   tests/slurm/local_cluster.sh start DIR   write DIR/slurm.conf and a munge key, start munged,
#                                            slurmctld and slurmd, wait until the node is idle
#   tests/slurm/local_cluster.sh stop DIR    stop the three daemons (the files stay)
#
# Afterwards point Slurm's commands at it with `export SLURM_CONF=DIR/etc/slurm.conf`.
# Run as root (slurmd starts jobs as their submitting user). No systemd needed: the daemons are
# started directly. Nothing outside DIR is written, so it can run beside a real installation.
#
# It is also the smallest working configuration to start from on a real cluster: a site's
# slurm.conf differs in SlurmctldHost, the NodeName / PartitionName lines (one per node group),
# and the accounting and cgroup plug-ins (ProctrackType=proctrack/cgroup, TaskPlugin=task/cgroup
# where cgroups are available); moesim needs nothing of Slurm beyond job arrays and dependencies.
# Ports: SLURM_TEST_PORT for slurmctld and the next one for slurmd; by default the first pair
# from 16817 up (in steps of 10) that nothing on this machine listens on, so that two clusters
# (two checkouts testing at once) do not meet.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$2

pid_of() { if [ -f "$1" ]; then cat "$1" 2>/dev/null || true; fi; }

stop_daemon() {  # PIDFILE NAME
  local pid
  pid=$(pid_of "$1")
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    echo "local_cluster: stopped $2 ($pid)" >&2
  fi
  rm -f "$1"
}

stop() {
  stop_daemon "$dir/run/slurmd.pid" slurmd
  stop_daemon "$dir/run/slurmctld.pid" slurmctld
  stop_daemon "$dir/run/munged.pid" munged
}

start() {
  for cmd in munged mungekey slurmctld slurmd sinfo; do
    command -v "$cmd" >/dev/null || { echo "local_cluster: $cmd not found (run scripts/bootstrap.sh slurm)" >&2; exit 2; }
  done
  [ "$(id -u)" -eq 0 ] || { echo "local_cluster: run as root" >&2; exit 2; }
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  mkdir -p "$dir/etc" "$dir/run" "$dir/log" "$dir/state" "$dir/spool" "$dir/munge" "$dir/key"
  chmod 755 "$dir/munge"  # the socket: every user's jobs and commands talk to munged
  chmod 700 "$dir/key"

  # munge: a fresh key for this cluster (a real cluster shares one key on every node), its
  # socket and files under DIR. --force: munged otherwise refuses a socket below a folder
  # that not every user may enter (a mktemp folder is 0700).
  rm -f "$dir/key/munge.key"
  mungekey --create --keyfile="$dir/key/munge.key"
  chmod 400 "$dir/key/munge.key"
  munged --force --key-file="$dir/key/munge.key" --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/run/munged.pid" --log-file="$dir/log/munged.log" \
    --seed-file="$dir/key/munged.seed"

  local host cpus mem port
  host=$(hostname -s)
  cpus=$(nproc)
  mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)
  listening() { (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
  port=${SLURM_TEST_PORT:-}
  if [ -z "$port" ]; then
    for port in $(seq 16817 10 17807); do
      listening "$port" || listening $((port + 1)) || break
    done
  fi
  cat >"$dir/etc/slurm.conf" <<CONF
# One node, this machine: controller and compute node together (tests/slurm/local_cluster.sh).
ClusterName=moesim-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
# No cgroups (containers and CI machines often lack a writable cgroup tree): processes are
# tracked through /proc, tasks are not confined.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$dir/etc/slurm.conf"
  # -i: ignore state left by an earlier start in the same folder.
  slurmctld -i -f "$SLURM_CONF"
  slurmd -f "$SLURM_CONF"
  for _ in $(seq 60); do
    if sinfo -h -N -o '%T' 2>/dev/null | grep -qx idle; then
      echo "local_cluster: node $host idle ($cpus CPUs); export SLURM_CONF=$SLURM_CONF" >&2
      return 0
    fi
    sleep 0.5
  done
  echo "local_cluster: the node did not become idle in 30 s; sinfo says:" >&2
  sinfo -N -l >&2 || true
  tail -n 20 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 || true
  stop
  exit 1
}

case $action in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
