#!/usr/bin/env bash
# Per-step overhead of `runbook exec` on a remote target over a live SSH connection (one
# persistent shell, a snapshot and a durable journal record per step), against one `ssh` call
# per command over a ControlMaster connection and, where installed, ansible-playbook with
# pipelining. SPEC §11: at most 5 ms per remote step. A real sshd on 127.0.0.1, started here
# by scripts/loopback-sshd.sh. Release binary; best of 5.
#
# runbook's figure is (T(2N steps) - T(N steps)) / N: the connection set-up, the same in
# both runs, cancels out, and what is left is the cost of one more step.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runbook=$root/.build/release/runbook
steps=${1:-200}
work=$(mktemp -d)
sshd_dir=$work/sshd
cleanup() {
  "$root/scripts/loopback-sshd.sh" stop "$sshd_dir" >/dev/null 2>&1 || true
  [[ -z ${control:-} ]] || ssh -S "$control" -O exit x >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
port=$("$root/scripts/loopback-sshd.sh" start "$sshd_dir")
user=$(id -un)

source Benchmarks/timing.sh
guide() { step_guide "Remote overhead benchmark" "$1" 'echo "step %d" > /dev/null\ncd .' "On the server:"; }
guide "$steps" >"$work/guide-n.md"
guide $((steps * 2)) >"$work/guide-2n.md"

cd "$work"
bind=(--yes --target "server=ssh://$user@127.0.0.1:$port" --identity "$sshd_dir/id_ed25519" --known-hosts "$sshd_dir/known_hosts" --state-dir "$work/state")
# Both must succeed before they are timed.
"$runbook" exec guide-n.md "${bind[@]}" >/dev/null 2>&1 || { echo "runbook exec over SSH failed" >&2; exit 1; }
n_ms=$(best_ms 5 "$runbook" exec guide-n.md "${bind[@]}")
n2_ms=$(best_ms 5 "$runbook" exec guide-2n.md "${bind[@]}")

# One ssh per command, over a shared (ControlMaster) connection: the fastest way to script ssh.
control=$work/control
ssh_opts=(-o BatchMode=yes -o UserKnownHostsFile="$sshd_dir/known_hosts" -i "$sshd_dir/id_ed25519" -p "$port" -S "$control")
ssh "${ssh_opts[@]}" -o ControlMaster=yes -o ControlPersist=60 -fN "$user@127.0.0.1"
per_call() {
  for i in $(seq 50); do ssh "${ssh_opts[@]}" "$user@127.0.0.1" "echo step $i > /dev/null; cd ."; done
}
ssh_ms=$(best_ms 5 per_call)

ansible_cell="not installed"
if command -v ansible-playbook >/dev/null; then
  printf '[server]\n127.0.0.1 ansible_port=%s ansible_user=%s ansible_ssh_private_key_file=%s\n' "$port" "$user" "$sshd_dir/id_ed25519" >inventory.ini
  {
    echo "- hosts: server"
    echo "  gather_facts: false"
    echo "  tasks:"
    for i in $(seq 20); do printf '    - shell: echo step %d > /dev/null\n' "$i"; done
  } >play.yml
  export ANSIBLE_PIPELINING=1 ANSIBLE_HOST_KEY_CHECKING=0
  a_ms=$(best_ms 5 ansible-playbook -i inventory.ini play.yml)
  ansible_cell=$(awk -v a="$a_ms" 'BEGIN { printf "%.1f ms", a / 20 }')
fi

printf '%-58s %s\n' "what (loopback sshd, $steps and $((steps * 2)) steps)" "per step"
awk -v s="$steps" -v n="$n_ms" -v n2="$n2_ms" -v c="$ssh_ms" -v a="$ansible_cell" 'BEGIN {
  printf "%-58s %6.2f ms   (budget 5 ms)\n", "runbook exec, persistent remote shell + durable journal", (n2 - n) / s
  printf "%-58s %6.1f ms\n", "one ssh call per command (ControlMaster)", c / 50
  printf "%-58s %s\n", "ansible-playbook, pipelining, per task", a
  printf "%-58s %6d ms / %d ms\n", "  (runbook totals: N steps / 2N steps, connect included)", n, n2
}'
