#!/usr/bin/env bash
# The kill-during-save soak at scale (issue 18): the test suite's
# InterruptedSaveTests.KillsAtRandomMoments… with 40 SIGKILLs (default) of a process saving a 59 MB
# model, a 118 MB checkpoint and history.csv over and over, at seeded random moments. After every kill
# it checks that each file loads and holds one consistent generation, that history.csv holds epochs
# 1…n in order, and that each file has at most one temporary file beside it. Prints one line per kill.
#
#   bench/soak-kill-during-save.sh [KILLS] [SIZE] [MAX_DELAY_MS] [SEED]
#
# SIZE is the side of the saved layer (3840: 3840² floats, 59 MB); the folder is kept under /tmp for
# a look afterwards (the test suite's own run uses a temporary folder and deletes it).
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-40} size=${2:-3840} delay=${3:-1500} seed=${4:-1}
folder=$(mktemp -d /tmp/neurone-soak.XXXXXX)
echo "soak: $kills kills, layer ${size}x${size}, up to ${delay} ms into a save, seed $seed, folder $folder"
NEURONE_SOAK_KILLS=$kills NEURONE_SOAK_SIZE=$size NEURONE_SOAK_DELAY_MS=$delay NEURONE_SOAK_SEED=$seed NEURONE_SOAK_FOLDER=$folder \
  dotnet test Neurone.slnx -c Release --filter "FullyQualifiedName~InterruptedSaveTests.KillsAtRandomMoments" \
  --logger "console;verbosity=detailed" 2>&1 | grep -E "kill [0-9]+:|landed|Passed|Failed|Assert|temporary files of"
echo "left in $folder:"
ls -la "$folder"
