#!/bin/bash
# orthanc-host-install: rendered by @citadel/orthanc-host; cloud-init runs it once, at first boot.
# The Docker engine and jq come from the pinned release's repository (nothing is downloaded from
# elsewhere, no Compose plugin needed); systemd then runs the containers, now and at every boot.
set -euo pipefail

dnf install -y docker jq
systemctl daemon-reload
systemctl enable --now docker.service
systemctl enable --now orthanc-host.service orthanc-host-refresh.timer
