# IAM Policy Review, the GitHub App (issue #6): Probot on Node 24 slim, production dependencies only, non-root.
#
#   docker build -t iam-policy-review .
#   docker run -p 3000:3000 -e APP_ID -e PRIVATE_KEY -e WEBHOOK_SECRET -e AWS_REGION iam-policy-review

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
# Probot's server with the App's redacting logger (see src/app/server.ts); webhooks at /api/github/webhooks.
CMD ["node", "dist/app/server.js"]
