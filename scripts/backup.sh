#!/usr/bin/env bash
# Backs up a deployment: its Redis (the embedded one, or REDIS_URL) as one RDB snapshot taken while
# the service runs, and its config folder (pingan.yaml, the roster, holidays.yaml, the env file).
# Usage (root, as cron runs it; docs/zh/运维.md): scripts/backup.sh [ENV_FILE] [BACKUP_DIR]
# Writes BACKUP_DIR/pingan-YYYY-MM-DD-HHMM/{redis.rdb,config.tar.gz} and deletes the backups older
# than KEEP_DAYS (60). Messages are for the county admin, in Chinese.
set -euo pipefail

env_file=${1:-/etc/pingan/pingan.env}
backups=${2:-/var/backups/pingan}
keep_days=${KEEP_DAYS:-60}

fail() {
  echo "备份失败：$*" >&2
  exit 1
}

[ -r "$env_file" ] || fail "读不到环境文件 $env_file（请用 root 运行）"
# The env file is KEY=VALUE lines, as systemd reads it.
set -a
. "$env_file"
set +a
config_dir=$(dirname "${PINGAN_CONFIG:?环境文件里没有 PINGAN_CONFIG}")

target="$backups/pingan-$(date +%Y-%m-%d-%H%M)"
mkdir -p "$target"
chmod 700 "$backups" "$target"

if [ -n "${REDIS_URL:-}" ]; then
  case "$REDIS_URL" in
    redis+cluster://*) fail "Redis Cluster 请按各节点分别备份（redis-cli -h 节点 -p 端口 --rdb 文件）" ;;
  esac
  redis=(redis-cli -u "$REDIS_URL")
else
  data_dir="${PINGAN_DATA_DIR:-data}/redis"
  port_file="$data_dir/redis-server.port"
  [ -r "$port_file" ] || fail "找不到 $port_file：内置 Redis 没有运行（服务停着时，直接复制 $data_dir/appendonly 目录即可）"
  redis=(redis-cli -p "$(cat "$port_file")")
fi
[ "$("${redis[@]}" ping 2>/dev/null)" = PONG ] || fail "Redis 没有应答（${REDIS_URL:-内置 Redis，端口 $(cat "${port_file:-/dev/null}" 2>/dev/null)}）"

"${redis[@]}" --rdb "$target/redis.rdb" >/dev/null 2>&1 || fail "Redis 快照没有写成：${redis[*]} --rdb $target/redis.rdb"
if command -v redis-check-rdb >/dev/null; then
  redis-check-rdb "$target/redis.rdb" >/dev/null 2>&1 || fail "快照 $target/redis.rdb 校验不通过"
fi
tar -czf "$target/config.tar.gz" -C "$config_dir" .
chmod 600 "$target"/*

find "$backups" -mindepth 1 -maxdepth 1 -name 'pingan-*' -mtime "+$keep_days" -exec rm -rf {} +
echo "已备份到 $target：Redis 快照 $(du -h "$target/redis.rdb" | cut -f1)，配置目录 $config_dir"
