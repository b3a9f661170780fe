# syntax=docker/dockerfile:1
# The rdtr HTTP API. The database is a separate PostGIS server (see docker-compose.yml): pass
# RDTR_DATABASE_URL, e.g.
#   docker build -t rdtr . && docker run -p 8000:8000 \
#     -e RDTR_DATABASE_URL=postgresql+psycopg2://rdtr:rdtr@HOST:5432/rdtr rdtr
# No GDAL or npm in the final image: the shapely/pyproj/pyogrio/psycopg2-binary wheels bundle their
# libraries, and the Leaflet assets come from a throw-away node stage.

FROM node:20-slim AS web-assets
WORKDIR /build
# The same packages and versions as scripts/setup.sh.
RUN npm install --prefix /build/vendor --save-exact --no-audit --no-fund --loglevel=error \
        leaflet@1.9.4 leaflet-draw@1.0.4 leaflet.vectorgrid@1.3.0 swagger-ui-dist@5.35.0 redoc@2.5.2

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY rdtr ./rdtr
COPY api ./api
# Before `pip install .`: the assets are package data of `api` (api/static/**), so they must be in the
# tree that gets installed. Replaces whatever vendor directory the build context had.
RUN rm -rf api/static/vendor
COPY --from=web-assets /build/vendor ./api/static/vendor
RUN pip install . && rm -rf build *.egg-info

# The sample plan package, for `rdtr ingest data/zoning/bontang` (docker-compose.yml does that).
COPY data/zoning ./data/zoning

RUN useradd --system --user-group --home-dir /app --no-create-home rdtr && chown -R rdtr:rdtr /app
USER rdtr

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status != 200)"]
CMD ["rdtr", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
