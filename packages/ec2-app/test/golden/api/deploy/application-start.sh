#!/bin/bash
# ApplicationStart: start the new version under systemd (restarted if it dies).
# Rendered by @citadel/ec2-app; part of the application's revision (see appspec.yml).
set -euo pipefail

systemctl daemon-reload
systemctl restart citadel-app-api.service
