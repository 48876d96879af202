#!/usr/bin/env bash
# timefan load generator: keeps every strategy busy so the Grafana dashboard has something to compare.
#
# docker-compose runs it inside the timefan image itself (Ubuntu-based JRE: bash and coreutils, no curl
# or wget), with this folder mounted read-only at /loadgen:
#     entrypoint: ["bash", "/loadgen/drive.sh"]
# so it speaks HTTP/1.0 over bash's /dev/tcp. Locally:
#     TIMEFAN_HOST=localhost TIMEFAN_PORT=8080 bash deploy/loadgen/drive.sh
#
# What it does: waits for GET /actuator/health/readiness to answer 200, fetches the zone list from
# GET /api/timezone.txt, then runs LOADGEN_WORKERS loops that each take the strategies in turn
# (threads, virtual, processes, reactive) and send, per round:
#   - GET  /<strategy>/time?zones=<10..200 random zones>&source=upstream (1 in 5 with Mars/Olympus mixed in)
#   - GET  /<strategy>/time/<random zone>?source=upstream
#   - POST /<strategy>/time?source=local with a JSON array of zones
#   - every 10th round, GET /compare/time?zones=<20 random zones>&source=upstream
# pausing LOADGEN_PAUSE seconds between requests. Every 10 s it prints one line: requests sent and
# answers that were not 200 (connection failures included). SIGTERM or SIGINT stops it cleanly.
#
# Environment: TIMEFAN_HOST (timefan), TIMEFAN_PORT (8080), LOADGEN_WORKERS (4), LOADGEN_PAUSE (0.2).

set -u
export LC_ALL=C # so ${#body} counts bytes for Content-Length

HOST=${TIMEFAN_HOST:-timefan}
PORT=${TIMEFAN_PORT:-8080}
WORKERS=${LOADGEN_WORKERS:-4}
PAUSE=${LOADGEN_PAUSE:-0.2}
STRATEGIES=(threads virtual processes reactive)
READ_TIMEOUT=30 # seconds to wait for an answer (the batch deadline is 10 s)

STATE_DIR=$(mktemp -d) # one counter file per worker loop: "<sent> <non-200>"
WORKER_PIDS=()
SLEEP_PID=

log() { printf '%s loadgen: %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# http METHOD PATH [BODY]: one request on a fresh connection. Sets STATUS to the status code (000 when the
# connection or the read failed) and, when WANT_BODY=1, BODY to the reply's body lines. Returns 0 on a 200.
WANT_BODY=0
BODY=()
http() {
  local method=$1 path=$2 body=${3-} fd line request
  STATUS=000
  BODY=()
  { exec {fd}<>"/dev/tcp/$HOST/$PORT"; } 2>/dev/null || return 1
  request="$method $path HTTP/1.0"$'\r\n'"Host: $HOST:$PORT"$'\r\n'"Connection: close"$'\r\n'
  if [[ $method == POST ]]; then
    request+="Content-Type: application/json"$'\r\n'"Content-Length: ${#body}"$'\r\n'
  fi
  printf '%s\r\n%s' "$request" "$body" 1>&"$fd" 2>/dev/null
  if IFS= read -r -t "$READ_TIMEOUT" -u "$fd" line; then
    line=${line%$'\r'}
    if [[ $line =~ ^HTTP/1\.[01]\ ([0-9]{3}) ]]; then
      STATUS=${BASH_REMATCH[1]}
    fi
  fi
  if ((WANT_BODY)); then
    # skip the headers, then take the body (the server closes the connection after it)
    while IFS= read -r -t "$READ_TIMEOUT" -u "$fd" line && [[ -n ${line%$'\r'} ]]; do :; done
    mapfile -t -u "$fd" BODY
  else
    # drain the reply so the server is not reset mid-write
    timeout "$READ_TIMEOUT" cat <&"$fd" >/dev/null 2>&1
  fi
  exec {fd}>&-
  [[ $STATUS == 200 ]]
}

# pick_zones N: ZLIST = N random zones, comma-separated, '+' escaped for a query string (Etc/GMT+5);
# ZJSON = the same zones as a JSON array.
pick_zones() {
  local n=$1 i z
  ZLIST=
  ZJSON=
  for ((i = 0; i < n; i++)); do
    z=${ZONES[RANDOM % ${#ZONES[@]}]}
    ZLIST+=${ZLIST:+,}${z//+/%2B}
    ZJSON+=${ZJSON:+,}\"$z\"
  done
  ZJSON="[$ZJSON]"
}

# worker ID: one request loop, counting into $STATE_DIR/wID.
worker() {
  local id=$1 round=0 sent=0 failed=0 strategy n
  trap - TERM INT # the parent stops us with SIGTERM: just die
  RANDOM=$((BASHPID * 31 + id))
  send() {
    sent=$((sent + 1))
    http "$@" || failed=$((failed + 1))
    printf '%d %d\n' "$sent" "$failed" >"$STATE_DIR/w$id.tmp" && mv -f "$STATE_DIR/w$id.tmp" "$STATE_DIR/w$id"
    sleep "$PAUSE"
  }
  while :; do
    strategy=${STRATEGIES[(id + round) % ${#STRATEGIES[@]}]}
    round=$((round + 1))

    n=$((10 + RANDOM % 191))
    pick_zones "$n"
    ((RANDOM % 5 == 0)) && ZLIST+=,Mars/Olympus
    send GET "/$strategy/time?zones=$ZLIST&source=upstream"

    pick_zones 1
    send GET "/$strategy/time/${ZONES[RANDOM % ${#ZONES[@]}]}?source=upstream"

    n=$((10 + RANDOM % 191))
    pick_zones "$n"
    send POST "/$strategy/time?source=local" "$ZJSON"

    if ((round % 10 == 0)); then
      pick_zones 20
      send GET "/compare/time?zones=$ZLIST&source=upstream"
    fi
  done
}

summary() {
  local f s x sent=0 failed=0
  for f in "$STATE_DIR"/w*; do
    [[ -f $f && $f != *.tmp ]] || continue
    read -r s x <"$f" || continue
    sent=$((sent + s))
    failed=$((failed + x))
  done
  log "requests sent=$sent non-200=$failed"
}

stop() {
  trap - TERM INT
  log "stopping"
  [[ -n $SLEEP_PID ]] && kill "$SLEEP_PID" 2>/dev/null
  ((${#WORKER_PIDS[@]})) && kill "${WORKER_PIDS[@]}" 2>/dev/null
  wait 2>/dev/null
  summary
  rm -rf "$STATE_DIR"
  exit 0
}
trap stop TERM INT

# pause SECONDS: a sleep the traps can interrupt
pause() {
  sleep "$1" &
  SLEEP_PID=$!
  wait "$SLEEP_PID"
  SLEEP_PID=
}

log "target http://$HOST:$PORT, $WORKERS workers, pause ${PAUSE}s"
until http GET /actuator/health/readiness; do
  log "waiting for readiness (status $STATUS)"
  pause 2
done

ZONES=()
while ((${#ZONES[@]} == 0)); do
  WANT_BODY=1
  if http GET /api/timezone.txt; then
    for z in "${BODY[@]}"; do
      z=${z%$'\r'}
      [[ -n $z ]] && ZONES+=("$z")
    done
  fi
  WANT_BODY=0
  ((${#ZONES[@]})) || { log "no zone list yet (status $STATUS)"; pause 2; }
done
log "ready: ${#ZONES[@]} zones"

for ((w = 0; w < WORKERS; w++)); do
  worker "$w" &
  WORKER_PIDS+=("$!")
done

while :; do
  pause 10
  summary
done
