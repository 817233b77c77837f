#!/usr/bin/env bash
# Builds posture's OCI image without a Docker daemon: the Dockerfile's final stage, with buildah
# (rootless-capable, vfs storage in a private directory), from a binary built on this machine.
#
#   deploy/image/build.sh [--binary PATH] [--out DIR] [--tag TAG]
#
# --binary  the posture binary to put in the image (default: `cargo build --release --locked`,
#           then target/release/posture)
# --out     where the OCI image layout is written (default: target/image/oci)
# --tag     image tag in the layout (default: the package version)
# Needs buildah (Debian/Ubuntu: apt-get install buildah; installed when missing and run as root).
# Prints the layout path and the image's size. Push it with skopeo (deploy/README.md).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
binary="" out="$repo/target/image/oci"
tag="$(sed -n 's/^version = "\(.*\)"/\1/p' "$repo/Cargo.toml" | head -1)"
while (( $# )); do
    case "$1" in
        --binary) binary="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --tag) tag="$2"; shift 2 ;;
        *) echo "build.sh: unknown argument $1 (see the comment at the top of $0)" >&2; exit 2 ;;
    esac
done
if ! command -v buildah >/dev/null 2>&1; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "build.sh: installing buildah (apt-get)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah >/dev/null
    else
        echo "build.sh: buildah is missing: install it (apt-get install buildah)" >&2; exit 1
    fi
fi
if [[ -z "$binary" ]]; then
    (cd "$repo" && cargo build --release --locked)
    binary="$repo/target/release/posture"
fi
work="$(mktemp -d)"
storage=(--root "$work/storage" --runroot "$work/run" --storage-driver vfs)
cleanup() { buildah "${storage[@]}" rm --all >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
# The `build` context replaces the Dockerfile's build stage: its /rootfs is what the final stage copies.
bash "$repo/deploy/image/rootfs.sh" "$binary" "$work/build/rootfs"
mkdir -p "$work/context"
buildah "${storage[@]}" bud --quiet --isolation chroot --layers=false \
    --build-context "build=$work/build" -f "$repo/Dockerfile" -t "localhost/posture:$tag" "$work/context" >/dev/null
rm -rf "$out"
mkdir -p "$(dirname "$out")"
buildah "${storage[@]}" push --quiet "localhost/posture:$tag" "oci:$out:$tag"
layers=$(python3 - "$out" <<'PY'
import json, pathlib, sys
root = pathlib.Path(sys.argv[1])
index = json.loads((root / 'index.json').read_text())
blob = lambda d: root / 'blobs' / d['digest'].replace(':', '/')
manifest = json.loads(blob(index['manifests'][0]).read_text())
print(sum(l['size'] for l in manifest['layers']))
PY
)
echo "image: oci:$out:$tag"
echo "size: $(du -sb "$work/build/rootfs" | cut -f1) bytes unpacked, $layers bytes compressed"
