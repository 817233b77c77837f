#!/usr/bin/env bash
# rootfs.sh BINARY DEST: the root filesystem of posture's image in DEST: the binary (stripped),
# exactly the shared libraries `ldd` says it loads (none for a static binary), the system's CA
# certificates, /etc/passwd and /etc/group with the non-root user posture (65532), and /tmp.
# Used by the Dockerfile's build stage and by deploy/image/build.sh, so both give one image.
set -euo pipefail
bin="${1:?usage: rootfs.sh BINARY DEST}" dest="${2:?usage: rootfs.sh BINARY DEST}"
ca=/etc/ssl/certs/ca-certificates.crt
[[ -x "$bin" ]] || { echo "rootfs: $bin is not an executable" >&2; exit 1; }
[[ -f "$ca" ]] || { echo "rootfs: $ca missing: install the ca-certificates package" >&2; exit 1; }
rm -rf "$dest"
mkdir -p "$dest/usr/local/bin" "$dest/etc/ssl/certs" "$dest/tmp"
install -m 0755 "$bin" "$dest/usr/local/bin/posture"
if command -v strip >/dev/null 2>&1; then strip --strip-unneeded "$dest/usr/local/bin/posture"; fi
# ldd prints "libx.so => /path (addr)" for libraries and "/lib64/ld-linux-x86-64.so.2 (addr)"
# for the loader; a static binary has neither.
ldd "$bin" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u |
while read -r lib; do
    mkdir -p "$dest$(dirname "$lib")"
    cp -L "$lib" "$dest$lib"
done
cp -L "$ca" "$dest$ca"
printf 'root:x:0:0:root:/root:/sbin/nologin\nposture:x:65532:65532:posture:/tmp:/sbin/nologin\n' > "$dest/etc/passwd"
printf 'root:x:0:\nposture:x:65532:\n' > "$dest/etc/group"
chmod 1777 "$dest/tmp"
