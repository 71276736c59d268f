# IAM Policy Review, the GitHub App (issue #6): Probot on Node 24 slim, production dependencies only, non-root.
#
#   docker build -t iam-policy-review .
#   docker run -p 3000:3000 -e APP_ID -e PRIVATE_KEY -e WEBHOOK_SECRET -e AWS_REGION iam-policy-review
#
# It refuses to start without WEBHOOK_SECRET (and APP_ID and a private key), saying what to set.

# Build: all dependencies, compile src/ to dist/.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied, and the HCL grammar's install script
# compiles a native binding the App does not use (it loads the grammar's WebAssembly build).
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

# Run: production dependencies and the compiled App only.
FROM node:24-slim
# A smaller young generation keeps RSS near what is live (see bench/app.ts); webhooks are answered the same.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=4 \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY app.yml ./
USER node
EXPOSE 3000
# /health answers 200 while the App accepts webhooks (the analysis runs in worker threads, so it answers during
# one too) and 503 once it is shutting down. The image has no curl: Node's fetch does the probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Signals: node runs as PID 1 and handles SIGTERM/SIGINT itself (src/app/server.ts): `docker stop` stops taking
# webhooks, concludes the analyses in flight "Interrupted — re-run" within IAM_POLICY_REVIEW_SHUTDOWN_GRACE_MS
# (default 8 s, inside Docker's 10 s) and exits. The App starts no child processes, so there is nothing to reap
# and no init (tini, dumb-init) is needed. Exec form, so the signal reaches node and not a shell.
STOPSIGNAL SIGTERM
# The App's server with its redacting logger (see src/app/server.ts); webhooks at /api/github/webhooks.
CMD ["node", "dist/app/server.js"]
