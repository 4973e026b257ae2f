# Multi-stage build of dockdeck on Node 24 LTS.
#   docker build -t dockdeck .
#   docker run -d --name dockdeck -p 3000:3000 -v dockdeck-store:/store \
#     -v /var/run/docker.sock:/var/run/docker.sock --group-add "$(stat -c %g /var/run/docker.sock)" dockdeck
# NODE_IMAGE lets a machine without Docker Hub build on a local copy of the same base
# (scripts/node-base-image.sh makes one; the tests build this file on it).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM deps AS build
COPY . .
# Type-check the daemon, build the web UI into ui/dist, then keep only the runtime dependencies.
RUN npx tsc -p tsconfig.json && npm run build:ui && npm prune --omit=dev --no-audit --no-fund --loglevel=error

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    DD_STORE_PATH=/store \
    DD_SERVER_PORT=3000
WORKDIR /app
RUN groupadd --system dockdeck && useradd --system --gid dockdeck --home-dir /app --shell /usr/sbin/nologin dockdeck \
 && mkdir /store && chown dockdeck:dockdeck /store && chmod 0700 /store
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
# Node is PID 1 on purpose: dockdeck handles SIGTERM/SIGINT itself (graceful shutdown) and starts no
# child processes, so there are no zombies to reap and no init is needed.
CMD ["node", "--disable-warning=ExperimentalWarning", "app/main.ts"]
