# One image for both processes; the command picks one:
#   docker run cellarhand                          → node … dist/worker/main.js (default, heap capped)
#   docker run cellarhand node dist/api/main.js    → the HTTP API
# The sandbox and the Temporal binaries are for development and are not part of it.
# Probes (no HEALTHCHECK here: the port depends on the command; docker-compose.yml and a platform's
# probes name it): liveness GET /health, readiness GET /ready, on API_PORT (3000) for the API and on
# the operations port for both (WORKER_METRICS_PORT 9464, API_METRICS_PORT 9465, with /metrics).

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no Temporal binaries (postinstall) in an image.
RUN npm ci --ignore-scripts
COPY . .
# tsc into dist/, then the workflow code bundled once into dist/workflow-bundle.js: the worker loads
# it instead of bundling at every start (worker/workflow-bundle.ts).
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# Read by `node dist/scripts/doctor.js` when SHOPIFY_WEBHOOK_SUBSCRIPTIONS=toml.
COPY shopify.app.toml ./
USER node
EXPOSE 3000 9464 9465
# The worker's memory, as `npm start` caps it (worker/memory.ts, workerProcessEnv): a 256 MB heap and
# a small young generation (its sticky cache is sized to that heap), and few malloc arenas.
ENV MALLOC_ARENA_MAX=2
CMD ["node", "--max-old-space-size=256", "--max-semi-space-size=2", "dist/worker/main.js"]
