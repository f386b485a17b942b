# The gateway (and the sandbox CRM: same package, another command) as an image, for
# docker-compose.yml. The tests never need it.

# GraphiQL's assets from the npm registry, pinned in tools/graphiql (served by the gateway itself).
FROM node:20-slim AS graphiql-assets
WORKDIR /src
COPY tools/graphiql tools/graphiql
COPY scripts/graphiql-assets.sh scripts/graphiql-assets.sh
RUN bash scripts/graphiql-assets.sh

FROM python:3.11-slim
WORKDIR /app
# Not root: nothing in the gateway needs it.
RUN useradd --create-home gateway
COPY pyproject.toml README.md LICENSE ./
COPY gateway gateway
COPY policies policies
COPY examples examples
COPY persisted-operations.json ./
RUN pip install --no-cache-dir -e . && chown -R gateway /app
COPY --from=graphiql-assets /src/build/graphiql-assets build/graphiql-assets
USER gateway
ENV HOST=0.0.0.0 PORT=8000 DATA_DIR=/app/.data
EXPOSE 8000
CMD ["partner-gateway", "serve"]
