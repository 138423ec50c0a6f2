#!/bin/bash
# orthanc-host-install: rendered by @citadel/orthanc-host; cloud-init runs it once, at first boot.
# Docker and its Compose plugin come from the distribution's repositories (nothing is downloaded
# from elsewhere); systemd then starts the stack, now and at every later boot.
set -euo pipefail

dnf install -y docker jq
if ! docker compose version >/dev/null 2>&1; then
    echo "orthanc-host-install: 'docker compose' is missing; the host's packages must include the Compose plugin" >&2
    exit 1
fi
systemctl daemon-reload
systemctl enable --now docker.service
systemctl enable --now orthanc-host.service orthanc-host-refresh.timer
