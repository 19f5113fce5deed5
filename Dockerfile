# The monitor in a container: the release build of scripts/package on Debian 12, run by
# an unprivileged user, its database in the /data volume. docs/install.md shows how to
# build and run it.
#
#   docker build -t cronicle .
#   docker run -d -p 8000:8000 -v cronicle-data:/data -e CRONICLE_API_TOKEN=... cronicle

# The builder and the runtime share Debian 12 (bookworm): the binaries load its glibc,
# libgit2 1.5, SQLite and libcurl. Keep the Swift version that of `swift --version` in CI.
ARG SWIFT_IMAGE=swift:6.3-bookworm

FROM ${SWIFT_IMAGE} AS build
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        libgit2-dev libsqlite3-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The manifest first, so that a change to the sources reuses the fetched dependencies.
COPY Package.* ./
RUN swift package resolve --scratch-path .build-release
COPY . .
# The same tarball a release ships, unpacked where the runtime stage copies it from.
RUN tarball="$(scripts/package)" \
    && mkdir /opt/cronicle \
    && tar -xzf "$tarball" -C /opt/cronicle --strip-components=1

FROM debian:bookworm-slim
# What the binaries load besides glibc (scripts/package lists them with ldd), time zones
# for jobs' `timezone`, CA certificates for HTTPS notification channels, and curl for the
# health check.
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        libgit2-1.5 libsqlite3-0 libcurl4 libstdc++6 tzdata ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin cronicle \
    && mkdir /data && chown cronicle:cronicle /data
# The binaries find the dashboard's resources beside their real path, so they stay
# together in /opt/cronicle and PATH gets symlinks.
COPY --from=build /opt/cronicle /opt/cronicle
RUN ln -s /opt/cronicle/cronicle /opt/cronicle/cronicle-server /opt/cronicle/cronicle-sync /usr/local/bin/

# Listening beyond loopback needs CRONICLE_API_TOKEN (the server refuses to start without
# one, or CRONICLE_INSECURE=true); CRONICLE_ALLOWED_HOSTS names the host names people use.
ENV CRONICLE_HOST=0.0.0.0 \
    CRONICLE_PORT=8000 \
    CRONICLE_DB=/data/cronicle.db
VOLUME /data
WORKDIR /data
USER cronicle:cronicle
EXPOSE 8000
# /health needs no key: 200 while the alert engine checks its deadlines and the database
# answers, 503 otherwise.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${CRONICLE_PORT}/health"
# SIGTERM (docker stop) finishes requests in flight, then closes the database.
STOPSIGNAL SIGTERM
ENTRYPOINT ["cronicle"]
CMD ["serve"]
