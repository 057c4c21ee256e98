#!/usr/bin/env bash
# Starts a real OpenSSH server on 127.0.0.1 for tests and benchmarks, with keys of its own.
#
#   scripts/loopback-sshd.sh start DIR [PORT]  # prints the port; DIR gets the keys and the config
#   scripts/loopback-sshd.sh stop DIR
#
# DIR receives: host_ed25519 (the server's key), id_ed25519 (a client key it accepts,
# listed in authorized_keys unless that file exists), sshd_config (plus sshd_config.extra),
# known_hosts (the server's entry, for clients that should trust it), port, sshd.pid.
# A second `start` in the same DIR reuses the keys (so the host key stays the same).
set -euo pipefail

command=${1:?usage: loopback-sshd.sh start|stop DIR}
dir=${2:?usage: loopback-sshd.sh start|stop DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

stop() {
  if [[ -f $dir/sshd.pid ]]; then
    local pid
    pid=$(cat "$dir/sshd.pid")
    kill "$pid" 2>/dev/null || true
    # Wait (up to 5 s) until it has exited, so its port is closed when stop returns: a test
    # that connects right after stopping must be refused, not accepted by a dying listener.
    # A zombie counts as exited (its sockets are closed; PID 1 may not reap it at once).
    local state
    for _ in $(seq 250); do
      state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
      [[ -n $state && $state != Z ]] || break
      sleep 0.02
    done
    rm -f "$dir/sshd.pid"
  fi
}

case $command in
stop)
  stop
  exit 0
  ;;
start) ;;
*)
  echo "unknown command $command" >&2
  exit 2
  ;;
esac

sshd=$(command -v sshd || echo /usr/sbin/sshd)
[[ -x $sshd ]] || { echo "sshd not found: install openssh-server" >&2; exit 1; }
# sshd checks its privilege-separation directory even when it never uses it.
[[ $(id -u) -ne 0 ]] || mkdir -p /run/sshd

[[ -f $dir/host_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -C runbook-test-host -f "$dir/host_ed25519"
[[ -f $dir/id_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -C runbook-test-user -f "$dir/id_ed25519"
[[ -f $dir/authorized_keys ]] || cp "$dir/id_ed25519.pub" "$dir/authorized_keys"
chmod 600 "$dir/authorized_keys" "$dir/host_ed25519" "$dir/id_ed25519"

stop
port=${3:-}
[[ -n $port ]] || port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
cat >"$dir/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_ed25519
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PrintMotd no
MaxSessions 50
MaxStartups 50
LogLevel ERROR
EOF
# Settings a test adds (PermitUserEnvironment, …) survive a restart.
[[ ! -f $dir/sshd_config.extra ]] || cat "$dir/sshd_config.extra" >>"$dir/sshd_config"
"$sshd" -f "$dir/sshd_config" -E "$dir/sshd.log"
echo "[127.0.0.1]:$port $(cut -d' ' -f1-2 "$dir/host_ed25519.pub")" >"$dir/known_hosts"
echo "$port" >"$dir/port"
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "$port"
    exit 0
  fi
  sleep 0.05
done
echo "sshd did not start listening on $port; see $dir/sshd.log" >&2
exit 1
