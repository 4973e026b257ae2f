# syntax=docker/dockerfile:1
# Multi-stage build of dockdeck on Node 24 LTS.

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
# Type-check the daemon and build the web UI into ui/dist.
RUN npx tsc -p tsconfig.json && npm run build:ui && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    DD_STORE_PATH=/store \
    DD_SERVER_PORT=3000
WORKDIR /app
# tini reaps zombies and forwards signals so SIGTERM reaches the graceful shutdown.
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/* \
 && groupadd --system dockdeck && useradd --system --gid dockdeck --home /app dockdeck \
 && mkdir /store && chown dockdeck:dockdeck /store
COPY --from=build --chown=dockdeck:dockdeck /app/package.json ./
COPY --from=build --chown=dockdeck:dockdeck /app/node_modules ./node_modules
COPY --from=build --chown=dockdeck:dockdeck /app/app ./app
COPY --from=build --chown=dockdeck:dockdeck /app/bin ./bin
COPY --from=build --chown=dockdeck:dockdeck /app/ui/dist ./ui/dist
VOLUME ["/store"]
EXPOSE 3000
# The mounted /var/run/docker.sock belongs to the host's docker group: start the container with
# `--group-add $(stat -c %g /var/run/docker.sock)` so this non-root user may use it.
USER dockdeck
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.DD_SERVER_PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--disable-warning=ExperimentalWarning", "app/main.ts"]
