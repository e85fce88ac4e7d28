#!/bin/sh
# 服务器上的 pingan 命令：装到 /usr/local/bin/pingan（见 docs/zh/部署指南.md 第 2 步）。
# 用服务的环境文件（密钥、配置路径、数据目录），以服务的用户 pingan 运行，
# 这样命令新建的数据文件（内置 Redis 的文件）都属于服务。
# holidays import 和 roster ids 例外：它们只读写文件（holidays.yaml、填好账号的名单），写在配置目录
# /etc/pingan，那里只有 root 能写，所以以 root 运行。
set -eu
home=${PINGAN_HOME:-/opt/pingan}
env_file=${PINGAN_ENV_FILE:-/etc/pingan/pingan.env}
user=${PINGAN_USER:-pingan}
# 与 pingan.service 的 ExecStart 同一个 node
node=${PINGAN_NODE:-/usr/bin/node}
if [ ! -r "$env_file" ]; then
  echo "读不到 $env_file：请用 root 运行（sudo pingan …），并确认已按部署指南第 6 步写好环境文件" >&2
  exit 1
fi
set -a
. "$env_file"
set +a
if [ "${1:-}" = holidays ] || [ "${1:-}" = roster ] || [ "$(id -un)" = "$user" ]; then
  exec "$node" "$home/bin/pingan.js" "$@"
fi
exec runuser -u "$user" -- "$node" "$home/bin/pingan.js" "$@"
