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

# Disk and memory metrics from the first minutes, before Orthanc's images are pulled, so the host's
# alarms see data while it boots. fetch-config validates the file; a fault here is logged and does
# not keep Orthanc from starting: the disk and memory alarms treat missing data as breaching, so an
# agent that never starts is heard anyway. systemd then runs the agent at every boot.
if "$CWAGENT_CTL" -a fetch-config -m ec2 -c "file:${CWAGENT_CONFIG}"; then
    systemctl enable --now amazon-cloudwatch-agent.service || echo "orthanc-host-install: the CloudWatch agent did not start" >&2
else
    echo "orthanc-host-install: the CloudWatch agent refused its configuration" >&2
fi

systemctl enable --now docker.service
systemctl enable --now orthanc-host.service orthanc-host-refresh.timer
