# One image for both processes; the command picks one:
#   docker run cellarhand                          → node dist/worker/main.js (default)
#   docker run cellarhand node dist/api/main.js    → the HTTP API
# The sandbox and the Temporal binaries are for development and are not part of it.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no Temporal binaries (postinstall) in an image.
RUN npm ci --ignore-scripts
COPY . .
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
EXPOSE 3000
CMD ["node", "dist/worker/main.js"]
