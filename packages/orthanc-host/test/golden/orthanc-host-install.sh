#!/bin/bash
# orthanc-host-install: rendered by @citadel/orthanc-host; cloud-init runs it once, at first boot.
# The Docker engine, jq and the CloudWatch agent come from the pinned release's repository (nothing
# is downloaded from elsewhere, no Compose plugin needed); systemd then runs the containers, now and
# at every boot.
set -euo pipefail

readonly CWAGENT_CTL=/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl
readonly CWAGENT_CONFIG=/etc/orthanc-host/cloudwatch-agent.json

dnf install -y docker jq amazon-cloudwatch-agent
systemctl daemon-reload
systemctl enable --now docker.service
systemctl enable --now orthanc-host.service orthanc-host-refresh.timer

# Disk and memory metrics, after Orthanc so a fault here cannot keep it from serving (the host's disk
# alarm treats missing data as breaching, so an agent that never starts is still heard). fetch-config
# validates the file and fails the boot loudly on a bad one; systemd then runs the agent at every boot.
"$CWAGENT_CTL" -a fetch-config -m ec2 -c "file:${CWAGENT_CONFIG}"
systemctl enable --now amazon-cloudwatch-agent.service
