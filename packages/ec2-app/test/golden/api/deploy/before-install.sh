#!/bin/bash
# BeforeInstall: an empty directory for the new version, so no file of the old one survives.
# Rendered by @citadel/ec2-app; part of the application's revision (see appspec.yml).
set -euo pipefail

rm -rf /opt/citadel/apps/api/current
install -d -o root -g app-api -m 0750 /opt/citadel/apps/api/current
