#!/usr/bin/env bash
# The HTTP floor: nginx answering every request with a fixed 200 SendMessage reply, so the same
# client load can be pointed at it and at Sluice. Starts nginx (as root, with a config in a mktemp
# dir, on a free loopback port, `daemon off`), runs the given command with
# NGINX_FLOOR_ENDPOINT=http://127.0.0.1:<port> exported and every literal "{endpoint}" argument
# replaced by it, then stops nginx. The command's exit status is the script's.
#
#   usage: nginx_floor.sh [--workers N] <command> [args...]
#   e.g.   nginx_floor.sh build/release/bin/sluice-bench --mode floor --endpoint {endpoint} \
#              --connections 64 --duration 10
#
# --workers: nginx worker processes (default 2, the io_threads of Sluice's SQS front end).
set -euo pipefail

workers=2
if [[ "${1:-}" == "--workers" ]]; then
  workers=$2
  shift 2
fi
if (($# == 0)); then
  sed -n '2,14p' "$0" >&2
  exit 2
fi
nginx_bin=${NGINX:-/usr/sbin/nginx}
[[ -x "$nginx_bin" ]] || { echo "nginx_floor.sh: $nginx_bin not found (apt-get install nginx-light)" >&2; exit 2; }

work=$(mktemp -d)
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The reply a SendMessage would get (the fields real replies carry; the client does not parse it).
reply='<?xml version="1.0"?><SendMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><SendMessageResult><MD5OfMessageBody>5d41402abc4b2a76b9719d911017c592</MD5OfMessageBody><MessageId>5fea7756-0ea4-451a-a703-a558b933e274</MessageId></SendMessageResult><ResponseMetadata><RequestId>b8bd2b6a-35b5-5b5e-a3f1-1f0e3f2c9a10</RequestId></ResponseMetadata></SendMessageResponse>'
mkdir -p "$work/tmp"
cat >"$work/nginx.conf" <<CONF
daemon off;
worker_processes $workers;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/tmp/body;
  proxy_temp_path $work/tmp/proxy;
  fastcgi_temp_path $work/tmp/fastcgi;
  uwsgi_temp_path $work/tmp/uwsgi;
  scgi_temp_path $work/tmp/scgi;
  # As Sluice: long-lived keep-alive connections, bodies up to a few MiB held in memory.
  keepalive_requests 10000000;
  keepalive_timeout 75s;
  client_max_body_size 8m;
  client_body_buffer_size 1m;
  server {
    listen 127.0.0.1:$port;
    location / {
      default_type text/xml;
      return 200 '$reply';
    }
  }
}
CONF

"$nginx_bin" -p "$work" -c "$work/nginx.conf" -e "$work/error.log" &
pid=$!
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "nginx_floor.sh: nginx exited during start-up:" >&2
    cat "$work/error.log" >&2 || true
    exit 1
  fi
  sleep 0.05
done

export NGINX_FLOOR_ENDPOINT="http://127.0.0.1:$port"
args=()
for a in "$@"; do args+=("${a//\{endpoint\}/$NGINX_FLOOR_ENDPOINT}"); done
status=0
"${args[@]}" || status=$?
exit "$status"
