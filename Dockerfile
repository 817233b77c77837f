# posture's container image: the binary, exactly the shared libraries it links, CA certificates,
# and a non-root user; nothing else (no shell, no package manager).
#
#   docker build --build-arg POSTURE_COMMIT="$(git rev-parse --short=12 HEAD)" -t posture .
#
# Without a Docker daemon, deploy/image/build.sh builds the same final stage with buildah from a
# binary built on the host (it replaces the `build` stage with a local directory); the test suite
# does that, unpacks the image and scans the emulated organization with the binary inside it.
# Pushing to Amazon ECR: deploy/README.md.

FROM docker.io/library/rust:1.94-bookworm AS build
WORKDIR /src
COPY . .
# `posture --version` names this commit (.git is not part of the build context).
ARG POSTURE_COMMIT=unknown
RUN cargo build --release --locked \
 && deploy/image/rootfs.sh target/release/posture /rootfs

FROM scratch
COPY --from=build /rootfs /
USER 65532:65532
WORKDIR /tmp
ENV HOME=/tmp SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
ENTRYPOINT ["/usr/local/bin/posture"]
CMD ["--help"]
