#!/bin/bash
# AfterInstall: the app's environment from Parameter Store (SecureStrings decrypted), never from the revision.
# Rendered by @citadel/ec2-app; part of the application's revision (see appspec.yml).
set -euo pipefail

# shellcheck source=/dev/null
. /etc/citadel/deploy.env
path="${PARAMETER_NAMESPACE}/api/"
target=/etc/citadel/apps/api.env
tmp="$(mktemp "${target}.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
# Names become variables: only shell-style names are accepted; values are JSON-quoted,
# which systemd's EnvironmentFile reads with the same escapes.
aws ssm get-parameters-by-path --region "$AWS_REGION" --path "$path" --recursive --with-decryption --output json \
    | jq -r '.Parameters[] | (.Name | split("/") | last) as $k
        | if ($k | test("^[A-Za-z_][A-Za-z0-9_]*$")) then "\($k)=\(.Value | @json)"
          else error("parameter name \($k) is not a variable name") end' > "$tmp"
chown root:app-api "$tmp"
chmod 0640 "$tmp"
mv -f "$tmp" "$target"
trap - EXIT
