#!/bin/bash
# ValidateService: the app answers its health path through Nginx, or the deployment fails (and rolls back).
# Rendered by @citadel/ec2-app; part of the application's revision (see appspec.yml).
set -euo pipefail

url=http://127.0.0.1:8080/api/health
for _ in $(seq 1 60); do
    if curl -fsS -o /dev/null --max-time 5 "$url"; then
        exit 0
    fi
    sleep 3
done
echo "no healthy answer from $url" >&2
journalctl -u citadel-app-api.service -n 50 --no-pager >&2 || true
exit 1
