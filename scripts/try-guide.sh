#!/usr/bin/env bash
# Walks the deployment guide and the operations manual as a county admin would, so that neither
# can drift from the code: every ```sh block of docs/zh/部署指南.md, then of docs/zh/运维.md, runs in
# order, each `## ` section in a fresh shell (a new terminal), in a temporary prefix: /opt/pingan,
# /etc/pingan, /var/lib/pingan ... become $PREFIX/opt/pingan and so on, and the placeholders the
# guide asks the admin to fill (<域名>, <第 3 步的 Token> ...) get test values.
#
# What needs root or the internet is played by stand-ins on PATH, each saying what it stands for:
# apt-get, useradd, chown and runuser do nothing (runuser runs the command as the caller);
# systemctl runs pingan.service's ExecStart with its EnvironmentFile and WorkingDirectory, stops
# it as KillMode=mixed does (SIGTERM to the main process), and on daemon-reload checks the unit
# with `systemd-analyze verify`; `nginx -t` checks the installed site with nginx itself; curl
# reaches only 127.0.0.1. Where a checker is not installed, the walk says so and goes on.
#
# Blocks are marked for the walk by an HTML comment on the line before them:
#   <!-- try-guide: skip (why) -->                 not run (needs the real internet or system)
#   <!-- try-guide: instead CMD (why) -->          CMD runs in its place
#   <!-- try-guide: background until URL -->       runs in the background (a second terminal) and
#                                                  the walk waits until URL answers; it gets Ctrl+C
#                                                  (SIGINT) when its section ends
# The walk also checks, between sections, what an admin would see: a check-in is answered once the
# service runs, and it is still there after the backup is restored.
#
# Usage: scripts/try-guide.sh            (KEEP=1 keeps the prefix; NGINX=/path/to/nginx to check
#                                        the site with an nginx that is not on PATH)
# It clones the repository's committed HEAD, as the guide does; uncommitted changes are not walked.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=$(mktemp -d "${TMPDIR:-/tmp}/pingan-guide.XXXXXX")
walk="$PREFIX/.walk"
# What a Debian server has before the guide starts.
mkdir -p "$walk/bin" "$walk/blocks" "$PREFIX/tmp" "$PREFIX/root" "$PREFIX/etc/systemd/system" "$PREFIX/etc/cron.d" "$PREFIX/usr/local/bin"
export PREFIX REPO="$repo" WALK="$walk"
# The server's pingan command (config/deploy/pingan.sh) finds the program and the env file here.
export PINGAN_HOME="$PREFIX/opt/pingan" PINGAN_ENV_FILE="$PREFIX/etc/pingan/pingan.env"
# Pushes of the walked service go nowhere (a closed port), never to WeCom.
export WECOM_API_BASE=http://127.0.0.1:9
export npm_config_prefer_offline=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
fail() {
  printf '\n\033[31mtry-guide: %s\033[0m\n' "$*" >&2
  exit 1
}

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
export PORT_WEB=$(free_port) PORT_ROBOT=$(free_port)
export REAL_CURL=$(command -v curl) REAL_NODE=$(command -v node)
[ -n "$REAL_CURL" ] || fail "curl is needed"

if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
  echo "try-guide: uncommitted changes in $repo are not part of the walk (it clones HEAD, as the guide does)" >&2
fi

# The node the unit and the server's pingan command start: /usr/bin/node, as the guide installs it.
if [ -x /usr/bin/node ]; then export PINGAN_NODE=/usr/bin/node; else
  export PINGAN_NODE=$REAL_NODE
  echo "try-guide: no /usr/bin/node here; the unit's ExecStart runs $REAL_NODE instead" >&2
fi

# ---- the text of a block as it runs here: paths under the prefix, placeholders filled ---------
rewrite() {
  perl -CSD -Mutf8 -pe '
    s{(?<![\w/])(/tmp/|/opt/pingan|/etc/pingan|/var/lib/pingan|/var/backups/pingan|/etc/systemd/system|/etc/nginx|/etc/ssl/pingan|/etc/cron\.d|/usr/local/bin/pingan)}{$ENV{PREFIX}$1}g;
    s{\b8080\b}{$ENV{PORT_WEB}}g;
    s{\b9090\b}{$ENV{PORT_ROBOT}}g;
    s{<本项目仓库地址>}{$ENV{REPO}}g;
    s{<你的名单\.xlsx>}{$ENV{REPO}/test/fixtures/config/schools-bureau.xlsx}g;
    s{<名单里一位上报人的账号>}{wang_fang}g;
    s{<第 3 步的 Token>}{walk-token}g;
    s{<第 3 步的 EncodingAESKey>}{abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG}g;
    s{<校长群的 key>}{walk-principals}g;
    s{<局领导群的 key>}{walk-leaders}g;
    s{<管理页面口令[^>]*>}{0123456789abcdef0123456789abcdef}g;
    s{<域名>}{pingan.example.edu.cn}g;
  '
}

# ---- the blocks, in order: one file per block, one list line per block -------------------------
# list line: <section number>\t<doc>\t<section title>\t<mode>\t<argument>\t<block file>
extract() {
  local doc=$1 tag=$2
  awk -v doc="$doc" -v tag="$tag" -v dir="$walk/blocks" '
    /^## / { section++; title = substr($0, 4); next }
    /^[ \t]*<!-- try-guide:/ {
      marker = $0; sub(/^[ \t]*<!-- try-guide:[ \t]*/, "", marker); sub(/[ \t]*-->[ \t]*$/, "", marker); next
    }
    /^[ \t]*```/ && !open {
      lang = $0; sub(/^[ \t]*```/, "", lang); split(lang, words, /[ \t]/); open = 1; n++
      file = sprintf("%s/%s-%03d.sh", dir, tag, n); printf "" > file; indent = match($0, /[^ \t]/) - 1; next
    }
    /^[ \t]*```/ && open {
      open = 0; close(file)
      if (words[1] != "sh") { marker = ""; next }
      mode = "run"; arg = ""
      if (marker ~ /^skip/) { mode = "skip"; arg = substr(marker, 5) }
      else if (marker ~ /^instead /) { mode = "instead"; arg = substr(marker, 9) }
      else if (marker ~ /^background until /) { mode = "background"; arg = substr(marker, 18) }
      else if (marker != "") { print "unknown try-guide marker: " marker > "/dev/stderr"; exit 1 }
      # bash read folds runs of tabs: an empty argument is written as "-".
      printf "%s-%02d\t%s\t%s\t%s\t%s\t%s\n", tag, section, doc, title, mode, (arg == "" ? "-" : arg), file
      marker = ""; next
    }
    open { print substr($0, indent + 1) >> file; next }
  ' "$repo/$doc"
}
{
  extract docs/zh/部署指南.md a
  extract docs/zh/运维.md b
} > "$walk/blocks.tsv"
[ -s "$walk/blocks.tsv" ] || fail "no sh blocks found in the guide"

# ---- stand-ins for what needs root or the internet ---------------------------------------------
stub() {
  cat > "$walk/bin/$1"
  chmod 755 "$walk/bin/$1"
}
stub apt-get <<'EOF'
#!/usr/bin/env bash
echo "[try-guide] apt-get $* (not run)" >&2
if [ "${1:-}" = install ]; then
  for p in "${@:2}"; do
    case "$p" in -*) continue ;; esac
    echo "$p" >> "$WALK/apt-packages"
    # A name the package lists do not know is a typo in the guide (checked where the lists exist).
    if compgen -G '/var/lib/apt/lists/*_Packages' >/dev/null && ! apt-cache show "$p" >/dev/null 2>&1; then
      echo "[try-guide] apt-get: no package named $p" >&2; exit 100
    fi
    # What the package leaves on a real server that the guide then uses.
    [ "$p" != nginx ] || mkdir -p "$PREFIX/etc/nginx/sites-available" "$PREFIX/etc/nginx/sites-enabled"
  done
fi
EOF
for name in useradd chown certbot; do
  stub "$name" <<EOF
#!/usr/bin/env bash
echo "[try-guide] $name \$* (not run)" >&2
EOF
done
stub runuser <<'EOF'
#!/usr/bin/env bash
# runuser -u USER -- CMD...: runs CMD as the caller.
while [ $# -gt 0 ] && [ "$1" != -- ]; do shift; done
shift
exec "$@"
EOF
stub curl <<'EOF'
#!/usr/bin/env bash
# Only this machine is reached; a download from the internet leaves an empty script where -o says.
for a in "$@"; do
  case "$a" in http://127.0.0.1*|http://localhost*) exec "$REAL_CURL" "$@" ;; esac
done
echo "[try-guide] curl $* (not fetched)" >&2
out=""
while [ $# -gt 0 ]; do
  case "$1" in -o) out=$2; shift ;; esac
  shift
done
[ -z "$out" ] || echo ': # not downloaded by try-guide' > "$out"
EOF
stub journalctl <<'EOF'
#!/usr/bin/env bash
tail -n 50 "$WALK/pingan.log"
EOF
stub nginx <<'EOF'
#!/usr/bin/env bash
# nginx -t: the installed site, checked by nginx itself inside a minimal main config.
if [ "${1:-}" != -t ]; then echo "[try-guide] nginx $* (not run)" >&2; exit 0; fi
real=${NGINX:-$(PATH=${PATH#*/.walk/bin:} command -v nginx || true)}
if [ -z "$real" ]; then
  echo "[try-guide] nginx -t skipped: nginx is not installed here (set NGINX=/path/to/nginx to check the site)" >&2
  exit 0
fi
check="$WALK/nginx-check"
mkdir -p "$check/ssl"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=pingan.example.edu.cn \
  -keyout "$check/ssl/privkey.pem" -out "$check/ssl/fullchain.pem" 2>/dev/null
includes=""
for site in "$PREFIX"/etc/nginx/sites-enabled/*; do
  sed "s#/etc/ssl/pingan#$check/ssl#g" "$site" > "$check/$(basename "$site")"
  includes="$includes include $check/$(basename "$site");"
done
cat > "$check/nginx.conf" <<CONF
pid $check/nginx.pid;
error_log $check/error.log;
events {}
http {
  access_log off;
  client_body_temp_path $check/body; proxy_temp_path $check/proxy; fastcgi_temp_path $check/fcgi;
  uwsgi_temp_path $check/uwsgi; scgi_temp_path $check/scgi;
  $includes
}
CONF
"$real" -t -q -c "$check/nginx.conf" -p "$check" -e "$check/error.log"
echo "[try-guide] nginx -t: the site is valid" >&2
EOF
stub systemctl <<'EOF'
#!/usr/bin/env bash
# The part of systemd the guide uses, for pingan.service; other units are only named.
unit="$PREFIX/etc/systemd/system/pingan.service"
pidfile="$WALK/pingan.pid"
value() { sed -n "s/^$1=//p" "$unit" | tail -1 | perl -pe 's{(/opt/pingan|/etc/pingan)}{$ENV{PREFIX}$1}g'; }
# Live processes (zombies left unreaped by PID 1 do not count) of a process group, by /proc.
members() { awk -v g="$1" '{ sub(/^.*\) /, ""); if ($3 == g && $1 != "Z") print FILENAME }' /proc/[0-9]*/stat 2>/dev/null; }
alive() { [ -r "/proc/$1/stat" ] && [ "$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" != Z ]; }
running() { [ -f "$pidfile" ] && alive "$(cat "$pidfile")"; }
start() {
  running && return 0
  [ -f "$unit" ] || { echo "[try-guide] systemctl: $unit is not installed" >&2; exit 5; }
  local exec_start workdir env_file
  exec_start=$(value ExecStart | sed "s#^/usr/bin/node #$PINGAN_NODE #")
  workdir=$(value WorkingDirectory)
  env_file=$(value EnvironmentFile)
  mapfile -t vars < <(grep -E '^[A-Za-z_][A-Za-z0-9_]*=' "$env_file")
  # shellcheck disable=SC2086
  (cd "$workdir" && exec setsid env -i PATH="$PATH" HOME="$PREFIX/root" WECOM_API_BASE="$WECOM_API_BASE" "${vars[@]}" $exec_start >> "$WALK/pingan.log" 2>&1) &
  echo $! > "$pidfile"
  echo "[try-guide] systemctl: started pingan.service ($exec_start)" >&2
}
stop() {
  running || return 0
  local pid waited=0
  pid=$(cat "$pidfile")
  kill -TERM "$pid"
  while alive "$pid"; do
    [ $waited -ge 600 ] && { echo "[try-guide] systemctl: pingan did not stop within TimeoutStopSec=60" >&2; kill -KILL -- "-$pid"; exit 1; }
    sleep 0.1; waited=$((waited + 1))
  done
  # KillMode=mixed: what is left of the unit's processes after the main one exits gets SIGKILL.
  if [ -n "$(members "$pid")" ]; then
    echo "[try-guide] systemctl: pingan left processes behind: $(members "$pid" | tr '\n' ' ')" >&2
    kill -KILL -- "-$pid" 2>/dev/null || true
    exit 1
  fi
  rm -f "$pidfile"
  echo "[try-guide] systemctl: stopped pingan.service" >&2
}
verify() {
  if ! command -v systemd-analyze >/dev/null; then echo "[try-guide] systemd-analyze verify skipped: not installed here" >&2; return; fi
  local copy="$WALK/verify/pingan.service" out
  mkdir -p "$WALK/verify"
  sed "s#^ExecStart=/usr/bin/node #ExecStart=$PINGAN_NODE #" "$unit" > "$copy"
  out=$(cd "$WALK/verify" && systemd-analyze verify "$copy" 2>&1) || { echo "$out" >&2; exit 1; }
  [ -z "$out" ] || { echo "[try-guide] systemd-analyze verify: $out" >&2; exit 1; }
  echo "[try-guide] systemd-analyze verify: pingan.service is valid" >&2
}
cmd=$1; shift
units=()
for a in "$@"; do case "$a" in -*) ;; *) units+=("$a") ;; esac; done
for u in "${units[@]}"; do
  if [ "${u%.service}" != pingan ]; then echo "[try-guide] systemctl $cmd $u (not run)" >&2; continue; fi
  case "$cmd" in
    daemon-reload) ;;
    enable) [[ " $* " == *" --now "* ]] && start ;;
    start) start ;;
    stop) stop ;;
    restart) stop; start ;;
    status) running && echo "pingan.service: active (running)" || { echo "pingan.service: inactive"; exit 3; } ;;
    *) echo "[try-guide] systemctl $cmd pingan (not run)" >&2 ;;
  esac
done
[ "$cmd" = daemon-reload ] && verify
exit 0
EOF

# ---- what the walk checks beyond the guide's own commands -----------------------------------
# The admin's hands: the holiday notice saved from the web page, before the section that imports it.
before_section() {
  case "$1" in
    每年导入放假安排) cp "$repo/test/fixtures/notices/2026-news-page.txt" "$PREFIX/etc/pingan/放假通知.txt" ;;
  esac
}
# What the admin would look at after a section: a check-in answered, and kept through a restore.
after_section() {
  case "$1" in
    "7. 用 systemd 运行")
      "$PREFIX/usr/local/bin/pingan" say --as zhang_wei 平安 | tee "$walk/checkin.txt"
      grep -q 已登记 "$walk/checkin.txt" || fail "the running service did not record a check-in"
      ;;
    恢复)
      "$PREFIX/usr/local/bin/pingan" say --as zhang_wei 状态 | tee "$walk/status.txt"
      grep -q "平安日报.*已报" "$walk/status.txt" || fail "the check-in made before the backup is not there after the restore"
      ;;
  esac
}

# ---- the walk -------------------------------------------------------------------------------
export PATH="$walk/bin:$PREFIX/usr/local/bin:$PATH"
cleanup() {
  local code=$?
  systemctl stop pingan >/dev/null 2>&1 || true
  for pgid in $(cat "$walk/background" 2>/dev/null); do kill -KILL -- "-$pgid" 2>/dev/null || true; done
  if [ $code -ne 0 ] && [ -s "$walk/pingan.log" ]; then
    echo "try-guide: the service's last lines:" >&2
    tail -n 20 "$walk/pingan.log" >&2
  fi
  if [ -n "${KEEP:-}" ]; then echo "try-guide: the prefix is kept: $PREFIX" >&2; else rm -rf "$PREFIX"; fi
  exit $code
}
trap cleanup EXIT

wait_http() {
  local url=$1 tries=0
  until "$REAL_CURL" -s -o /dev/null --max-time 2 "$url"; do
    tries=$((tries + 1))
    [ $tries -le 360 ] || fail "nothing answered at $url within three minutes"
    sleep 0.5
  done
}
stop_background() {
  for pgid in $(cat "$WALK/background" 2>/dev/null); do
    kill -INT -- "-$pgid" 2>/dev/null || continue
    for _ in $(seq 1 300); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 -- "-$pgid" 2>/dev/null; then
      echo "try-guide: Ctrl+C did not stop process group $pgid within 30 s: $(pgrep -a -g "$pgid" 2>/dev/null | tr '\n' ' ')" >&2
      kill -KILL -- "-$pgid"
      exit 1
    fi
  done
  rm -f "$WALK/background"
  # What the other terminals showed (terminal one's group chat, the service's lines).
  for log in $(cat "$WALK/background-logs" 2>/dev/null); do
    echo "[try-guide] the background terminal showed:"
    sed 's/^/    | /' "$log"
  done
  rm -f "$WALK/background-logs"
}
export -f wait_http stop_background fail

run_section() {
  local key=$1 doc=$2 title=$3
  local script="$walk/section-$key.sh"
  {
    echo "set -euo pipefail"
    echo "cd \"\$PREFIX/root\""
  } > "$script"
  while IFS=$'\t' read -r k _ _ mode arg file; do
    [ "$k" = "$key" ] || continue
    local shown
    shown=$(rewrite < "$file")
    if grep -nP '<[^<>]*\p{Han}[^<>]*>' <<< "$shown" >/dev/null && [ "$mode" != skip ]; then
      fail "$doc「$title」: a placeholder the walk does not know: $(grep -oP '<[^<>]*\p{Han}[^<>]*>' <<< "$shown" | head -1)"
    fi
    printf '%s\n' "$shown" > "$file.run"
    case "$mode" in
      skip) echo "echo $(printf %q "[try-guide] skipped a block $arg")" >> "$script" ;;
      instead) echo "echo $(printf %q "[try-guide] instead of a block: $arg"); ${arg%% (*}" >> "$script" ;;
      background)
        echo "echo '[try-guide] in the background:'; sed 's/^/    /' '$file.run'" >> "$script"
        echo "setsid bash -euo pipefail '$file.run' > '$file.log' 2>&1 & echo \$! >> \"\$WALK/background\"; echo '$file.log' >> \"\$WALK/background-logs\"" >> "$script"
        echo "wait_http '$(rewrite <<< "$arg")'" >> "$script"
        ;;
      run)
        echo "sed 's/^/    \$ /' '$file.run'" >> "$script"
        echo "source '$file.run'" >> "$script"
        ;;
    esac
  done < "$walk/blocks.tsv"
  echo "stop_background" >> "$script"
  say "$doc「$title」"
  before_section "$title"
  bash "$script" || fail "$doc「$title」failed (KEEP=1 keeps the commands it ran: $script)"
  after_section "$title"
}

cut -f1-3 "$walk/blocks.tsv" | uniq | while IFS=$'\t' read -r key doc title; do
  run_section "$key" "$doc" "$title"
done

grep -qx fonts-noto-cjk "$walk/apt-packages" || fail "the guide's apt-get install line has no fonts-noto-cjk (the service's user cannot install it)"
say "the guide walked: $(wc -l < "$walk/blocks.tsv") blocks, $(grep -c $'\tskip\t' "$walk/blocks.tsv" || true) of them skipped as marked"
