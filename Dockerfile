# syntax=docker/dockerfile:1
# The gateway's image: `hubspot-graphql serve` by default; `emulator` and the sample subgraph run from it too
# (deploy/compose.yaml). Three stages: production dependencies, the build (with dev dependencies), and a
# runtime stage with only the former, the compiled JS and the SDL, running as the unprivileged `node` user.
ARG NODE_VERSION=20

# ---- production dependencies only (better-sqlite3 may need a compiler when no prebuilt binary fits)
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- build: every dependency, then tsc → dist/
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY schema ./schema
COPY src ./src
COPY resolvers ./resolvers
COPY deploy/sample-subgraph ./deploy/sample-subgraph
RUN npm run build

# ---- runtime
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY schema ./schema
# OAuth app mode keeps its tokens in ./data/tokens.sqlite by default: mount a volume there (or use Redis/Postgres).
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 4000
STOPSIGNAL SIGTERM
# Liveness only (the process answers); orchestrators should use GET /readyz for readiness.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/src/main.js"]
CMD ["serve"]
