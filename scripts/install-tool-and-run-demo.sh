#!/usr/bin/env bash
# Packs the library (Neurone) and the tool (Neurone.Cli, command `neurone`), installs the tool from the
# local package folder into a temporary tool path, and runs `neurone demo` there — the way a user meets it.
# NuGet package ids ignore case, so the tool cannot be called "neurone" next to the library "Neurone";
# its id is Neurone.Cli and the command it installs is `neurone`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet pack "$root/src/Neurone/Neurone.csproj" -c Release -o "$work/packages" -v quiet
dotnet pack "$root/src/Neurone.Cli/Neurone.Cli.csproj" -c Release -o "$work/packages" -v quiet
ls "$work/packages"
dotnet tool install Neurone.Cli --tool-path "$work/tools" --add-source "$work/packages" --prerelease -v quiet
cd "$work"
"$work/tools/neurone" demo --epochs 5 --verbose 2
test -f "$work/runs/demo/model.safetensors"
echo "install-tool-and-run-demo: the installed neurone tool ran the demo."
