#!/bin/bash
# ApplicationStop: stop the running version (absent on an instance's first deployment).
# Rendered by @citadel/ec2-app; part of the application's revision (see appspec.yml).
set -euo pipefail

if systemctl list-unit-files citadel-app-api.service >/dev/null 2>&1; then
    systemctl stop citadel-app-api.service
fi
