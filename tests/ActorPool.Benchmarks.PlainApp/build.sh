#!/usr/bin/env bash
# Builds the benchmark program as a plain user's app: ActorPool's three packages packed from this source tree into a
# folder feed (as tests/ActorPool.PackageTests does), then ActorPool.Benchmarks.PlainApp.csproj built from them, without
# ReadyToRun properties of its own: on linux-x64 it gets the ReadyToRun images the ActorPool package ships (the pack
# compiles them; see docs/publishing.md), as a user's plain app does. Prints the path of the program; run it as the usual
# one (--pools processes ...), or give it to --compare. Extra arguments go to the app's build, e.g.
# -p:ActorPoolReadyToRunImages=false for a plain app without the images.
# Usage: tests/ActorPool.Benchmarks.PlainApp/build.sh [OUTPUT-DIR [BUILD-ARGS...]]    (default: /tmp/actorpool-plain-app)
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$(mkdir -p "${1:-/tmp/actorpool-plain-app}" && cd "${1:-/tmp/actorpool-plain-app}" && pwd)"
# A version of this build's own, so NuGet's cache never serves packages packed from another tree or commit.
version="0.1.0-bench.$(date -u +%Y%m%d%H%M%S).$$"
feed="$(mktemp -d)"
cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
cleanup() {
  rm -rf "$feed"
  # The app's output keeps its own copies of the assemblies; the cache's copies of a one-off version are only clutter.
  for package in actorpool actorpool.hosting actorpool.cluster; do
    rm -rf "${cache:?}/$package/$version"
  done
}
trap cleanup EXIT

for package in ActorPool ActorPool.Hosting ActorPool.Cluster; do
  dotnet pack "$root/src/$package/$package.csproj" -c Release -o "$feed" -p:Version="$version" --nologo -v quiet
done

dotnet build "$root/tests/ActorPool.Benchmarks.PlainApp" -c Release -o "$out" --nologo -v quiet \
  -p:ActorPoolVersion="$version" -p:RestoreAdditionalProjectSources="$feed" "${@:2}"

echo "$out/ActorPool.Benchmarks"
