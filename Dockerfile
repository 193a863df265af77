# The rsgo host as a container image. Mounts: the Docker socket and one data folder (/data).
#   docker build -t rsgo .
#   docker run -d --name rsgo -p 8080:8080 \
#     -v /var/run/docker.sock:/var/run/docker.sock --group-add "$(stat -c %g /var/run/docker.sock)" \
#     -v rsgo-data:/data -e RSGO_ADMIN_PASSWORD=... rsgo
# See docs/container.md. NODE_IMAGE: any Node 20 image on Debian (a local copy where no
# registry can be reached; scripts/build-node-base.sh makes one).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# better-sqlite3 is compiled where no prebuilt binary can be downloaded for the platform.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# Build native modules against the image's own Node headers, without downloading them.
ENV npm_config_nodedir=/usr/local npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY core core
COPY plugins plugins
COPY cli cli
COPY web web
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE}
ENV NODE_ENV=production RSGO_CONFIG=/app/config/container.yaml
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/dist dist
COPY config/container.yaml config/production.example.yaml config/
# /data/catalog is the catalog folder: a new named volume starts with it, owned by `node`.
RUN mkdir -p /data/catalog && chown -R node:node /data \
 && ln -s /app/dist/cli/main.js /usr/local/bin/rsgo && chmod +x dist/cli/main.js
VOLUME /data
# Non-root: the Docker socket is reached through its group (--group-add, see above).
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.RSGO_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "--enable-source-maps", "dist/core/main.js"]
