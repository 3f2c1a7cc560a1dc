# Chartroom registry image: build the single-file CLI, then run it as a non-root user.
# The bundle (dist/) carries every dependency, so the runtime stage needs no node_modules.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY build.mjs tsconfig.json ./
COPY build ./build
COPY cli ./cli
COPY core ./core
COPY template-engine ./template-engine
COPY registry-server ./registry-server
RUN node build.mjs

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    CHARTROOM_HOST=0.0.0.0 \
    CHARTROOM_PORT=8080 \
    CHARTROOM_STORAGE_DIR=/data \
    XDG_CACHE_HOME=/tmp/chartroom-cache
WORKDIR /app
COPY --from=build /src/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
VOLUME ["/data"]
ENTRYPOINT ["node", "/app/dist/chart.cjs"]
CMD ["serve"]
